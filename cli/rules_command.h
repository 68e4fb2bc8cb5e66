// `defender-scan rules`: lists the scenarios (with their settings after the
// configuration) and the signature rules that feed them.
#pragma once

#include "cli/config.h"

namespace defender {

// The scenarios (as `config` sets them, custom rules with their patterns),
// the signatures, the app profiles (those in use marked), and every other
// setting the configuration holds. Exit status 0.
int RunRulesCommand(const Config& config);

}  // namespace defender
