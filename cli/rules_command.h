// `defender-scan rules`: lists the scenarios (with their settings after the
// configuration) and the signature rules that feed them.
#pragma once

#include <vector>

#include "detectors/scenario.h"

namespace defender {

int RunRulesCommand(const std::vector<Scenario>& scenarios);

}  // namespace defender
