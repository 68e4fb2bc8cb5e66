// AppendDecisionJson: a Decision as the one JSON object defender-scan
// writes for it (ECS field names; README.md and the man page show it):
// the JSON lines output and /api/analyze's decisions. Pure; thread-safe.
#pragma once

#include <fmt/format.h>

#include "core/decision.h"

namespace defender {

// Appends one decision as a JSON object (without the newline).
void AppendDecisionJson(fmt::memory_buffer& out, const Decision& d);

}  // namespace defender
