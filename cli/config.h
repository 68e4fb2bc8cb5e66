// Config: config.yaml read into the settings the pipeline uses. Built-in
// scenarios are overridden by name; custom rules become scenarios. Every
// problem is collected with its file, line and key, so all are reported at
// once (exit 2). Plain data after loading.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "core/cidr.h"
#include "detectors/behaviour_model.h"
#include "detectors/scenario.h"

namespace defender {

struct Config {
  std::vector<Scenario> scenarios;  // built-in (overridden) then custom
  std::vector<Cidr> allowlist;
  std::vector<Cidr> trusted_proxies;
  std::vector<Cidr> crawler_ranges;  // from the published lists named by crawler_ranges
  bool verify_crawlers = false;      // allow_crawlers: verified
  std::vector<std::string> apps;  // app profiles in use (detectors/app_profiles.h)
  int ipv6_prefix = 64;
  double anomaly_threshold = BehaviourOptions().threshold;
  size_t max_buckets = kDefaultMaxBuckets;
  int64_t max_ban_s = 7 * 86400;
  bool extend_on_alert = false;
  int ipv6_collapse = 16;  // see DecisionOptions
  std::string cache_dir;   // of the compiled signatures (--cache-dir): a path, "default", or empty: none
};

// Built-in defaults, then `path` if not empty. Appends "file:line: ..."
// messages to *errors; the Config is only meaningful when none were added.
Config LoadConfig(const std::string& path, std::vector<std::string>* errors);

// LoadConfig(options.config), then the command line's --allow,
// --trusted-proxy and --ipv6-prefix merged in. False when *errors got any.
bool ResolveConfig(const Options& options, Config* config, std::vector<std::string>* errors);

}  // namespace defender
