#include "parsers/log_format.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/client_name.h"
#include "core/misspelling.h"
#include "parsers/nginx_variables.h"

namespace defender {

namespace {

bool IsVarChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view Dash(std::string_view v) { return v == "-" ? std::string_view() : v; }

// The first `c` in [p, end), or nullptr; `begin` <= p is where the line
// starts. Fields are a few to a hundred bytes, so a call to memchr costs more
// than the search: 32 then 16 bytes are compared at a time inline, the last few
// with one load ending at `end` (back into bytes already passed).
const char* FindByte(const char* begin, const char* p, const char* end, char c) {
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  auto matches = [&](const char* at) {
    return unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), needle)));
  };
  for (; end - p >= 32; p += 32) {  // two loads a round: user agents run to a hundred bytes
    if (unsigned m = matches(p) | matches(p + 16) << 16; m != 0) return p + std::countr_zero(m);
  }
  for (; end - p >= 16; p += 16) {
    if (unsigned m = matches(p); m != 0) return p + std::countr_zero(m);
  }
  if (p < end && end - begin >= 16) {
    const char* last = end - 16;
    unsigned m = matches(last) >> (p - last);  // drops the bytes before p
    return m != 0 ? p + std::countr_zero(m) : nullptr;
  }
#else
  (void)begin;
#endif
  for (; p < end; ++p) {
    if (*p == c) return p;
  }
  return nullptr;
}

}  // namespace

bool ParseByteCount(std::string_view v, int64_t* out) {
  if (v.empty() || v == "-") {
    *out = -1;
    return true;
  }
  if (v.size() > 18) return false;
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

int32_t ParseSecondsToMs(std::string_view v) {
  int64_t secs = 0;
  size_t i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    secs = secs * 10 + (v[i] - '0');
    if (secs > 1000000) return -1;  // before it can overflow
  }
  if (i == 0) return -1;
  int ms = 0;
  if (i < v.size() && v[i] == '.') {  // milliseconds: the first three decimals
    static constexpr int kScale[3] = {100, 10, 1};
    for (int k = 0; k < 3 && ++i < v.size() && v[i] >= '0' && v[i] <= '9'; ++k) ms += (v[i] - '0') * kScale[k];
  }
  return int32_t(secs * 1000 + ms);
}

namespace {

bool IsMethodChar(char c) { return (c >= 'A' && c <= 'Z') || c == '_' || c == '-'; }

}  // namespace

Reject ParseClient(std::string_view text, LogRecord* r) {
  if (IpAddress::Parse(text, &r->client)) return Reject::kNone;
  if (!IsHostName(text)) return Reject::kBadClient;
  r->client = HostNameKey(text);
  r->client_name = text;
  return Reject::kNone;
}

void SplitRequest(std::string_view request, LogRecord* r) {
  r->request = request;
  // One by one: a chained assignment reads each back with a wider load
  // than the stores it follows, which waits for them (IpAddress::Parse).
  r->method = {};
  r->path = {};
  r->query = {};
  r->protocol = {};
  // The method: 1 to 24 method characters, then a space.
  const size_t max = std::min<size_t>(request.size(), 25);
  size_t sp = 0;
  while (sp < max && IsMethodChar(request[sp])) ++sp;
  if (sp == 0 || sp == max || request[sp] != ' ') return;
  std::string_view target = request.substr(sp + 1);
  // The protocol: after the last space, a few bytes from the end, most
  // often 8 ("HTTP/1.1", "HTTP/2.0").
  size_t after = target.size();
  if (after > 8 && target[after - 9] == ' ' && target.compare(after - 8, 5, "HTTP/") == 0 &&
      target[after - 3] != ' ' && target[after - 2] != ' ' && target[after - 1] != ' ') {
    after -= 8;
  } else {
    while (after > 0 && target[after - 1] != ' ') --after;
  }
  if (after > 0) {
    std::string_view proto = target.substr(after);
    if (proto.substr(0, 5) != "HTTP/") return;
    r->protocol = proto;
    target = target.substr(0, after - 1);
  }
  if (target.empty()) return;
  r->method = request.substr(0, sp);
  size_t q = target.find('?');
  r->path = target.substr(0, q);
  if (q != std::string_view::npos) r->query = target.substr(q + 1);
}

std::span<const LogFormat::Variable> LogFormat::Variables() {
  static constexpr Variable kVariables[] = {
      {"remote_addr", Field::kRemoteAddr},
      {"remote_user", Field::kRemoteUser},
      {"time_local", Field::kTimeLocal},
      {"time_iso8601", Field::kTimeIso8601},
      {"msec", Field::kMsec},
      {"request", Field::kRequest},
      {"request_method", Field::kMethod},
      {"request_uri", Field::kRequestUri},
      {"uri", Field::kUri},
      {"document_uri", Field::kUri},
      {"args", Field::kArgs},
      {"query_string", Field::kArgs},
      {"server_protocol", Field::kProtocol},
      {"status", Field::kStatus},
      {"body_bytes_sent", Field::kBodyBytes},
      {"bytes_sent", Field::kBodyBytes},
      {"http_referer", Field::kReferer},
      {"http_user_agent", Field::kUserAgent},
      {"request_time", Field::kRequestTime},
      {"upstream_response_time", Field::kUpstreamResponseTime},
      {"http_x_forwarded_for", Field::kXForwardedFor},
      {"host", Field::kHost},
      {"http_host", Field::kHost},
      {"server_name", Field::kHost},
  };
  return kVariables;
}

LogFormat::Field LogFormat::FieldForVariable(std::string_view v) {
  for (const auto& e : Variables()) {
    if (e.name == v) return e.field;
  }
  return Field::kSkip;
}

Status LogFormat::CheckVariable(std::string_view var) {
  if (FieldForVariable(var) != Field::kSkip) return Status::Ok();
  std::vector<std::string_view> read;
  for (const auto& e : Variables()) read.push_back(e.name);
  const bool nginx = IsNginxVariable(var);
  const std::string_view meant = Misspelling(var, read);
  // A real nginx variable close to one read here ($remote_port, $hostname)
  // is what it says; anything else that close is a typo.
  if (!meant.empty() && !IsExactNginxVariable(var)) {
    return Status::Invalid(fmt::format("unknown variable ${} (did you mean ${}?); the variables read are ${}", var,
                                       meant, fmt::join(read, ", $")));
  }
  if (!nginx) {
    warnings_.push_back(fmt::format("${} is not an nginx variable (one of your own, from set or map?): its "
                                    "field is skipped", var));
  }
  return Status::Ok();
}

StatusOr<LogFormat> LogFormat::Compile(std::string_view format, Escape escape, std::string name) {
  LogFormat f;
  f.name_ = std::move(name);
  f.text_ = std::string(format);
  f.escape_ = escape;
  std::string literal;
  bool have_field = false;
  Field pending = Field::kSkip;
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '$') {
      literal += format[i++];
      continue;
    }
    size_t start = i + 1;
    size_t end = start;
    if (start < format.size() && format[start] == '{') {
      end = format.find('}', start);
      if (end == std::string_view::npos) {
        return Status::Invalid(fmt::format("unterminated ${{ at offset {}", i));
      }
      i = end + 1;
      ++start;
    } else {
      while (end < format.size() && IsVarChar(format[end])) ++end;
      i = end;
    }
    std::string_view var = format.substr(start, end - start);
    if (var.empty()) {
      return Status::Invalid(fmt::format("'$' without a variable name at offset {}", start - 1));
    }
    if (have_field) {
      if (literal.empty()) {
        return Status::Invalid(fmt::format("${} follows another variable with nothing between them", var));
      }
      f.steps_.push_back({pending, literal});
    } else {
      f.prefix_ = literal;
    }
    literal.clear();
    if (Status known = f.CheckVariable(var); !known.ok()) return known;
    pending = FieldForVariable(var);
    have_field = true;
  }
  if (!have_field) {
    return Status::Invalid("the format has no variables");
  }
  f.steps_.push_back({pending, literal});
  // $remote_user is the client's text (nginx escapes only quotes,
  // backslashes and control bytes in it), so it may hold " [" or "] ": a
  // user name "a [b" would shift every field after it. The time after it
  // has a fixed width and is ended by a separator holding a quote, which no
  // escaped field holds: the user name is placed from there instead.
  for (size_t k = 0; escape != Escape::kNone && k + 2 < f.steps_.size(); ++k) {
    const Step& next = f.steps_[k + 1];
    const uint8_t width = next.field == Field::kTimeLocal ? 26 : next.field == Field::kTimeIso8601 ? 25 : 0;
    if (f.steps_[k].field == Field::kRemoteUser && width != 0 && next.separator.find('"') != std::string::npos) {
      f.steps_[k].next_width = width;
    }
  }
  bool has_client = false, has_time = false, has_request = false;
  for (const auto& s : f.steps_) {
    has_client |= s.field == Field::kRemoteAddr;
    has_time |= s.field == Field::kTimeLocal || s.field == Field::kTimeIso8601 || s.field == Field::kMsec;
    has_request |= s.field == Field::kRequest || s.field == Field::kRequestUri || s.field == Field::kUri;
  }
  if (!has_client) {
    return Status::Invalid("the format has no $remote_addr, so no client can be known");
  }
  if (!has_time) {
    f.warnings_.push_back("the format has no $time_local, $time_iso8601 or $msec: lines are counted at the time "
                          "they are read, and a replay of old logs decides nothing sensible");
  }
  if (!has_request) {
    f.warnings_.push_back("the format has no $request, $request_uri or $uri: no signature can match");
  }
  return f;
}

inline Reject LogFormat::Assign(Field field, std::string_view v, LogRecord* r) {
  switch (field) {
    case Field::kSkip: break;
    case Field::kRemoteAddr:
      if (Reject reject = ParseClient(v, r); reject != Reject::kNone) return reject;
      break;
    case Field::kRemoteUser: r->remote_user = Dash(v); break;
    case Field::kTimeLocal:
    case Field::kTimeIso8601:
    case Field::kMsec: {
      if (!ParseTime(field, v, &r->time)) return Reject::kBadTime;
      r->has_time = true;
      break;
    }
    case Field::kRequest: SplitRequest(Dash(v), r); break;
    case Field::kMethod: r->method = Dash(v); break;
    case Field::kRequestUri: {
      size_t q = v.find('?');
      r->path = v.substr(0, q);
      if (q != std::string_view::npos) r->query = v.substr(q + 1);
      if (r->request.empty()) r->request = v;
      break;
    }
    case Field::kUri: r->path = v; break;
    case Field::kArgs: r->query = Dash(v); break;
    case Field::kProtocol: r->protocol = Dash(v); break;
    case Field::kStatus: {
      if (v.size() != 3 || v[0] < '0' || v[0] > '9' || v[1] < '0' || v[1] > '9' || v[2] < '0' ||
          v[2] > '9') {
        return Reject::kBadStatus;
      }
      r->status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
      break;
    }
    case Field::kBodyBytes:
      if (!ParseByteCount(v, &r->bytes)) return Reject::kFormatMismatch;
      break;
    case Field::kReferer: r->referer = Dash(v); break;
    case Field::kUserAgent: r->user_agent = Dash(v); break;
    case Field::kRequestTime: r->request_time_ms = ParseSecondsToMs(v); break;
    case Field::kUpstreamResponseTime: r->upstream_response_time = Dash(v); break;
    case Field::kXForwardedFor: r->x_forwarded_for = Dash(v); break;
    case Field::kHost: r->host = Dash(v); break;
  }
  return Reject::kNone;
}

LogFormat::Step::Step(Field f, std::string literal) : field(f), separator(std::move(literal)) {
  for (size_t i = 0; i < std::min<size_t>(separator.size(), 8); ++i) {
    separator_word |= uint64_t(uint8_t(separator[i])) << (8 * i);
    separator_mask |= uint64_t(0xff) << (8 * i);
  }
}

inline const char* LogFormat::FindSeparator(const char* begin, const char* p, const char* end,
                                            const Step& step) const {
  const std::string& sep = step.separator;
  const char first = sep[0];
  const size_t n = sep.size();
  while (p < end) {
    const char* q = FindByte(begin, p, end, first);
    if (q == nullptr || size_t(end - q) < n) return nullptr;
    // Separators are a few bytes (`" "`, `] "`): one word compared where
    // the line has 8 bytes left, else byte by byte; never memcmp.
    bool same;
    if (n <= 8 && end - q >= 8) {
      uint64_t at;
      std::memcpy(&at, q, 8);
      same = ((at ^ step.separator_word) & step.separator_mask) == 0;
    } else {
      size_t i = 1;
      while (i < n && q[i] == sep[i]) ++i;
      same = i == n;
    }
    if (same) {
      if (escape_ == Escape::kNone || first != '"') return q;
      // escape=json writes a quote inside a value as \", and so does Apache;
      // nginx's default escaping writes \x22 and \x5C, so a backslash before
      // a quote is never its own: skip escaped quotes in both.
      size_t backslashes = 0;
      for (const char* b = q - 1; b >= p && *b == '\\'; --b) ++backslashes;
      if (backslashes % 2 == 0) return q;
    }
    p = q + 1;
  }
  return nullptr;
}

namespace {
// True when [p, end) ends with `literal` (a byte or two, `"`: no memcmp call).
inline bool ClosesWith(const char* p, const char* end, std::string_view literal) {
  if (size_t(end - p) < literal.size()) return false;
  const char* at = end - literal.size();
  for (size_t i = 0; i < literal.size(); ++i) {
    if (at[i] != literal[i]) return false;
  }
  return true;
}
}  // namespace

Reject LogFormat::Parse(std::string_view line, LogRecord* record) {
  ClearRecord(record);
  if (line.empty()) return Reject::kEmpty;
  const char* p = line.data();
  const char* end = p + line.size();
  if (!prefix_.empty()) {
    if (line.size() < prefix_.size() || std::memcmp(p, prefix_.data(), prefix_.size()) != 0) {
      return Reject::kFormatMismatch;
    }
    p += prefix_.size();
  }
  // Every field but the last ends at the first match of its separator; the
  // last runs to the end of the line, less its closing literal if any.
  const Step* last = &steps_.back();
  for (const Step* step = steps_.data();; ++step) {
    const size_t n = step->separator.size();
    const char* stop;
    if (step != last && step->next_width != 0) {
      const char* next_stop = FindSeparator(line.data(), p, end, *(step + 1));
      if (next_stop == nullptr || size_t(next_stop - p) < n + step->next_width) return Reject::kFormatMismatch;
      stop = next_stop - step->next_width - n;
      if (std::memcmp(stop, step->separator.data(), n) != 0) return Reject::kFormatMismatch;
    } else if (step != last) {
      stop = FindSeparator(line.data(), p, end, *step);
      if (stop == nullptr) return Reject::kFormatMismatch;
    } else if (ClosesWith(p, end, step->separator)) {
      stop = end - n;
    } else if (step->separator == "\"" && FindSeparator(line.data(), p, end, *step) == nullptr) {
      // A line cut inside its last quoted field (a crash, a size limit): no
      // closing quote anywhere, so the field runs to the end, and the record
      // says so. A quote followed by more is another format.
      stop = end;
      record->truncated = true;
    } else {
      return Reject::kFormatMismatch;
    }
    if (Reject r = Assign(step->field, std::string_view(p, size_t(stop - p)), record); r != Reject::kNone) return r;
    if (step == last) return Reject::kNone;
    p = stop + n;
  }
}

bool LogFormat::ParseTime(Field field, std::string_view v, LogTime* out) {
  if (field == cached_time_field_ && v.size() == cached_time_len_ &&
      std::memcmp(v.data(), cached_time_text_, v.size()) == 0) {
    *out = cached_time_;
    return true;
  }
  auto t = field == Field::kTimeLocal     ? ParseTimeLocal(v)
           : field == Field::kTimeIso8601 ? ParseTimeIso8601(v)
                                          : ParseTimeMsec(v);
  if (!t) return false;
  if (v.size() <= sizeof(cached_time_text_)) {
    std::memcpy(cached_time_text_, v.data(), v.size());
    cached_time_len_ = v.size();
    cached_time_field_ = field;
    cached_time_ = *t;
  }
  *out = *t;
  return true;
}

}  // namespace defender
