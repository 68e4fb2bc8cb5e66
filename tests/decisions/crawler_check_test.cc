#include "decisions/crawler_check.h"

#include <cstdio>
#include <fstream>

#include <doctest/doctest.h>

#include "decisions/allowlist.h"

using namespace defender;

namespace {
std::string WriteTemp(std::string_view text) {
  char path[] = "/tmp/crawler-ranges-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("a user agent names a crawler; that is only a claim") {
  REQUIRE(ClaimedCrawler("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)") != nullptr);
  CHECK(ClaimedCrawler("Mozilla/5.0 (compatible; Googlebot/2.1)")->name == "google");
  CHECK(ClaimedCrawler("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")->name == "bing");
  CHECK(ClaimedCrawler("Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0") == nullptr);
}

TEST_CASE("published crawler ranges load into the allowlist as verified crawlers") {
  std::vector<Cidr> ranges;
  REQUIRE(LoadCrawlerRanges(std::string(SOURCE_DIR) + "/samples/crawlers/example-ranges.json", &ranges).ok());
  CHECK(ranges.size() == 2);
  Allowlist allowlist({}, {}, ranges);
  CHECK(allowlist.Reason(*IpAddress::Parse("192.0.2.7")) == "verified_crawler");
  CHECK(allowlist.Reason(*IpAddress::Parse("2001:db8:4801:7::9")) == "verified_crawler");
  CHECK(allowlist.Reason(*IpAddress::Parse("192.0.2.77")).empty());
  CHECK(allowlist.Overlaps(*Cidr::Parse("2001:db8:4801:7::/64")));
}

TEST_CASE("a broken, empty or too wide crawler list is refused with the reason") {
  std::vector<Cidr> ranges;
  CHECK(LoadCrawlerRanges("/nonexistent/googlebot.json", &ranges).message().find("cannot read") != std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp("not json"), &ranges).message().find("not JSON") != std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp(R"({"x":1})"), &ranges).message().find("no \"prefixes\"") != std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp(R"({"prefixes":[]})"), &ranges).message().find("no prefixes") != std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp(R"({"prefixes":[{"ipv4Prefix":"10.0.0.0/8"}]})"), &ranges).message().find("wider") !=
        std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp(R"({"prefixes":[{"ipv6Prefix":"2001::/16"}]})"), &ranges).message().find("wider") !=
        std::string::npos);
  CHECK(LoadCrawlerRanges(WriteTemp(R"({"prefixes":[{"ipv4Prefix":"300.1.2.3/24"}]})"), &ranges)
            .message()
            .find("not an address prefix") != std::string::npos);
  CHECK(ranges.empty());
}

TEST_CASE("past the lookup budget a crawler claim is not believed, without a lookup") {
  CrawlerCheck check(0);
  CHECK_FALSE(check.Verified(*IpAddress::Parse("66.249.66.1"), *ClaimedCrawler("Googlebot/2.1")));
  CHECK(check.counters().over_budget == 1);
  CHECK(check.counters().lookups == 0);
}
