#include "core/crawlers.h"

#include "core/caseless.h"

namespace defender {

const std::vector<KnownCrawler>& KnownCrawlers() {
  // Engines that document reverse-then-forward DNS verification. DuckDuckBot
  // has no reverse names (its published address list is the only proof:
  // crawler_ranges).
  static const std::vector<KnownCrawler> kCrawlers = {
      {"google",
       {"googlebot", "google-inspectiontool", "googleother", "adsbot-google", "mediapartners-google",
        "storebot-google", "google-extended"},
       {".googlebot.com", ".google.com"}},
      {"bing", {"bingbot", "msnbot", "bingpreview", "adidxbot"}, {".search.msn.com"}},
      {"apple", {"applebot"}, {".applebot.apple.com"}},
      {"yandex", {"yandexbot", "yandeximages", "yandexmobilebot"}, {".yandex.ru", ".yandex.net", ".yandex.com"}},
      {"baidu", {"baiduspider"}, {".baidu.com", ".baidu.jp"}},
      {"yahoo", {"yahoo! slurp"}, {".crawl.yahoo.net"}},
      {"seznam", {"seznambot"}, {".seznam.cz"}},
  };
  return kCrawlers;
}

const KnownCrawler* ClaimedCrawler(std::string_view user_agent) {
  for (const KnownCrawler& c : KnownCrawlers()) {
    for (std::string_view token : c.agent_tokens) {
      if (CaselessContains(user_agent, token)) return &c;
    }
  }
  return nullptr;
}

}  // namespace defender
