// Verifying that a client which says it is a search-engine crawler is one.
//
// CrawlerCheck does what the engines document: the address's reverse DNS
// name must end with one of the claimed crawler's domains, and that name
// must resolve back to the address (reverse-then-forward, so a PTR record
// an attacker controls proves nothing). Lookups block, through the system's
// resolver (/etc/hosts, then DNS); they are made only for an alert whose
// line claims a known crawler, each answer is cached for an hour, yes or
// no, and at most `max_lookups_per_minute` are made: a flood of claims from
// many addresses cannot stall the pipeline, past the budget a claim is
// simply not believed. Not thread-safe.
//
// LoadCrawlerRanges reads the address lists the engines publish (JSON with
// "ipv4Prefix"/"ipv6Prefix" entries, as Google's googlebot.json, Bing's
// bingbot.json and Apple's applebot.json): addresses in them are crawlers
// whatever their user agent says, with no lookup.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/cidr.h"
#include "core/crawlers.h"
#include "core/log_time.h"
#include "core/status.h"

namespace defender {

class CrawlerCheck {
 public:
  explicit CrawlerCheck(int max_lookups_per_minute = 30) : max_lookups_per_minute_(max_lookups_per_minute) {}

  bool Verified(const IpAddress& address, const KnownCrawler& claimed);

  struct Counters {
    uint64_t lookups = 0, verified = 0, not_verified = 0, over_budget = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Answer {
    bool verified;
    LogTime until;  // wall clock
  };
  static constexpr size_t kMaxCached = 10000;
  bool Lookup(const IpAddress& address, const KnownCrawler& claimed);

  int max_lookups_per_minute_;
  absl::flat_hash_map<IpAddress, Answer> cache_;
  LogTime minute_start_ = 0;
  int lookups_this_minute_ = 0;
  Counters counters_;
};

// Appends the prefixes of a published crawler address list to *out.
Status LoadCrawlerRanges(const std::string& path, std::vector<Cidr>* out);

}  // namespace defender
