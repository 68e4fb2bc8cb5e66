#include "cli/messages.h"

#include <fmt/format.h>

namespace defender {

void PrintError(std::string_view message) { fmt::print(stderr, "defender-scan: error: {}\n", message); }

void PrintWarning(std::string_view message) { fmt::print(stderr, "defender-scan: warning: {}\n", message); }

void PrintNote(std::string_view message) { fmt::print(stderr, "defender-scan: note: {}\n", message); }

int ExitStatusOf(const Status& failed) { return failed.code() == StatusCode::kInvalid ? 2 : 1; }

}  // namespace defender
