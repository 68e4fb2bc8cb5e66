#include "cli/report_command.h"

#include <fmt/format.h>

#include "cli/messages.h"
#include "cli/pipeline.h"
#include "cli/report_render.h"
#include "sinks/atomic_file.h"

namespace defender {

int RunReportCommand(Options options, const ReportOptions& report_options, Config config) {
  std::string format = report_options.format;
  if (format.empty()) format = report_options.output.ends_with(".json") ? "json" : "html";
  if (format != "html" && format != "json") {
    PrintError(fmt::format("report: --report-format {}: html or json", format));
    return 2;
  }
  // A report is of logs read to their end.
  if (options.follow || !options.syslog_listen.empty()) {
    PrintError("report: it reads files (or a pipe) to their end: not with --follow or --syslog-listen");
    return 2;
  }
  // A report changes nothing: no include, no action, no state, no fleet.
  options.dry_run = true;
  std::vector<std::pair<std::string, std::string>> settings = {
      {"inputs", options.files.empty() ? std::string("-") : fmt::format("{}", fmt::join(options.files, " "))},
      {"format", options.format},
      {"config", options.config.empty() ? std::string("(built-in defaults)") : options.config},
      {"late tolerance", options.late_tolerance},
      {"IPv6 prefix", options.ipv6_prefix ? std::to_string(options.ipv6_prefix) : std::string("(config)")},
      {"scenarios", std::to_string(config.scenarios.size())},
      {"allowlist entries", std::to_string(config.allowlist.size())},
      {"trusted proxies", std::to_string(config.trusted_proxies.size())},
      {"made", FormatIso8601(WallClock())},
  };
  auto created = Pipeline::Create(options, std::move(config));
  if (!created.ok()) {
    PrintError(created.status().message());
    return ExitStatusOf(created.status());
  }
  Pipeline& pipeline = **created;
  ReportCollector report;
  pipeline.set_report(&report);
  const int status = pipeline.Run();
  const Stats& stats = pipeline.stats();
  ReportContext context;
  context.settings = std::move(settings);
  context.top = report_options.top;
  context.totals = {{"lines", stats.lines},
                    {"parsed", stats.parsed},
                    {"clients alerted", report.clients().size()},
                    {"alerts", [&] {
                       uint64_t n = 0;
                       for (const auto& [name, s] : report.scenarios()) n += s.alerts;
                       return n;
                     }()},
                    {"bans", pipeline.engine().counters().bans},
                    {"lines not read", stats.rejected()}};
  for (size_t i = 1; i < stats.rejects.size(); ++i) {
    if (stats.rejects[i]) context.rejects.emplace_back(std::string(RejectName(Reject(i))), stats.rejects[i]);
  }
  if (stats.late) context.rejects.emplace_back("late (not detected)", stats.late);
  if (stats.future) context.rejects.emplace_back("future (not detected)", stats.future);
  const std::string page = format == "json" ? RenderReportJson(report, context) : RenderReportHtml(report, context);
  if (Status s = ReplaceFileAtomically(report_options.output, page); !s.ok()) {
    PrintError(fmt::format("report: {}", s.message()));
    return 1;
  }
  PrintNote(fmt::format("report written to {} ({} KB)", report_options.output, (page.size() + 1023) / 1024));
  return status;
}

}  // namespace defender
