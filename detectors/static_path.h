// IsStaticPath: whether a request is for an asset or a well-known file
// (stylesheets, scripts, images, fonts, robots.txt, favicon.ico...), which
// browsers fetch in bursts and which scenarios about pages leave out. Pure
// function; thread-safe.
#pragma once

#include <string_view>

namespace defender {

// `lower_path` is a decoded, normalised, lower-case path.
bool IsStaticPath(std::string_view lower_path);

}  // namespace defender
