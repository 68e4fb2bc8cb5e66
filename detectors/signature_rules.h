// The built-in signature rules: rows of (name, scenario it feeds, fields,
// Hyperscan pattern, samples that must match, look-alikes that must not).
// Adding a signature is adding a row. Patterns are matched caseless and
// multi-line, so ^ and $ anchor at the start and end of a field. Samples are
// request targets as they appear in a log ("/a?b=c", still URL-encoded),
// or, prefixed with "ua:" or "referer:", header values. Static data.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace defender {

enum SignatureField : uint8_t {
  kFieldUri = 1,        // decoded path + '?' + query
  kFieldPath = 2,       // decoded, normalised, lower-case path
  kFieldUserAgent = 4,
  kFieldReferer = 8,
};

struct SignatureRule {
  std::string_view name;
  std::string_view scenario;
  uint8_t fields;
  std::string_view pattern;
  std::vector<std::string_view> must_match;
  std::vector<std::string_view> must_not_match;
  // Weak evidence (a SQL fragment such as "sleep("): counted in its
  // scenario's bucket, where many within seconds are the alert, but never
  // enough alone for serve's /api/check to refuse a request.
  bool weak = false;
};

const std::vector<SignatureRule>& BuiltinSignatures();

// User-agent substrings of scanners, exploit kits and abusive bots, matched
// as caseless literals by the rule "bad-user-agent".
const std::vector<std::string_view>& BadUserAgents();

}  // namespace defender
