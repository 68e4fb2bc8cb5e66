#include "cli/config.h"

#include <algorithm>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "core/ban_target.h"
#include "decisions/crawler_check.h"
#include "detectors/app_profiles.h"
#include "detectors/client_table.h"

namespace defender {

namespace {

class Reader {
 public:
  Reader(std::string file, std::vector<std::string>* errors) : file_(std::move(file)), errors_(errors) {}

  void Error(const YAML::Node& node, std::string_view key, std::string_view message) {
    errors_->push_back(fmt::format("{}:{}: {}: {}", file_, node.Mark().line + 1, key, message));
  }

  template <typename T>
  bool Get(const YAML::Node& node, std::string_view key, T* out) {
    try {
      *out = node.as<T>();
      return true;
    } catch (const YAML::Exception&) {
      Error(node, key, "has the wrong type");
      return false;
    }
  }

  bool Duration(const YAML::Node& node, std::string_view key, LogTime* out) {
    std::string text;
    if (!Get(node, key, &text)) return false;
    auto d = ParseDuration(text);
    if (!d) {
      Error(node, key, fmt::format("'{}' is not a duration (500ms, 10s, 5m, 4h, 7d)", text));
      return false;
    }
    *out = *d;
    return true;
  }

  // A duration no longer than the longest ban.
  bool BanDuration(const YAML::Node& node, std::string_view key, LogTime* out) {
    LogTime t;
    if (!Duration(node, key, &t)) return false;
    if (t > kMaxBanSeconds * kSecond) {
      Error(node, key, fmt::format("'{}' is longer than the longest ban, 10 years (3650d)", node.as<std::string>()));
      return false;
    }
    *out = t;
    return true;
  }

  bool Int(const YAML::Node& node, std::string_view key, int lo, int hi, int* out) {
    int v = 0;
    if (!Get(node, key, &v)) return false;
    if (v < lo || v > hi) {
      Error(node, key, fmt::format("{} is out of range {}-{}", v, lo, hi));
      return false;
    }
    *out = v;
    return true;
  }

  bool Number(const YAML::Node& node, std::string_view key, double lo, double hi, double* out) {
    double v = 0;
    if (!Get(node, key, &v)) return false;
    if (!(v >= lo && v <= hi)) {
      Error(node, key, fmt::format("{} is out of range {}-{}", v, lo, hi));
      return false;
    }
    *out = v;
    return true;
  }

  void Apps(const YAML::Node& node, std::string_view key, std::vector<std::string>* out) {
    if (!node.IsSequence()) {
      Error(node, key, "must be a list of application names");
      return;
    }
    for (const auto& item : node) {
      std::string name;
      if (!Get(item, key, &name)) continue;
      if (auto filter = AppFilter::Create({name}); filter.ok()) {
        out->push_back(name);
      } else {
        Error(item, key, filter.status().message());
      }
    }
  }

  void Cidrs(const YAML::Node& node, std::string_view key, std::vector<Cidr>* out) {
    if (!node.IsSequence()) {
      Error(node, key, "must be a list of addresses or CIDRs");
      return;
    }
    for (const auto& item : node) {
      std::string text;
      if (!Get(item, key, &text)) continue;
      auto c = Cidr::Parse(text);
      if (!c) {
        Error(item, key, fmt::format("'{}' is not an address or CIDR", text));
      } else {
        out->push_back(*c);
      }
    }
  }

  // The bucket keys shared by scenario overrides and custom rules.
  void Bucket(const YAML::Node& node, std::string_view where, BucketSettings* s) {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      std::string full = fmt::format("{}.{}", where, key);
      const YAML::Node& v = kv.second;
      if (key == "enabled") {
        Get(v, full, &s->enabled);
      } else if (key == "capacity") {
        Int(v, full, 0, 100000, &s->capacity);
      } else if (key == "leak") {
        Duration(v, full, &s->leak);
      } else if (key == "blackhole") {
        Duration(v, full, &s->blackhole);
      } else if (key == "ban") {
        LogTime t;
        if (BanDuration(v, full, &t)) s->ban_s = t / kSecond;
      } else if (key == "simulate") {
        Get(v, full, &s->simulate);
      } else if (key == "severity") {
        Int(v, full, 1, 100, &s->severity);
      } else if (key == "distinct") {
        std::string d;
        if (!Get(v, full, &d)) continue;
        if (d == "none") s->distinct = Distinct::kNone;
        else if (d == "uri") s->distinct = Distinct::kUri;
        else if (d == "path") s->distinct = Distinct::kPath;
        else if (d == "user_agent") s->distinct = Distinct::kUserAgent;
        else if (d == "query") s->distinct = Distinct::kQuery;
        else Error(v, full, "must be none, uri, path, query or user_agent");
      } else if (!custom_keys_ || !IsCustomKey(key)) {
        Error(kv.first, full, "unknown key");
      }
    }
    if (s->distinct != Distinct::kNone && s->capacity > ClientTable::kMaxDistinct) {
      Error(node["capacity"] ? node["capacity"] : node, fmt::format("{}.capacity", where),
            fmt::format("{} is more distinct values than a bucket remembers ({}); lower it or set distinct: none",
                        s->capacity, ClientTable::kMaxDistinct));
    }
  }

  void CustomRule(const YAML::Node& node, size_t index, std::vector<Scenario>* out) {
    std::string where = fmt::format("custom_rules[{}]", index);
    if (!node.IsMap()) {
      Error(node, where, "must be a map");
      return;
    }
    Scenario s;
    s.settings.capacity = 0;
    if (!node["name"]) {
      Error(node, where + ".name", "is required");
      return;
    }
    if (!Get(node["name"], where + ".name", &s.name)) return;
    // The name is the reason of the rule's bans: the state, actions and a
    // fleet take only plain ones.
    if (!IsPlainReason(s.name)) {
      Error(node["name"], where + ".name",
            fmt::format("'{}' must be a plain name (letters, digits, '_', '.', '-'; 64 at most)", s.name));
      return;
    }
    where = fmt::format("custom_rules.{}", s.name);
    if (node["description"]) Get(node["description"], where + ".description", &s.description);
    std::string field = "uri";
    if (node["field"]) Get(node["field"], where + ".field", &field);
    using F = EventFilter::Field;
    static const std::pair<const char*, F> kFields[] = {{"uri", F::kUri}, {"path", F::kPath},
        {"query", F::kQuery}, {"user_agent", F::kUserAgent}, {"referer", F::kReferer},
        {"method", F::kMethod}, {"host", F::kHost}};
    s.filter.field = F::kNone;
    for (auto [name, f] : kFields) {
      if (field == name) s.filter.field = f;
    }
    if (s.filter.field == F::kNone) Error(node["field"], where + ".field", "must be uri, path, query, user_agent, referer, method or host");
    if (node["regex"]) {
      std::string pattern;
      if (Get(node["regex"], where + ".regex", &pattern)) {
        RE2::Options options;
        options.set_log_errors(false);
        options.set_case_sensitive(false);
        auto re = std::make_shared<RE2>(pattern, options);
        if (!re->ok()) {
          Error(node["regex"], where + ".regex", re->error());
        } else {
          s.filter.regex = re;
        }
      }
    }
    if (node["literals"]) Get(node["literals"], where + ".literals", &s.filter.literals);
    if (!node["regex"] && !node["literals"]) Error(node, where, "needs regex or literals");
    if (node["status"]) Get(node["status"], where + ".status", &s.filter.statuses);
    if (node["method"]) Get(node["method"], where + ".method", &s.filter.methods);
    custom_keys_ = true;
    Bucket(node, where, &s.settings);
    custom_keys_ = false;
    out->push_back(std::move(s));
  }

 private:
  static bool IsCustomKey(const std::string& k) {
    return k == "name" || k == "description" || k == "field" || k == "regex" || k == "literals" ||
           k == "status" || k == "method";
  }
  std::string file_;
  std::vector<std::string>* errors_;
  bool custom_keys_ = false;
};

}  // namespace

Config LoadConfig(const std::string& path, std::vector<std::string>* errors) {
  Config c;
  c.scenarios = BuiltinScenarios();
  if (path.empty()) return c;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    errors->push_back(fmt::format("{}: cannot read the file", path));
    return c;
  } catch (const YAML::ParserException& e) {
    errors->push_back(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
    return c;
  }
  if (root.IsNull()) return c;
  Reader r(path, errors);
  if (!root.IsMap()) {
    r.Error(root, "(top)", "must be a map");
    return c;
  }
  std::vector<Scenario> custom;
  for (const auto& kv : root) {
    std::string key = "(top)";
    try {  // the walk below converts nodes; a node of the wrong type throws
      key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "scenarios") {
        if (!v.IsMap()) {
          r.Error(v, key, "must be a map of scenario names");
          continue;
        }
        for (const auto& s : v) {
          std::string name = s.first.as<std::string>();
          const std::string_view canonical = CanonicalScenarioName(name);  // CrowdSec's names too
          auto it = std::find_if(c.scenarios.begin(), c.scenarios.end(), [&](const Scenario& x) { return x.name == canonical; });
          if (it == c.scenarios.end()) {
            r.Error(s.first, "scenarios." + name, "no such built-in scenario (see 'defender-scan rules')");
          } else if (!s.second.IsMap()) {
            r.Error(s.second, "scenarios." + name, "must be a map");
          } else {
            r.Bucket(s.second, "scenarios." + name, &it->settings);
          }
        }
      } else if (key == "custom_rules") {
        if (!v.IsSequence()) {
          r.Error(v, key, "must be a list");
          continue;
        }
        size_t i = 0;
        for (const auto& rule : v) r.CustomRule(rule, i++, &custom);
      } else if (key == "allowlist") {
        r.Cidrs(v, key, &c.allowlist);
      } else if (key == "trusted_proxies") {
        r.Cidrs(v, key, &c.trusted_proxies);
      } else if (key == "allow_crawlers") {
        std::string mode;
        if (r.Get(v, key, &mode)) {
          if (mode == "verified") c.verify_crawlers = true;
          else if (mode != "off") r.Error(v, key, "must be verified or off");
        }
      } else if (key == "crawler_ranges") {
        if (!v.IsSequence()) {
          r.Error(v, key, "must be a list of files");
          continue;
        }
        for (const auto& file : v) {
          std::string name = file.as<std::string>();
          // Relative to the configuration file, as the samples ship them side by side.
          if (!name.empty() && name[0] != '/' && path.find('/') != std::string::npos) {
            name = path.substr(0, path.rfind('/') + 1) + name;
          }
          if (Status s = LoadCrawlerRanges(name, &c.crawler_ranges); !s.ok()) {
            r.Error(file, key, s.message());
          }
        }
      } else if (key == "apps") {
        r.Apps(v, key, &c.apps);
      } else if (key == "ipv6_prefix") {
        r.Int(v, key, 32, 128, &c.ipv6_prefix);
      } else if (key == "anomaly_threshold") {
        r.Number(v, key, 1, 100, &c.anomaly_threshold);
      } else if (key == "max_buckets") {
        int n = 0;
        if (r.Int(v, key, 1000, 1'000'000'000, &n)) c.max_buckets = size_t(n);
      } else if (key == "bans") {
        if (!v.IsMap()) {
          r.Error(v, key, "must be a map (max, extend_on_alert, ipv6_collapse)");
          continue;
        }
        for (const auto& b : v) {
          std::string k = b.first.as<std::string>();
          if (k == "max") {
            LogTime t;
            if (r.BanDuration(b.second, "bans.max", &t)) c.max_ban_s = t / kSecond;
          } else if (k == "extend_on_alert") {
            r.Get(b.second, "bans.extend_on_alert", &c.extend_on_alert);
          } else if (k == "ipv6_collapse") {
            r.Int(b.second, "bans.ipv6_collapse", 0, 1'000'000, &c.ipv6_collapse);
          } else {
            r.Error(b.first, "bans." + k, "unknown key");
          }
        }
      } else {
        r.Error(kv.first, key, "unknown key");
      }
    } catch (const YAML::Exception& e) {
      // The key's own line when the exception has none (a conversion).
      const int line = (e.mark.is_null() ? kv.first.Mark() : e.mark).line + 1;
      errors->push_back(fmt::format("{}:{}: {}: a value of the wrong type", path, line, key));
    }
  }
  for (auto& s : custom) c.scenarios.push_back(std::move(s));
  return c;
}

bool ResolveConfig(const Options& o, Config* config, std::vector<std::string>* errors) {
  const size_t before = errors->size();
  *config = LoadConfig(o.config, errors);
  for (const auto& [list, flag, out] :
       {std::tuple{&o.allow, "--allow", &config->allowlist},
        std::tuple{&o.trusted_proxies, "--trusted-proxy", &config->trusted_proxies}}) {
    for (const std::string& text : *list) {
      auto c = Cidr::Parse(text);
      if (c) {
        out->push_back(*c);
      } else {
        errors->push_back(fmt::format("{} {}: not an address or CIDR", flag, text));
      }
    }
  }
  if (o.ipv6_prefix != 0) config->ipv6_prefix = o.ipv6_prefix;
  if (o.anomaly_threshold != 0) config->anomaly_threshold = o.anomaly_threshold;
  config->cache_dir = o.cache_dir.empty() ? "default" : o.cache_dir == "none" ? "" : o.cache_dir;
  return errors->size() == before;
}

}  // namespace defender
