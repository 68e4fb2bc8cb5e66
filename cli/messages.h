// What defender-scan says on stderr, in one format: "defender-scan: error:
// ..." for what failed, "defender-scan: warning: ..." for what the user
// should act on, "defender-scan: note: ..." for what is fine but worth
// knowing. Every message of the command line goes through these (the
// signal handler's one line excepted: it must not allocate). Thread-safe as
// stdio is.
#pragma once

#include <string_view>

#include "core/status.h"

namespace defender {

void PrintError(std::string_view message);
void PrintWarning(std::string_view message);
void PrintNote(std::string_view message);

// The exit status of a run that ends on `failed`: 2 for kInvalid (what
// the user asked for cannot be), 1 for a run-time failure.
int ExitStatusOf(const Status& failed);

}  // namespace defender
