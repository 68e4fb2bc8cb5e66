// StartFleetLink: the --redis, --redis-password-file and --redis-prefix
// options of the main job, serve and `bans`, checked and turned into a
// FleetLink that connects in the background under this process's node name
// (host:pid:random). kInvalid for a bad URL, prefix or password file.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "fleet/fleet_link.h"

namespace defender {

struct FleetOptions {
  std::string redis;  // the URL; empty: no fleet
  std::string password_file;
  std::string prefix = "defender:";
};

StatusOr<std::unique_ptr<FleetLink>> StartFleetLink(const FleetOptions& options);

}  // namespace defender
