// defender-scan: reads nginx logs, finds abusive clients, hands decisions to sinks.
#include <signal.h>

#include <CLI/CLI.hpp>

#include "cli/options.h"
#include "cli/pipeline.h"
#include "parsers/presets.h"

#ifndef DEFENDER_VERSION
#define DEFENDER_VERSION "0.0.0"
#endif

namespace defender {
namespace {

void AddScanOptions(CLI::App& app, Options& o) {
  app.add_option("FILE", o.files, "Logs to read, in order; none or '-' is stdin. "
                                  "gzip, bzip2, xz and zstd are recognised by their magic bytes");
  auto* in = "Input";
  app.add_option("-f,--format", o.format,
                 "auto, defender, main, combined, common, json, error, or an nginx log_format "
                 "string (may start with escape=json)")
      ->capture_default_str()
      ->group(in);
  app.add_flag("--follow", o.follow,
               "Follow FILEs like tail -F: start at their end, survive rotation and copytruncate")
      ->group(in);
  app.add_option("--max-line", o.max_line, "Skip (and count) lines longer than this many bytes")
      ->capture_default_str()
      ->check(CLI::Range(size_t(256), size_t(64) << 20))
      ->group(in);
  auto* out = "Output";
  app.add_option("--json", o.json, "Write JSON lines (alerts, decisions, --explain) to PATH or - (stdout)")
      ->capture_default_str()
      ->group(out);
  app.add_flag("--explain", o.explain,
               "Print one JSON line per input line: parsed fields, matching rules, reject reason")
      ->group(out);
  app.add_flag("--stats", o.stats, "Print counters (lines, rejects by reason, ...) to stderr at the end")
      ->group(out);
}

int Main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as EPIPE and ends the run quietly
  Options options;
  CLI::App app{"defender-scan: protect nginx sites from abusive clients, from their logs"};
  app.name("defender-scan");
  app.set_version_flag("-V,--version", std::string("defender-scan ") + DEFENDER_VERSION);
  app.get_formatter()->column_width(36);
  AddScanOptions(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "defender-scan: error: {}\n", e.what());
    return 2;
  }
  std::string error;
  if (!NewParser(options.format, &error)) {
    fmt::print(stderr, "defender-scan: error: {}\n", error);
    return 2;
  }
  Pipeline pipeline(options);
  return pipeline.Run();
}

}  // namespace
}  // namespace defender

int main(int argc, char** argv) { return defender::Main(argc, argv); }
