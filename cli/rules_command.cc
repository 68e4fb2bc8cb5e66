#include "cli/rules_command.h"

#include <algorithm>

#include <fmt/format.h>

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

}  // namespace

int RunRulesCommand(const std::vector<Scenario>& scenarios, const std::vector<std::string>& apps) {
  fmt::print("{:<34} {:>8} {:>6} {:>10} {:>9} {:>5} {:>4}  {}\n", "SCENARIO", "CAPACITY", "LEAK", "DISTINCT",
             "BLACKHOLE", "BAN", "ON", "DESCRIPTION");
  for (const Scenario& s : scenarios) {
    const BucketSettings& b = s.settings;
    std::string on = !b.enabled ? "off" : b.simulate ? "sim" : "yes";
    fmt::print("{:<34} {:>8} {:>6} {:>10} {:>9} {:>5} {:>4}  {}\n", s.name, b.capacity, Duration(b.leak),
               DistinctName(b.distinct), Duration(b.blackhole), Duration(b.ban_s * kSecond), on, s.description);
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
  return 0;
}

}  // namespace defender
