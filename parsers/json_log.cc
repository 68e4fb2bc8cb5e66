#include "parsers/json_log.h"

#include <simdjson.h>

#include <vector>

#include "parsers/log_format.h"

namespace defender {

const char kJsonLogFormat[] =
    R"(log_format defender_json escape=json '{"time_iso8601":"$time_iso8601","remote_addr":"$remote_addr",)"
    R"("remote_user":"$remote_user","request":"$request","status":$status,"body_bytes_sent":$body_bytes_sent,)"
    R"("http_referer":"$http_referer","http_user_agent":"$http_user_agent","request_time":$request_time,)"
    R"("upstream_response_time":"$upstream_response_time","http_x_forwarded_for":"$http_x_forwarded_for",)"
    R"("host":"$host"}';)";

namespace {

using namespace simdjson;

// Length of a valid UTF-8 sequence at s[i] or 0; a cheap check, just enough
// to replace what simdjson would refuse (nginx writes bytes >= 0x80 raw).
size_t Utf8Len(const char* s, size_t i, size_t n) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (len == 0 || i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return len;
}

class JsonLogParser : public LineParser {
 public:
  Reject Parse(std::string_view line, LogRecord* r) override {
    ClearRecord(r);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return Reject::kEmpty;
    if (line[start] != '{') return Reject::kFormatMismatch;
    buf_.resize(line.size() + SIMDJSON_PADDING);
    std::memcpy(buf_.data(), line.data(), line.size());
    Reject result = ParseBuffer(line.size(), r);
    if (result == Reject::kBadJson && !utf8_fixed_) {
      // Replace invalid UTF-8 bytes by '?' and try once more.
      for (size_t i = 0; i < line.size();) {
        if (static_cast<unsigned char>(buf_[i]) < 0x80) {
          ++i;
          continue;
        }
        size_t n = Utf8Len(buf_.data(), i, line.size());
        if (n == 0) {
          buf_[i++] = '?';
        } else {
          i += n;
        }
      }
      utf8_fixed_ = true;
      result = ParseBuffer(line.size(), r);
    }
    utf8_fixed_ = false;
    return result;
  }

  std::string_view name() const override { return "json"; }

 private:
  Reject ParseBuffer(size_t len, LogRecord* r) {
    ClearRecord(r);
    ondemand::document doc;
    if (parser_.iterate(buf_.data(), len, buf_.size()).get(doc)) return Reject::kBadJson;
    ondemand::object obj;
    if (doc.get_object().get(obj)) return Reject::kBadJson;
    bool have_client = false;
    std::string_view method, uri;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return Reject::kBadJson;
      ondemand::value v;
      if (field.value().get(v)) return Reject::kBadJson;
      std::string_view s;
      ondemand::json_type type;
      if (v.type().get(type)) return Reject::kBadJson;
      if (type == ondemand::json_type::string) {
        if (v.get_string().get(s)) return Reject::kBadJson;
      } else if (type == ondemand::json_type::number) {
        s = v.raw_json_token();
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
      } else {
        continue;
      }
      if (s == "-") s = {};
      if (key == "remote_addr") {
        if (Reject reject = ParseClient(s, r); reject != Reject::kNone) return reject;
        have_client = true;
      } else if (key == "time_iso8601" || key == "time_local" || key == "msec" ||
                 key == "@timestamp") {
        auto t = key == "time_local" ? ParseTimeLocal(s)
                 : key == "msec"     ? ParseTimeMsec(s)
                                     : ParseTimeIso8601(s);
        if (!t) return Reject::kBadTime;
        r->time = *t;
        r->has_time = true;
      } else if (key == "request") {
        SplitRequest(s, r);
      } else if (key == "request_method") {
        method = s;
      } else if (key == "request_uri") {
        uri = s;
      } else if (key == "status") {
        if (s.size() != 3 || s.find_first_not_of("0123456789") != std::string_view::npos) {
          return Reject::kBadStatus;
        }
        r->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
      } else if (key == "body_bytes_sent" || key == "bytes_sent") {
        if (!ParseByteCount(s, &r->bytes)) r->bytes = -1;
      } else if (key == "http_referer") {
        r->referer = s;
      } else if (key == "http_user_agent") {
        r->user_agent = s;
      } else if (key == "request_time") {
        r->request_time_ms = ParseSecondsToMs(s);
      } else if (key == "upstream_response_time") {
        r->upstream_response_time = s;
      } else if (key == "http_x_forwarded_for") {
        r->x_forwarded_for = s;
      } else if (key == "host" || key == "server_name" || key == "http_host") {
        r->host = s;
      } else if (key == "remote_user") {
        r->remote_user = s;
      }
    }
    if (!have_client) return Reject::kBadClient;
    if (r->method.empty() && !method.empty()) {
      size_t q = uri.find('?');
      r->method = method;
      r->path = uri.substr(0, q);
      if (q != std::string_view::npos) r->query = uri.substr(q + 1);
      r->request = uri;
    }
    return Reject::kNone;
  }

  ondemand::parser parser_;
  std::vector<char> buf_;
  bool utf8_fixed_ = false;
};

}  // namespace

std::unique_ptr<LineParser> NewJsonLogParser() { return std::make_unique<JsonLogParser>(); }

}  // namespace defender
