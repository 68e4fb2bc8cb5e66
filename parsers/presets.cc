#include "parsers/presets.h"

#include <fmt/format.h>

#include "parsers/error_log.h"
#include "parsers/json_log.h"

namespace defender {

const std::vector<Preset>& Presets() {
  static const std::vector<Preset> kPresets = {
      {"defender",
       R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time "$http_x_forwarded_for")",
       "combined plus timings and X-Forwarded-For (samples/nginx/defender-log-format.conf)"},
      {"main",
       R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for")",
       "the nginx.org packages' default: combined plus X-Forwarded-For"},
      {"combined",
       R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent")",
       "nginx's predefined format, Debian's default"},
      {"common",
       R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent)",
       "the Common Log Format"},
      {"npm",
       R"([$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer")",
       "Nginx Proxy Manager's proxy-host format ('proxy')"},
      {"npm_standard",
       R"([$time_local] $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] "$http_user_agent" "$http_referer")",
       "Nginx Proxy Manager's 'standard' format (its default and dead hosts)"},
  };
  return kPresets;
}

namespace {

std::unique_ptr<LineParser> CompilePreset(std::string_view format, std::string name) {
  auto f = LogFormat::Compile(format, Escape::kDefault, std::move(name));
  return f.ok() ? std::make_unique<LogFormat>(std::move(*f)) : nullptr;  // the presets compile (presets_test)
}

// Tries each access-log candidate on each line until one parses a line, then
// keeps that one. The error log is recognised per line beside it: one file
// may hold both (access_log and error_log to one syslog or file).
class AutoParser : public LineParser {
 public:
  AutoParser() : error_(NewErrorLogParser()) {
    for (const Preset& p : Presets()) candidates_.push_back(CompilePreset(p.format, std::string(p.name)));
    for (const Preset& p : Presets()) {
      if (p.format.starts_with('[')) continue;  // formats that start with the time have no vhost variant
      candidates_.push_back(
          CompilePreset(fmt::format("$host {}", p.format), fmt::format("vhost_{}", p.name)));
    }
    // A format that starts like combined and has more fields after it.
    candidates_.push_back(CompilePreset(
        fmt::format("{} $more", Presets()[2].format), "combined+"));
    candidates_.push_back(NewJsonLogParser());
  }

  Reject Parse(std::string_view line, LogRecord* record) override {
    if (access_ != nullptr) {
      const Reject r = access_->Parse(line, record);
      if (r != Reject::kFormatMismatch) return r;
    }
    // An error-log line fails every access format at its first field, and
    // an access line fails the error log's fixed-width time at once.
    const Reject e = error_->Parse(line, record);
    if (e != Reject::kFormatMismatch) {
      if (e != Reject::kEmpty && !error_seen_) {
        error_seen_ = true;
        Rename();
      }
      return e;
    }
    if (access_ != nullptr) return Reject::kFormatMismatch;
    for (auto& c : candidates_) {
      const Reject r = c->Parse(line, record);
      if (r == Reject::kNone) {
        access_ = c.get();
        Rename();
        return r;
      }
    }
    return Reject::kFormatMismatch;
  }

  std::string_view name() const override { return name_; }

 private:
  void Rename() {
    name_ = access_ == nullptr ? "auto:error"
            : error_seen_      ? fmt::format("auto:{}+error", access_->name())
                               : fmt::format("auto:{}", access_->name());
  }

  std::vector<std::unique_ptr<LineParser>> candidates_;
  std::unique_ptr<LineParser> error_;
  LineParser* access_ = nullptr;
  bool error_seen_ = false;
  std::string name_ = "auto";
};

}  // namespace

StatusOr<std::unique_ptr<LineParser>> NewParser(std::string_view spec) {
  if (spec == "auto") return std::unique_ptr<LineParser>(std::make_unique<AutoParser>());
  if (spec == "json") return NewJsonLogParser();
  if (spec == "error") return NewErrorLogParser();
  for (const Preset& p : Presets()) {
    if (p.name == spec) return std::unique_ptr<LineParser>(CompilePreset(p.format, std::string(p.name)));
  }
  if (spec.find('$') == std::string_view::npos) {
    return Status::Invalid(fmt::format("unknown format '{}' (auto, defender, main, combined, common, npm, "
                                       "npm_standard, json, error, or an nginx log_format string)", spec));
  }
  // An nginx log_format string, optionally starting with escape=default|json|none.
  Escape escape = Escape::kDefault;
  std::string_view text = spec;
  for (auto [word, e] : {std::pair{"escape=json ", Escape::kJson},
                         std::pair{"escape=default ", Escape::kDefault},
                         std::pair{"escape=none ", Escape::kNone}}) {
    std::string_view w = word;
    if (text.substr(0, w.size()) == w) {
      escape = e;
      text.remove_prefix(w.size());
    }
  }
  auto f = LogFormat::Compile(text, escape, "custom");
  if (!f.ok()) return Status::Invalid(fmt::format("--format: {}", f.status().message()));
  return std::unique_ptr<LineParser>(std::make_unique<LogFormat>(std::move(*f)));
}

std::vector<std::string> FormatWarnings(std::string_view spec) {
  auto parser = NewParser(spec);
  const auto* format = parser.ok() ? dynamic_cast<const LogFormat*>(parser->get()) : nullptr;
  return format && format->name() == "custom" ? format->warnings() : std::vector<std::string>();
}

}  // namespace defender
