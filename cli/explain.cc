#include "cli/explain.h"

#include "core/json.h"

namespace defender {

namespace {

void AppendList(fmt::memory_buffer& out, std::span<const std::string_view> items) {
  out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, items[i]);
  }
  out.push_back(']');
}

}  // namespace

void AppendExplain(fmt::memory_buffer& out, uint64_t line_no, const LogRecord& r, Reject reject,
                   std::string_view skipped, std::span<const std::string_view> signatures,
                   std::span<const std::string_view> scenarios) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"line_no\":{}", line_no);
  if (reject != Reject::kNone) {
    out.append(std::string_view(",\"client\":null,\"error\":"));
    AppendJsonString(out, RejectName(reject));
    out.push_back('}');
    return;
  }
  out.append(std::string_view(",\"client\":"));
  if (r.client_name.empty()) {
    out.push_back('"');
    r.client.AppendTo(out);
    out.push_back('"');
  } else {
    AppendJsonString(out, r.client_name);
  }
  if (!r.sender.empty()) {  // syslog: the server that sent the line
    out.append(std::string_view(",\"sender\":"));
    AppendJsonString(out, r.sender);
  }
  out.append(std::string_view(",\"time\":"));
  if (r.has_time) {
    out.push_back('"');
    AppendIso8601(out, r.time);
    out.push_back('"');
  } else {
    out.append(std::string_view("null"));
  }
  if (r.kind != EventKind::kRequest) {
    out.append(std::string_view(",\"event\":"));
    AppendJsonString(out, EventKindName(r.kind));
  }
  const std::pair<std::string_view, std::string_view> strings[] = {
      {"method", r.method}, {"path", r.path}, {"query", r.query}};
  for (const auto& [key, value] : strings) {
    fmt::format_to(it, ",\"{}\":", key);
    AppendJsonString(out, value);
  }
  fmt::format_to(it, ",\"status\":{},\"bytes\":{}", r.status, r.bytes);
  out.append(std::string_view(",\"referer\":"));
  AppendJsonString(out, r.referer);
  out.append(std::string_view(",\"user_agent\":"));
  AppendJsonString(out, r.user_agent);
  out.append(std::string_view(",\"signatures\":"));
  AppendList(out, signatures);
  out.append(std::string_view(",\"scenarios\":"));
  AppendList(out, scenarios);
  out.append(std::string_view(",\"error\":"));
  if (skipped.empty()) {
    out.append(std::string_view("null"));
  } else {
    AppendJsonString(out, skipped);
  }
  out.push_back('}');
}

}  // namespace defender
