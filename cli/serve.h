// `defender-scan serve`: the pipeline plus the HTTP API (server/), for nginx
// auth_request, Lua and application middleware. The pipeline keeps the
// main thread; the HTTP server has one thread of its own.
#pragma once

#include <string>
#include <vector>

#include "cli/config.h"
#include "cli/options.h"

namespace defender {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string token_file;                  // required to listen beyond loopback
  std::vector<std::string> trusted_peers;  // CIDRs whose X-Real-IP is believed (loopback always is)
  std::string real_ip_header = "X-Real-IP";
  std::vector<std::string> api_hosts;      // names besides addresses and localhost (Host, Origin)
  int request_timeout_s = 10;  // per request, from its first byte to its answer
};

// The exit status: 0 after SIGINT/SIGTERM, 1 on a runtime failure, 2 on a
// usage error.
int RunServe(const Options& options, const ServeOptions& serve, Config config);

}  // namespace defender
