// defender-scan: reads nginx logs, finds abusive clients, hands decisions to sinks.
#include <signal.h>

#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

#include "cli/bans_command.h"
#include "cli/config.h"
#include "cli/messages.h"
#include "cli/options.h"
#include "cli/pipeline.h"
#include "cli/report_command.h"
#include "cli/rules_command.h"
#include "cli/serve.h"
#include "cli/signals.h"
#include "cli/status_command.h"
#include "core/log_time.h"
#include "core/misspelling.h"
#include "parsers/presets.h"

#ifndef DEFENDER_VERSION
#define DEFENDER_VERSION "0.0.0"
#endif

namespace defender {
namespace {

// CLI::Range for a floating-point option, without its hole: "nan" passes
// CLI::Range, as no comparison with NaN is true.
CLI::Validator NumberRange(double min, double max) {
  const CLI::Range range(min, max);
  return CLI::Validator(
      [range, min, max](std::string& text) -> std::string {
        double value = 0;
        if (CLI::detail::lexical_cast(text, value) && !(value >= min && value <= max)) {
          return "Value " + text + " not in range " + std::to_string(min) + " to " + std::to_string(max);
        }
        return range(text);
      },
      range.get_description());
}

// --redis and its companions, for the main job, serve and `bans`.
void AddFleetOptions(CLI::App& app, FleetOptions& o) {
  auto* fleet = "Fleet (shared bans)";
  app.add_option("--redis", o.redis,
                 "Share bans with the other defender-scan nodes of a fleet through this Redis: "
                 "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH[?db=DB]. This node's bans and "
                 "unbans are published; the others' are applied to every sink within a second")
      ->group(fleet);
  app.add_option("--redis-password-file", o.password_file,
                 "Read the Redis password from this file (first line), so that it does not show in ps")
      ->group(fleet);
  app.add_option("--redis-prefix", o.prefix,
                 "Prefix of the Redis keys (PREFIXdecisions, PREFIXbans), so that several fleets share one Redis")
      ->capture_default_str()
      ->group(fleet);
}

void AddScanOptions(CLI::App& app, Options& o) {
  app.add_option("FILE", o.files, "Logs to read, in order; none or '-' is stdin. "
                                  "gzip, bzip2, xz and zstd are recognised by their magic bytes");
  auto* in = "Input";
  app.add_option("-f,--format", o.format,
                 "auto, defender, main, combined, common, npm (Nginx Proxy Manager), npm_standard, json, error, or an nginx log_format "
                 "string (may start with escape=json)")
      ->capture_default_str()
      ->group(in);
  app.add_flag("--follow", o.follow,
               "Follow FILEs like tail -F: start at their end, survive rotation and copytruncate")
      ->group(in);
  app.add_option("--syslog-listen", o.syslog_listen,
                 "Also receive log lines over syslog on udp://ADDRESS:PORT, as nginx sends them with "
                 "access_log syslog:server=..., or tcp://ADDRESS:PORT (rsyslog; octet-counted or line-framed). "
                 "Repeatable; RFC 3164 or 5424, one log line a message")
      ->group(in);
  app.add_option("--syslog-allow", o.syslog_allow,
                 "Addresses or CIDRs that may send syslog (repeatable); messages from others are dropped "
                 "and counted. Default: loopback only")
      ->group(in);
  app.add_option("--max-catch-up", o.max_catch_up_mib,
                 "With --follow and --state: MiB of a followed file written while nothing ran that a restart "
                 "reads from its checkpoint (more is skipped, from the oldest)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str()
      ->group(in);
  app.add_option("--max-line", o.max_line,
                 "Skip (and count, with a warning) lines longer than this many bytes; the default holds any "
                 "line nginx writes with its default buffers")
      ->capture_default_str()
      ->check(CLI::Range(size_t(256), size_t(64) << 20))
      ->group(in);
  app.add_option("--late-tolerance", o.late_tolerance,
                 "Lines logged this much before the newest line read (out of order: Apache's request "
                 "start, merged syslog) are put back in time order (batch runs) or counted at their "
                 "client's latest time (live); older ones are counted as late and not detected")
      ->capture_default_str()
      ->check([](const std::string& v) { return ParseDuration(v) ? "" : "a duration: 90s, 10m, 2h"; })
      ->group(in);
  auto* detect = "Detection and decisions";
  app.add_option("--cache-dir", o.cache_dir,
                 "Where the compiled signature databases are kept between runs (none: compile every "
                 "time). Default: $DEFENDER_SCAN_CACHE_DIR, /var/cache/defender-scan if writable, else "
                 "$XDG_CACHE_HOME/defender-scan or ~/.cache/defender-scan")
      ->group(detect);
  app.add_option("-c,--config", o.config, "YAML configuration: scenarios, custom rules, allowlist, ...")
      ->check(CLI::ExistingFile)
      ->group(detect);
  app.add_option("--allow", o.allow, "Never ban this address or CIDR (repeatable)")
      ->allow_extra_args(false)
      ->group(detect);
  app.add_option("--trusted-proxy", o.trusted_proxies,
                 "A proxy in front of nginx (repeatable): never banned, and the client is taken from "
                 "X-Forwarded-For right to left past trusted proxies")
      ->allow_extra_args(false)
      ->group(detect);
  app.add_option("--ipv6-prefix", o.ipv6_prefix,
                 "Count and ban IPv6 clients per this prefix (default 64; a NAT64 address, 64:ff9b::/96, "
                 "counts alone)")
      ->check(CLI::Range(32, 128))
      ->group(detect);
  app.add_option("--anomaly-threshold", o.anomaly_threshold,
                 "The score at which behaviour-anomaly alerts (default 9; lower finds more, and more "
                 "real users)")
      ->check(NumberRange(1.0, 100.0))
      ->group(detect);
  app.add_flag("--dry-run", o.dry_run, "Decide and report, change nothing outside stdout")->group(detect);
  auto* enforce = "Enforcement";
  app.add_option("--state", o.state,
                 "SQLite state: bans, ban history, input checkpoints and open buckets, so that a "
                 "rerun (cron) reads only new lines and decides as one long run would")
      ->group(enforce);
  app.add_option("--state-wait", o.state_wait_s,
                 "Seconds to wait while another run holds the state database, then exit 1")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str()
      ->group(enforce);
  app.add_option("--nginx-conf", o.nginx_conf,
                 "Write the active bans to this nginx include (replaced atomically, only when changed)")
      ->group(enforce);
  app.add_option("--nginx-style", o.nginx_style, "deny: 'deny ADDR;' lines; geo: a geo $defender_blocked block")
      ->check(CLI::IsMember({"deny", "geo"}))
      ->capture_default_str()
      ->group(enforce);
  app.add_option("--reload-cmd", o.reload_cmd,
                 "Run after the include changed (no shell; e.g. \"sh -c 'nginx -t && nginx -s reload'\"); "
                 "if it fails the previous include is restored")
      ->group(enforce);
  app.add_option("--reload-interval", o.reload_interval_s, "Seconds between two reloads at most")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str()
      ->group(enforce);
  app.add_option("--stop-timeout", o.stop_timeout_s,
                 "Seconds SIGTERM/SIGINT leave to stop reading, flush every sink and save the state (exit 0); "
                 "then the process ends with status 1")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str()
      ->group(enforce);
  app.add_option("--on-ban", o.on_ban, "Action run for each ban: argv template with {ip} {duration} {reason} {until}")
      ->group(enforce);
  app.add_option("--on-unban", o.on_unban, "Action run for each unban, same placeholders")->group(enforce);
  app.add_option("--action-timeout", o.action_timeout_s,
                 "Seconds an action or the reload command may run; then it is killed with everything it "
                 "started (its process group)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str()
      ->group(enforce);
  AddFleetOptions(app, o.fleet);
  auto* out = "Output";
  app.add_option("--json", o.json, "Write JSON lines (alerts, decisions, --explain) to PATH or - (stdout)")
      ->capture_default_str()
      ->group(out);
  app.add_flag("--explain", o.explain,
               "Print one JSON line per input line: parsed fields, matching rules, reject reason")
      ->group(out);
  app.add_flag("--stats", o.stats, "Print counters (lines, rejects by reason, scenarios, bans) to stderr at the end")
      ->group(out);
  app.add_flag("--progress", o.progress,
               "A progress line on stderr while files are read (bytes, lines, lines/s, bans, time left); "
               "by default when stderr is a terminal and the JSON lines go elsewhere")
      ->group(out);
  app.add_flag("--no-progress", o.no_progress, "No progress line, even on a terminal")->group(out);
}

// " (--folow: did you mean --follow?)" for the first argument that is no option of
// the command line but nearly one, or empty.
std::string FlagHint(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  auto collect = [&](CLI::App* a) {
    for (const CLI::Option* o : a->get_options()) {
      for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
    }
  };
  collect(&app);
  for (CLI::App* sub : app.get_subcommands({})) collect(sub);
  std::vector<std::string_view> views(names.begin(), names.end());
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) continue;
    arg = arg.substr(0, arg.find('='));
    if (std::find(views.begin(), views.end(), arg) != views.end()) continue;
    if (std::string_view meant = Misspelling(arg, views); !meant.empty()) {
      return fmt::format(" ({}: did you mean {}?)", arg, meant);
    }
  }
  return {};
}

int Main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as EPIPE and ends the run quietly
  Options options;
  CLI::App app{"defender-scan: protect nginx sites from abusive clients, from their logs"};
  app.name("defender-scan");
  app.set_version_flag("-V,--version", std::string("defender-scan ") + DEFENDER_VERSION);
  app.get_formatter()->column_width(36);
  AddScanOptions(app, options);
  auto* rules = app.add_subcommand("rules", "List the scenarios and signature rules with their settings");
  std::string rules_config;
  rules->add_option("-c,--config", rules_config, "Show the settings after this configuration")
      ->check(CLI::ExistingFile);
  auto* bans = app.add_subcommand("bans", "List, add or remove bans in the state database (like fail2ban-client)");
  BansOptions bans_options;
  bans->add_option("ACTION", bans_options.action, "list, add or del")
      ->required()
      ->check(CLI::IsMember({"list", "add", "del"}));
  bans->add_option("TARGET", bans_options.target, "An address or CIDR (add, del; list: the bans covering it)");
  bans->add_option("--state", bans_options.state, "The state database")->required();
  bans->add_option("--duration", bans_options.duration, "How long (add): 30m, 4h, 7d ... (at most 3650d)")->capture_default_str();
  bans->add_option("--reason", bans_options.reason, "Why (add)")->capture_default_str();
  AddFleetOptions(*bans, bans_options.fleet);
  bans->add_flag("--json", bans_options.json, "list: one JSON object per ban, with its evidence");
  bans->add_option("--scenario", bans_options.scenario, "list: only the bans of this scenario (or manual, api)");
  bans->add_flag("--evidence", bans_options.evidence, "list: under each ban, the log line that decided it");
  bans->add_option("--ipv6-prefix", bans_options.ipv6_prefix,
                   "An IPv6 address alone stands for its prefix of this length, as detection bans it (128: "
                   "the address only)")
      ->check(CLI::Range(32, 128))
      ->capture_default_str();
  bans->add_option("--state-wait", bans_options.state_wait_s,
                   "Seconds to wait for a run that holds the state database")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  auto* status = app.add_subcommand("status", "What the state says: active bans by scenario, the last run, "
                                               "each input's progress (like fail2ban-client status)");
  StatusOptions status_options;
  status->add_option("--state", status_options.state, "The state database")->required();
  status->add_flag("--json", status_options.json, "One JSON object");
  status->add_option("--state-wait", status_options.state_wait_s,
                     "Seconds to wait for a run that holds the state database")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  auto* serve = app.add_subcommand(
      "serve", "Run the pipeline and answer HTTP: /api/check for nginx auth_request, /api/block, /metrics ...");
  AddScanOptions(*serve, options);
  ServeOptions serve_options;
  auto* api = "HTTP API";
  serve->add_option("--listen", serve_options.listen, "ADDRESS:PORT to answer on ([::1]:8080 for IPv6)")
      ->capture_default_str()
      ->group(api);
  serve->add_option("--api-token-file", serve_options.token_file,
                    "File whose first line is the API token: every endpoint but /api/check, /metrics and "
                    "/healthz then needs 'Authorization: Bearer TOKEN'. Required beyond loopback")
      ->check(CLI::ExistingFile)
      ->group(api);
  serve->add_option("--trusted-peer", serve_options.trusted_peers,
                    "Besides loopback, a peer (nginx) whose client header /api/check believes (repeatable)")
      ->allow_extra_args(false)
      ->group(api);
  serve->add_option("--api-host", serve_options.api_hosts,
                    "A name the API is reached by (repeatable): besides addresses and localhost, the only "
                    "Host and Origin that /api/block, /api/unblock, /api/analyze and /api/blocked-ips accept")
      ->allow_extra_args(false)
      ->group(api);
  serve->add_option("--request-timeout", serve_options.request_timeout_s,
                    "Seconds a request may take from its first byte to its answer; then the connection is closed")
      ->check(CLI::Range(1, 300))
      ->capture_default_str()
      ->group(api);
  serve->add_option("--real-ip-header", serve_options.real_ip_header,
                    "The header that names the client in /api/check")
      ->capture_default_str()
      ->group(api);
  auto* report = app.add_subcommand(
      "report", "Replay logs (a dry run) and write one self-contained HTML page of what was read and decided");
  AddScanOptions(*report, options);
  ReportOptions report_options;
  report->add_option("-o,--output", report_options.output, "The file to write (.html, or .json for JSON)")
      ->required();
  report->add_option("--report-format", report_options.format,
                     "html or json (default: json for a .json output, else html)");
  report->add_option("--top", report_options.top, "How many attackers the report lists")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    PrintError(fmt::format("{}{}", e.what(), FlagHint(app, argc, argv)));
    return 2;
  }
  if (bans->parsed()) {
    if (bans_options.action != "list" && bans_options.target.empty()) {
      PrintError(fmt::format("bans {}: TARGET is required", bans_options.action));
      return 2;
    }
    return RunBansCommand(bans_options);
  }
  if (status->parsed()) return RunStatusCommand(status_options);
  if (rules->parsed()) options.config = rules_config.empty() ? options.config : rules_config;
  Config config;
  std::vector<std::string> config_errors;
  if (!ResolveConfig(options, &config, &config_errors)) {
    for (const auto& e : config_errors) PrintError(e);
    return 2;
  }
  if (rules->parsed()) return RunRulesCommand(config);
  if (auto parser = NewParser(options.format); !parser.ok()) {
    PrintError(parser.status().message());
    return 2;
  }
  for (const std::string& w : FormatWarnings(options.format)) PrintWarning(fmt::format("--format: {}", w));
  InstallSignalHandlers(options.stop_timeout_s);
  if (serve->parsed()) return RunServe(options, serve_options, std::move(config));
  if (report->parsed()) {
    if (report->count("--json") == 0) options.json = "/dev/null";  // the page is the output
    return RunReportCommand(options, report_options, std::move(config));
  }
  auto pipeline = Pipeline::Create(options, std::move(config));
  if (!pipeline.ok()) {
    PrintError(pipeline.status().message());
    return ExitStatusOf(pipeline.status());
  }
  return (*pipeline)->Run();
}

}  // namespace
}  // namespace defender

int main(int argc, char** argv) {
  try {
    return defender::Main(argc, argv);
  } catch (const std::system_error& e) {
    // A reader that stopped early (`defender-scan rules | head`): fmt's
    // print reports EPIPE by throwing, as SIGPIPE is ignored.
    if (e.code() == std::errc::broken_pipe) return 0;
    throw;
  }
}
