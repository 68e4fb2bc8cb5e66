// Scenario: a leaky bucket per client over the events a filter selects.
// Scenarios are rows of data (name, filter, bucket settings), built-in ones
// in scenarios.cc and custom ones from the configuration. The bucket model
// is in leaky_bucket.h. Plain data; immutable after start-up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log_record.h"
#include "core/log_time.h"

namespace re2 {
class RE2;
}

namespace defender {

enum class Distinct : uint8_t { kNone, kUri, kPath, kUserAgent, kQuery };

// The client table's default cap in buckets (one per client and scenario in
// use): 2^21 slots of 64 bytes, and the whole process stays under 256 MB.
inline constexpr size_t kDefaultMaxBuckets = 1'600'000;

struct BucketSettings {
  bool enabled = true;
  int capacity = 5;              // tokens at the start; capacity 0 is a trigger
  LogTime leak = 10 * kSecond;   // one token comes back every `leak`
  Distinct distinct = Distinct::kNone;  // count each distinct value once
  LogTime blackhole = 5 * 60 * kSecond;  // no new alert for the same client this long
  int64_t ban_s = 4 * 3600;      // ban length before escalation
  bool simulate = false;         // alert, never ban
  bool repeats_give_back = false;  // with distinct: a value seen before gives half a token back
  bool per_path = false;           // one bucket per client and path (CrowdSec's groupby path)
  int severity = 40;             // weight in the threat score (1-100)
  bool operator==(const BucketSettings&) const = default;
};

// Which events a scenario counts. All conditions must hold.
struct EventFilter {
  enum class Special : uint8_t {
    kNone,
    kNonStatic,     // a request for a page, not an asset or a well-known file
    kJunkRequest,   // not an HTTP request line, or an invalid HTTP version
    kProxyRequest,  // CONNECT, or an absolute http(s):// target
    kWithQuery,     // a request whose target has a query string
    kEncodedTwice,  // the target as logged holds an escaped '%' (%25, %%32): URL-encoded twice
  };
  bool signature = false;  // one of the scenario's signature rules matched
  uint16_t kinds = 1u << uint8_t(EventKind::kRequest);  // EventKind bits
  std::vector<int> statuses;          // empty: any
  // The same requests answered one of these (a success where `statuses`
  // are failures) give half a token back to a bucket that has one.
  std::vector<int> give_back_statuses;
  std::vector<std::string> methods;   // empty: any
  Special special = Special::kNone;
  // Custom rules: an RE2 pattern or literals on a field.
  enum class Field : uint8_t { kNone, kUri, kPath, kQuery, kUserAgent, kReferer, kMethod, kHost };
  Field field = Field::kNone;
  std::shared_ptr<re2::RE2> regex;
  std::vector<std::string> literals;  // any of them, caseless substring
};

struct Scenario {
  std::string name;
  std::string description;
  EventFilter filter;
  BucketSettings settings;
};

// The built-in scenarios with their defaults (CrowdSec's names where the
// hub has the same attack; thresholds at least as sensitive as its).
std::vector<Scenario> BuiltinScenarios();

// Names CrowdSec users know for a built-in scenario, hub typos included
// ("http-dos-swithcing-ua"): {alias, built-in name}. config.yaml accepts
// them (also with the "crowdsecurity/" owner).
struct ScenarioAlias {
  std::string_view alias, name;
};
const std::vector<ScenarioAlias>& ScenarioAliases();
// `name` itself, or the built-in scenario an alias stands for.
std::string_view CanonicalScenarioName(std::string_view name);

}  // namespace defender
