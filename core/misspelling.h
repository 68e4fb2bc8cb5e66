// Telling a typo from a different word, for error messages that name the
// fix ($reqest -> $request, --folow -> --follow). Pure; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace defender {

// The candidate that `word` most likely misspells: at most two edits away
// (the nearest, the first of equals), and `word` not itself a candidate;
// else empty.
std::string_view Misspelling(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace defender
