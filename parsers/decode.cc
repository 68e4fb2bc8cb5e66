#include "parsers/decode.h"

namespace defender {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void UnescapeNginx(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\\' && i + 1 < in.size()) {
      char n = in[i + 1];
      if (n == 'x' && i + 3 < in.size()) {
        int hi = HexValue(in[i + 2]), lo = HexValue(in[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out->push_back(char(hi * 16 + lo));
          i += 3;
          continue;
        }
      } else if (n == '"' || n == '\\') {
        out->push_back(n);
        ++i;
        continue;
      }
    }
    out->push_back(c);
  }
}

void PercentDecode(std::string_view in, bool plus_as_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(char(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out->push_back(plus_as_space && c == '+' ? ' ' : c);
  }
}

std::optional<std::string> StrictPercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(char(hi * 16 + lo));
    i += 2;
  }
  return out;
}

void PercentDecodeRepeated(std::string_view in, bool plus_as_space, int rounds, std::string* out) {
  PercentDecode(in, plus_as_space, out);
  thread_local std::string scratch;
  for (int r = 1; r < rounds && out->find('%') != std::string::npos; ++r) {
    scratch.swap(*out);
    PercentDecode(scratch, false, out);
    if (*out == scratch) break;
  }
}

void NormalizePath(std::string_view in, std::string* out) {
  out->clear();
  size_t i = 0;
  auto is_sep = [](char c) { return c == '/' || c == '\\'; };
  while (i < in.size()) {
    if (!is_sep(in[i])) {
      out->push_back(in[i++]);
      continue;
    }
    // At a separator: look at the segment that follows.
    while (i < in.size() && is_sep(in[i])) ++i;
    size_t seg_end = i;
    while (seg_end < in.size() && !is_sep(in[seg_end])) ++seg_end;
    std::string_view seg = in.substr(i, seg_end - i);
    if (seg == ".") {
      i = seg_end;
      if (i == in.size()) out->push_back('/');
      continue;
    }
    if (seg == "..") {
      size_t cut = out->rfind('/');
      out->resize(cut == std::string::npos ? 0 : cut);
      i = seg_end;
      if (i == in.size()) out->push_back('/');
      continue;
    }
    out->push_back('/');
  }
  if (out->empty() && !in.empty() && is_sep(in[0])) out->push_back('/');
}

void AsciiLower(std::string* s) {
  for (char& c : *s) {
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  }
}

}  // namespace defender
