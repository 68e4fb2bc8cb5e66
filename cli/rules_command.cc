#include "cli/rules_command.h"

#include <algorithm>

#include <re2/re2.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "detectors/app_profiles.h"
#include "detectors/signature_rules.h"

namespace defender {

namespace {

std::string Duration(LogTime ms) {
  if (ms % (86400 * kSecond) == 0 && ms > 0) return fmt::format("{}d", ms / (86400 * kSecond));
  if (ms % (3600 * kSecond) == 0 && ms > 0) return fmt::format("{}h", ms / (3600 * kSecond));
  if (ms % (60 * kSecond) == 0 && ms > 0) return fmt::format("{}m", ms / (60 * kSecond));
  if (ms % kSecond == 0) return fmt::format("{}s", ms / kSecond);
  return fmt::format("{}ms", ms);
}

std::string_view DistinctName(Distinct d) {
  switch (d) {
    case Distinct::kNone: return "-";
    case Distinct::kUri: return "uri";
    case Distinct::kPath: return "path";
    case Distinct::kUserAgent: return "user_agent";
    case Distinct::kQuery: return "query";
  }
  return "?";
}

std::string_view FieldName(EventFilter::Field f) {
  switch (f) {
    case EventFilter::Field::kNone: return "-";
    case EventFilter::Field::kUri: return "uri";
    case EventFilter::Field::kPath: return "path";
    case EventFilter::Field::kQuery: return "query";
    case EventFilter::Field::kUserAgent: return "user_agent";
    case EventFilter::Field::kReferer: return "referer";
    case EventFilter::Field::kMethod: return "method";
    case EventFilter::Field::kHost: return "host";
  }
  return "?";
}

std::string Cidrs(const std::vector<Cidr>& list) {
  if (list.empty()) return "none";
  std::vector<std::string> texts;
  for (const Cidr& c : list) texts.push_back(c.ToString());
  return fmt::format("{}", fmt::join(texts, " "));
}

}  // namespace

int RunRulesCommand(const Config& config) {
  const std::vector<Scenario>& scenarios = config.scenarios;
  const std::vector<std::string>& apps = config.apps;
  fmt::print("{:<34} {:>8} {:>6} {:>10} {:>9} {:>5} {:>4}  {}\n", "SCENARIO", "CAPACITY", "LEAK", "DISTINCT",
             "BLACKHOLE", "BAN", "ON", "DESCRIPTION");
  for (const Scenario& s : scenarios) {
    const BucketSettings& b = s.settings;
    std::string on = !b.enabled ? "off" : b.simulate ? "sim" : "yes";
    fmt::print("{:<34} {:>8} {:>6} {:>10} {:>9} {:>5} {:>4}  {}\n", s.name, b.capacity, Duration(b.leak),
               DistinctName(b.distinct), Duration(b.blackhole), Duration(b.ban_s * kSecond), on, s.description);
  }
  bool custom = false;
  for (const Scenario& s : scenarios) {
    const EventFilter& f = s.filter;
    if (f.field == EventFilter::Field::kNone) continue;
    if (!custom) fmt::print("\n{:<34} {}\n", "CUSTOM RULE", "MATCHES");
    custom = true;
    fmt::print("{:<34} {} {}{}{}\n", s.name, FieldName(f.field),
               f.regex ? fmt::format("regex '{}'", f.regex->pattern())
                       : fmt::format("any of '{}'", fmt::join(f.literals, "', '")),
               f.statuses.empty() ? "" : fmt::format(", status {}", fmt::join(f.statuses, " ")),
               f.methods.empty() ? "" : fmt::format(", method {}", fmt::join(f.methods, " ")));
  }
  fmt::print("\n{:<36} {:<34} {}\n", "SIGNATURE", "SCENARIO", "FIELDS");
  for (const SignatureRule& r : BuiltinSignatures()) {
    std::string fields;
    for (auto [bit, name] : {std::pair{kFieldUri, "uri"}, std::pair{kFieldPath, "path"},
                             std::pair{kFieldUserAgent, "user_agent"}, std::pair{kFieldReferer, "referer"}}) {
      if (r.fields & bit) fields += fields.empty() ? name : std::string(",") + name;
    }
    fmt::print("{:<36} {:<34} {}\n", r.name, r.scenario, fields);
  }
  fmt::print("{:<36} {:<34} user_agent ({} patterns)\n", "bad-user-agent", "http-bad-user-agent",
             BadUserAgents().size());
  fmt::print("\n{:<36} {}\n", "ALSO KNOWN AS (CrowdSec)", "SCENARIO");
  for (const ScenarioAlias& a : ScenarioAliases()) fmt::print("{:<36} {}\n", a.alias, a.name);
  fmt::print("\n{:<14} {:<6} {}\n", "APP", "IN USE", "DESCRIPTION (apps: in config.yaml)");
  for (const AppProfile& a : AppProfiles()) {
    bool used = std::find(apps.begin(), apps.end(), a.name) != apps.end();
    fmt::print("{:<14} {:<6} {}\n{:<21} paths: {}\n", a.name, used ? "yes" : "no", a.description, "", a.paths);
  }
  fmt::print("\nSETTINGS\n");
  fmt::print("{:<22} {}\n", "allowlist", Cidrs(config.allowlist));
  fmt::print("{:<22} {}\n", "trusted_proxies", Cidrs(config.trusted_proxies));
  fmt::print("{:<22} {}\n", "allow_crawlers", config.verify_crawlers ? "verified" : "off");
  fmt::print("{:<22} {} prefixes\n", "crawler_ranges", config.crawler_ranges.size());
  fmt::print("{:<22} /{}\n", "ipv6_prefix", config.ipv6_prefix);
  fmt::print("{:<22} {}\n", "max_buckets", config.max_buckets);
  fmt::print("{:<22} {} (a ban lasts the scenario's BAN, doubled for each earlier ban of the client, at most this)\n",
             "bans.max", Duration(config.max_ban_s * kSecond));
  fmt::print("{:<22} {}\n", "bans.extend_on_alert", config.extend_on_alert ? "true" : "false");
  fmt::print("{:<22} {}\n", "bans.ipv6_collapse", config.ipv6_collapse);
  return 0;
}

}  // namespace defender
