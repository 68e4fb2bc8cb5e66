#include "core/html.h"

namespace defender {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// The length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
    return 0;  // overlong, a surrogate, past U+10FFFF
  }
  return n;
}

}  // namespace

void AppendHtml(fmt::memory_buffer& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::string_view piece;
    switch (c) {
      case '&': piece = "&amp;"; break;
      case '<': piece = "&lt;"; break;
      case '>': piece = "&gt;"; break;
      case '"': piece = "&quot;"; break;
      case '\'': piece = "&#39;"; break;
      default:
        if (c >= 0x80) {
          if (size_t n = Utf8Length(s, i)) {
            out.append(s.substr(i, n));
            i += n;
            continue;
          }
          piece = kReplacement;
        } else if (c < 0x20 && c != '\t') {
          piece = kReplacement;
        } else if (c == 0x7f) {
          piece = kReplacement;
        } else {
          out.push_back(char(c));
          ++i;
          continue;
        }
    }
    out.append(piece);
    ++i;
  }
}

}  // namespace defender
