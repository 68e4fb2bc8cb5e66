#include "parsers/request_decoder.h"

#include <array>

#include "parsers/decode.h"

namespace defender {

namespace {

bool NeedsUnescape(std::string_view s) { return s.find('\\') != std::string_view::npos; }
bool NeedsUrlDecode(std::string_view s, bool plus) {
  return s.find('%') != std::string_view::npos || (plus && s.find('+') != std::string_view::npos);
}

// nginx-unescapes then URL-decodes `in` into *out, or returns `in` untouched
// when there is nothing to decode.
std::string_view DecodeUrlPart(std::string_view in, bool plus, std::string* scratch, std::string* out) {
  if (NeedsUnescape(in)) {
    UnescapeNginx(in, scratch);
    in = *scratch;
  }
  if (!NeedsUrlDecode(in, plus)) {
    if (in.data() == scratch->data()) {
      out->assign(in);
      return *out;
    }
    return in;
  }
  PercentDecodeRepeated(in, plus, 2, out);
  return *out;
}

std::string_view DecodeHeader(std::string_view in, std::string* out) {
  if (!NeedsUnescape(in)) return in;
  UnescapeNginx(in, out);
  return *out;
}

// True when NormalizePath + AsciiLower would return `p` unchanged, so the
// copy can be skipped (the common case). One table lookup per byte: only
// upper case, '\\' and '/' need a closer look.
bool IsNormalLowerPath(std::string_view p) {
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c) t[size_t(c)] = true;
    t['\\'] = t['/'] = true;
    return t;
  }();
  if (p.empty() || p[0] != '/') return false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (!kSpecial[static_cast<unsigned char>(c)]) continue;
    if (c != '/') return false;  // upper case or '\\'
    if (i + 1 < p.size() && (p[i + 1] == '/' || p[i + 1] == '.')) return false;
  }
  return true;
}

}  // namespace

const DecodedRequest& RequestDecoder::Decode(const LogRecord& r) {
  DecodeTarget(r);
  return DecodeHeaders(r);
}

const DecodedRequest& RequestDecoder::DecodeTarget(const LogRecord& r) {
  const std::string_view target_path = TargetPath(r);
  std::string_view path = DecodeUrlPart(target_path, false, &scratch_, &path_);
  std::string_view query = DecodeUrlPart(r.query, true, &scratch_, &query_);
  if (query.empty() && r.query.empty()) {
    out_.uri = path;
  } else if (path.data() == r.path.data() && query.data() == r.query.data() &&
             path.data() + path.size() + 1 == query.data()) {
    out_.uri = std::string_view(path.data(), path.size() + 1 + query.size());  // "path?query" as logged
  } else {
    uri_.assign(path);
    uri_.push_back('?');
    uri_.append(query);
    out_.uri = uri_;
  }
  if (IsNormalLowerPath(path)) {
    out_.path = path;
  } else {
    NormalizePath(path, &normalized_);
    AsciiLower(&normalized_);
    out_.path = normalized_;
  }
  return out_;
}

const DecodedRequest& RequestDecoder::DecodeHeaders(const LogRecord& r) {
  out_.user_agent = DecodeHeader(r.user_agent, &user_agent_);
  out_.referer = DecodeHeader(r.referer, &referer_);
  return out_;
}

std::string_view RequestDecoder::TargetPath(const LogRecord& r) {
  return r.method.empty() && !r.request.empty() ? r.request : r.path;  // junk: let rules see it
}

}  // namespace defender
