// The `defender-scan report` file: the ReportCollector's content as one
// self-contained HTML page (inline CSS and SVG charts, no script, a
// Content-Security-Policy that forbids any, every log value escaped by
// AppendHtml) or as JSON with the same content for other tools. Bounded:
// the timeline has at most kBars bars, the attackers table `top` rows.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli/report.h"

namespace defender {

struct ReportContext {
  std::vector<std::pair<std::string, std::string>> settings;  // how the run was made
  std::vector<std::pair<std::string, uint64_t>> totals;       // lines, parsed, bans...
  std::vector<std::pair<std::string, uint64_t>> rejects;      // lines not read, by reason
  size_t top = 50;                                            // attackers listed
};

inline constexpr size_t kBars = 120;

std::string RenderReportHtml(const ReportCollector& report, const ReportContext& context);
std::string RenderReportJson(const ReportCollector& report, const ReportContext& context);

}  // namespace defender
