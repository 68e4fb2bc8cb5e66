#include "cli/fleet_options.h"

#include <unistd.h>

#include <random>

#include <fmt/format.h>

#include "cli/secret_file.h"
#include "fleet/fleet_decision.h"

namespace defender {

namespace {

// host:pid:random, in the characters a node name may hold.
std::string NodeName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::string name;
  for (const char* p = host; *p && name.size() < 64; ++p) {
    const char c = *p;
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    name.push_back(plain ? c : '_');
  }
  if (name.empty()) name = "node";
  return fmt::format("{}:{}:{:08x}", name, getpid(), std::random_device()());
}

}  // namespace

StatusOr<std::unique_ptr<FleetLink>> StartFleetLink(const FleetOptions& options) {
  auto url = ParseRedisUrl(options.redis);
  if (!url.ok()) return url.status();
  if (!options.password_file.empty()) {
    auto password = ReadSecretFile("--redis-password-file", options.password_file, 1);
    if (!password.ok()) return password.status();
    url->password = std::move(*password);
  }
  if (options.prefix.size() > 64 || !IsNodeName(options.prefix)) {
    return Status::Invalid("--redis-prefix: 1 to 64 of letters, digits and . _ : -");
  }
  return std::make_unique<FleetLink>(std::move(*url), options.prefix, NodeName());
}

}  // namespace defender
