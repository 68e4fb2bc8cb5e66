// `defender-scan rules`: lists the scenarios (with their settings after the
// configuration) and the signature rules that feed them.
#pragma once

#include <vector>

#include "detectors/scenario.h"

namespace defender {

// The scenarios (as `scenarios` sets them), the signatures, and the app
// profiles (those in `apps` marked in use). Exit status 0.
int RunRulesCommand(const std::vector<Scenario>& scenarios, const std::vector<std::string>& apps);

}  // namespace defender
