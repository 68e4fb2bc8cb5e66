// Options: everything the command line decides, as plain data. Filled by
// main.cc; read-only afterwards. The config file (config.h) adds the rest.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cli/fleet_options.h"
#include "sources/line_reader.h"

namespace defender {

struct Options {
  std::vector<std::string> files;  // empty or "-": stdin
  std::string format = "auto";
  bool follow = false;
  std::vector<std::string> syslog_listen;  // udp://ADDR:PORT to receive syslog on
  std::vector<std::string> syslog_allow;   // CIDRs that may send it; empty: loopback
  size_t max_line = kDefaultMaxLine;
  int max_catch_up_mib = 64;  // --follow --state: read at most this much written while down
  std::string late_tolerance = "10m";  // lines older than the newest by more are not detected
  std::string cache_dir;               // compiled signatures; empty: DefaultCacheDir(), "none": no cache
  std::string config;
  std::vector<std::string> allow;           // CIDRs, added to the config's allowlist
  std::vector<std::string> trusted_proxies; // CIDRs, added to the config's
  int ipv6_prefix = 0;                      // 0: the config's (default 64)
  double anomaly_threshold = 0;             // 0: the config's (default 9)
  bool dry_run = false;
  std::string state;              // the SQLite state database
  int state_wait_s = 10;          // wait this long for another run to finish
  std::string nginx_conf;         // the deny-list include to write
  std::string nginx_style = "deny";
  std::string reload_cmd;         // split into argv, run without a shell
  int reload_interval_s = 5;
  std::string on_ban, on_unban;   // action argv templates
  FleetOptions fleet;             // --redis: bans shared with a fleet
  int action_timeout_s = 30;      // an action or the reload command is killed after this
  std::string json = "-";  // where JSON lines go
  bool explain = false;
  bool stats = false;
  bool progress = false, no_progress = false;  // neither: a progress line when stderr is a terminal
  int stop_timeout_s = 10;  // after SIGTERM/SIGINT, exit within this long
};

}  // namespace defender
