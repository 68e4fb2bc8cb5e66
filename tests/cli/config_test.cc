#include "cli/config.h"

#include <algorithm>

#include <doctest/doctest.h>

#include "tests/test_util.h"

using namespace defender;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

// Every error LoadConfig reports for the file at `path`, a line each; their
// number in *count.
std::string ConfigErrors(const std::string& path, size_t* count) {
  std::vector<std::string> errors;
  LoadConfig(path, &errors);
  *count = errors.size();
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  return all;
}

}  // namespace

TEST_CASE("the sample configuration loads without errors and changes what it says") {
  std::vector<std::string> errors;
  Config c = LoadConfig(std::string(SOURCE_DIR) + "/samples/config.yaml", &errors);
  CHECK(errors.empty());
  auto custom = std::find_if(c.scenarios.begin(), c.scenarios.end(), [](const Scenario& s) { return s.name == "old-api-probe"; });
  REQUIRE(custom != c.scenarios.end());
  CHECK(custom->settings.capacity == 3);
  CHECK(custom->settings.ban_s == 3600);
  CHECK(custom->filter.statuses == std::vector<int>{404, 410});
  CHECK(c.allowlist.size() == 1);
}

TEST_CASE("every configuration error names the file, the line and the key") {
  TempDir dir;
  std::string path = dir.File("bad.yaml");
  WriteFile(path,
            "scenarios:\n"
            "  http-probing:\n"
            "    capacity: lots\n"
            "    leak: soon\n"
            "  no-such-scenario: {capacity: 1}\n"
            "custom_rules:\n"
            "  - name: broken\n"
            "    regex: '(unclosed'\n"
            "allowlist: [0.0.0.0/33, localhost]\n"
            "typo_key: 1\n");
  size_t count = 0;
  const std::string all = ConfigErrors(path, &count);
  CHECK(count == 7);
  CHECK(all.find(path + ":3: scenarios.http-probing.capacity") != std::string::npos);
  CHECK(all.find(path + ":4: scenarios.http-probing.leak: 'soon' is not a duration") != std::string::npos);
  CHECK(all.find(path + ":5: scenarios.no-such-scenario") != std::string::npos);
  CHECK(all.find(path + ":8: custom_rules.broken.regex") != std::string::npos);
  CHECK(all.find("'0.0.0.0/33' is not an address or CIDR") != std::string::npos);
  CHECK(all.find("'localhost' is not an address or CIDR") != std::string::npos);
  CHECK(all.find(path + ":10: typo_key: unknown key") != std::string::npos);
}

TEST_CASE("a ban longer than 10 years is an error, as through the API and `bans add`") {
  TempDir dir;
  std::string path = dir.File("long.yaml");
  WriteFile(path,
            "scenarios:\n"
            "  http-probing: {ban: 3651d}\n"
            "bans:\n"
            "  max: 4000d\n");
  size_t count = 0;
  const std::string all = ConfigErrors(path, &count);
  CHECK(count == 2);
  CHECK(all.find(path + ":2: scenarios.http-probing.ban: '3651d' is longer than the longest ban, 10 years (3650d)") !=
        std::string::npos);
  CHECK(all.find(path + ":4: bans.max: '4000d' is longer than the longest ban") != std::string::npos);
  WriteFile(path, "scenarios:\n  http-probing: {ban: 3650d}\nbans:\n  max: 3650d\n");
  std::vector<std::string> errors;
  Config c = LoadConfig(path, &errors);
  CHECK(errors.empty());
  CHECK(c.max_ban_s == 3650LL * 86400);
}

TEST_CASE("a custom rule's name is a plain name: it is the reason of its bans, which the state keeps") {
  // A name with a space banned, and the next run refused the ban it had
  // saved (a reason must be a plain name there, in actions and in a fleet).
  TempDir dir;
  std::string path = dir.File("names.yaml");
  WriteFile(path,
            "custom_rules:\n"
            "  - name: old api probe\n"
            "    regex: '^/api/v0/'\n"
            "  - name: " + std::string(65, 'x') + "\n"
            "    regex: '^/x'\n"
            "  - name: old-api.probe_2\n"
            "    regex: '^/y'\n");
  size_t count = 0;
  const std::string all = ConfigErrors(path, &count);
  CHECK(count == 2);
  CHECK(all.find(path + ":2: custom_rules[0].name: 'old api probe' must be a plain name (letters, digits, '_', "
                        "'.', '-'; 64 at most)") != std::string::npos);
  CHECK(all.find(path + ":4: custom_rules[1].name") != std::string::npos);
}

TEST_CASE("a scenario counting distinct values has a capacity of 256 at most: a bucket remembers that many") {
  // Past the values it remembers, a bucket counts a value it has forgotten
  // again: with a capacity of 1000, one client asking again for its 300
  // pages would have been counted as 600 distinct ones.
  TempDir dir;
  std::string path = dir.File("distinct.yaml");
  WriteFile(path,
            "scenarios:\n"
            "  http-probing: {capacity: 1000}\n"
            "  http-flood: {capacity: 1000}\n"
            "  http-dos-random-uri: {capacity: 256}\n"
            "custom_rules:\n"
            "  - name: catalogue-scrape\n"
            "    regex: '^/item/'\n"
            "    distinct: uri\n"
            "    capacity: 500\n");
  size_t count = 0;
  const std::string all = ConfigErrors(path, &count);
  CHECK(count == 2);
  CHECK(all.find(path + ":2: scenarios.http-probing.capacity: 1000 is more distinct values than a bucket remembers "
                        "(256); lower it or set distinct: none") != std::string::npos);
  CHECK(all.find(path + ":9: custom_rules.catalogue-scrape.capacity: 500 is more distinct values") != std::string::npos);
}

TEST_CASE("durations") {
  CHECK(*ParseDuration("500ms") == 500);
  CHECK(*ParseDuration("10s") == 10 * kSecond);
  CHECK(*ParseDuration("10") == 10 * kSecond);
  CHECK(*ParseDuration("4h") == 4 * 3600 * kSecond);
  CHECK(*ParseDuration("7d") == 7 * 86400 * kSecond);
  CHECK(!ParseDuration("soon"));
  CHECK(!ParseDuration("-1s"));
  CHECK(!ParseDuration("5 m"));
}

TEST_CASE("a value of the wrong YAML type is an error naming the key, never an abort") {
  TempDir dir;
  const std::pair<const char*, const char*> cases[] = {
      {"bans: [1, 2]\n", "bans"},
      {"bans:\n  max: {a: 1}\n", "bans"},
      {"allowlist: {a: 1}\n", "allowlist"},
      {"trusted_proxies: 5\n", "trusted_proxies"},
      {"ipv6_prefix: [64]\n", "ipv6_prefix"},
      {"max_buckets: {n: 1}\n", "max_buckets"},
      {"scenarios:\n  [http-probing]: {capacity: 3}\n", "scenarios"},
      {"scenarios:\n  http-probing: {capacity: [3]}\n", "scenarios"},
      {"scenarios:\n  http-probing: {leak: {a: b}}\n", "scenarios"},
      {"custom_rules:\n  - name: [x]\n", "custom_rules"},
      {"custom_rules:\n  - {name: x, field: uri, literals: {a: b}}\n", "custom_rules"},
      {"[a]: 1\n", "(top)"},
  };
  for (const auto& c : cases) {
    const char* yaml = c.first;
    const char* key = c.second;
    std::string path = dir.File("wrong.yaml");
    WriteFile(path, yaml);
    std::vector<std::string> errors;
    INFO(yaml);
    LoadConfig(path, &errors);
    REQUIRE(!errors.empty());
    CHECK(errors[0].starts_with(path + ":"));
    CHECK(!errors[0].starts_with(path + ":0:"));  // a real line, as an editor counts
    CHECK(errors[0].find(key) != std::string::npos);
    CHECK(errors[0].find("iterator") == std::string::npos);  // no yaml-cpp internals
  }
}

TEST_CASE("CrowdSec's names for a scenario, typos and owner included, set the built-in one") {
  TempDir dir;
  std::string path = dir.File("aliases.yaml");
  WriteFile(path,
            "scenarios:\n"
            "  http-dos-swithcing-ua: {capacity: 20}\n"
            "  crowdsecurity/http-sqli-probbing-detection: {simulate: true}\n"
            "  crowdsecurity/http-probing: {capacity: 12}\n");
  std::vector<std::string> errors;
  Config c = LoadConfig(path, &errors);
  CHECK(errors.empty());
  auto find = [&](std::string_view name) {
    return *std::find_if(c.scenarios.begin(), c.scenarios.end(), [&](const Scenario& s) { return s.name == name; });
  };
  CHECK(find("http-dos-switching-ua").settings.capacity == 20);
  CHECK(find("http-sqli-probing").settings.simulate);
  CHECK(find("http-probing").settings.capacity == 12);
}
