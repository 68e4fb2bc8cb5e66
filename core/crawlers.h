// The major search-engine crawlers as data: the user-agent tokens they send
// and the reverse-DNS domains their addresses resolve to, as each engine
// documents for verifying its crawler. A user agent only names a claim;
// decisions/crawler_check.h verifies it. Static data.
#pragma once

#include <string_view>
#include <vector>

namespace defender {

struct KnownCrawler {
  std::string_view name;
  std::vector<std::string_view> agent_tokens;  // caseless substrings of the user agent
  std::vector<std::string_view> dns_suffixes;  // the reverse name must end with one ("." included)
};

const std::vector<KnownCrawler>& KnownCrawlers();

// The crawler whose token `user_agent` holds, or nullptr.
const KnownCrawler* ClaimedCrawler(std::string_view user_agent);

}  // namespace defender
