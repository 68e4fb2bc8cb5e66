#include "cli/input_order.h"

#include <algorithm>
#include <optional>

#include "core/log_record.h"
#include "parsers/presets.h"
#include "sources/input.h"
#include "sources/line_reader.h"

namespace defender {

namespace {

// Lines read at most to find a time (a file that opens with junk).
constexpr int kMaxProbeLines = 1000;

std::optional<LogTime> FirstLogTime(const std::string& name, std::string_view format, size_t max_line) {
  OpenedInput opened;
  if (name == "-" || !OpenInput(name, InputOptions(), &opened).ok() || !opened.regular) return std::nullopt;
  auto created = NewParser(format);
  if (!created.ok()) return std::nullopt;
  std::unique_ptr<LineParser> parser = std::move(*created);
  LineReader reader(std::move(opened.source), max_line);
  LogRecord record;
  std::string_view line;
  for (int n = 0; n < kMaxProbeLines && reader.Next(&line) == LineReader::Result::kLine; ++n) {
    if (parser->Parse(line, &record) == Reject::kNone && record.has_time) return record.time;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> OrderInputsByLogTime(const std::vector<std::string>& names, std::string_view format,
                                              size_t max_line, bool follow) {
  if (follow || names.size() < 2) return names;
  std::vector<size_t> places;
  std::vector<std::pair<LogTime, std::string>> timed;
  for (size_t i = 0; i < names.size(); ++i) {
    if (auto t = FirstLogTime(names[i], format, max_line)) {
      places.push_back(i);
      timed.emplace_back(*t, names[i]);
    }
  }
  std::stable_sort(timed.begin(), timed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ordered = names;
  for (size_t k = 0; k < places.size(); ++k) ordered[places[k]] = timed[k].second;
  return ordered;
}

}  // namespace defender
