// nginx's own variable names, to tell a typo in a --format string ($reqest,
// $time_locl) from a variable of nginx or of the user's configuration (set,
// map), which a log format may use and defender-scan skips. Static data.
#pragma once

#include <string_view>

namespace defender {

// True for a variable of nginx or one of its Debian modules: a name, or a
// name under a prefix such as http_, arg_, cookie_, upstream_, ssl_.
bool IsNginxVariable(std::string_view name);
// True for a full name of nginx's (not one under a prefix).
bool IsExactNginxVariable(std::string_view name);

}  // namespace defender
