// Caseless (ASCII) matching of log text against lower-case literals.
#pragma once

#include <string_view>

namespace defender {

inline bool CaselessContains(std::string_view haystack, std::string_view needle) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// True when `text` ends with `suffix` (lower case) and is longer than it.
inline bool CaselessEndsWith(std::string_view text, std::string_view suffix) {
  if (text.size() <= suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
    if (c != suffix[i]) return false;
  }
  return true;
}

}  // namespace defender
