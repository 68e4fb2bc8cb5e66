// bench_parse: parse speed against the memchr floor, on one core.
//
//   bench_parse FILE [RUNS [STAGE]]
//   bench_parse --floor FILE      (the memchr loop once, as a whole program)
//
// Loads FILE (a `defender`-format log, see loggen) into memory and times, in
// the same run, (1) a plain C loop that splits lines with memchr and extracts
// the same fields (addresses with inet_pton, status, bytes and request time as
// numbers), (2) defender-scan's compiled log_format parser doing the same,
// (3) the whole default chain, or its first STAGE stages (1 parse and decode
// every field, 2 parse and signatures, which decode only what their caches
// have not seen, 3 and scenarios and decisions), and prints lines/s, MB/s
// and two ratios over RUNS runs: of the median times, and the median of
// each run's ratio to the memchr run just before it (the spread of those
// shows how noisy the machine was).
// The three loops are never inlined, so that bench/instructions.sh can
// count each one's instructions with callgrind.
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/config.h"
#include "decisions/decision_engine.h"
#include "detectors/detector.h"
#include "parsers/presets.h"
#include "parsers/request_decoder.h"

namespace {

struct Fields {
  const char *ip, *user, *time, *request, *referer, *ua, *upstream, *xff;
  size_t ip_len, user_len, time_len, request_len, referer_len, ua_len, upstream_len, xff_len;
  unsigned char addr[16];
  int status;
  long bytes;
  double request_time;
};

// The hand-written C loop: what a fixed-format scanner costs at least.
inline const char* Until(const char* p, const char* end, char c) {
  const char* q = static_cast<const char*>(memchr(p, c, size_t(end - p)));
  return q ? q : end;
}

[[gnu::noinline]] uint64_t MemchrLoop(const std::string& data, uint64_t* checksum) {
  const char* p = data.data();
  const char* end = p + data.size();
  uint64_t lines = 0;
  Fields f;
  while (p < end) {
    const char* eol = Until(p, end, '\n');
    const char* q = Until(p, eol, ' ');
    f.ip = p, f.ip_len = size_t(q - p);
    char ipbuf[64];
    size_t n = std::min(f.ip_len, sizeof(ipbuf) - 1);
    memcpy(ipbuf, f.ip, n);
    ipbuf[n] = 0;
    inet_pton(memchr(ipbuf, ':', n) ? AF_INET6 : AF_INET, ipbuf, f.addr);
    p = q + 3;  // " - "
    q = Until(p, eol, ' ');
    f.user = p, f.user_len = size_t(q - p);
    p = q + 2;  // " ["
    q = Until(p, eol, ']');
    f.time = p, f.time_len = size_t(q - p);
    p = q + 3;  // "] \""
    q = Until(p, eol, '"');
    f.request = p, f.request_len = size_t(q - p);
    p = q + 2;
    f.status = int(strtol(p, const_cast<char**>(&q), 10));
    p = q + 1;
    f.bytes = strtol(p, const_cast<char**>(&q), 10);
    p = q + 2;
    q = Until(p, eol, '"');
    f.referer = p, f.referer_len = size_t(q - p);
    p = q + 3;
    q = Until(p, eol, '"');
    f.ua = p, f.ua_len = size_t(q - p);
    p = q + 2;
    f.request_time = strtod(p, const_cast<char**>(&q));
    p = q + 1;
    q = Until(p, eol, '"');
    f.upstream = p, f.upstream_len = size_t(q - 1 - p);
    p = q + 1;
    q = Until(p, eol, '"');
    f.xff = p, f.xff_len = size_t(q - p);
    *checksum += f.addr[15] + unsigned(f.status) + f.ua_len + f.time_len + f.request_len + f.xff_len;
    ++lines;
    p = eol + 1;
  }
  return lines;
}

// Calls fn(line) for each line of `data`; returns the number of lines.
template <typename Fn>
uint64_t ForEachLine(const std::string& data, Fn fn) {
  const char* p = data.data();
  const char* end = p + data.size();
  uint64_t lines = 0;
  while (p < end) {
    const char* eol = Until(p, end, '\n');
    fn(std::string_view(p, size_t(eol - p)));
    ++lines;
    p = eol + 1;
  }
  return lines;
}

[[gnu::noinline]] uint64_t ParserLoop(const std::string& data, defender::LineParser& parser, uint64_t* checksum) {
  defender::LogRecord r;
  return ForEachLine(data, [&](std::string_view line) {
    if (parser.Parse(line, &r) == defender::Reject::kNone) {
      *checksum += r.client.bytes()[15] + unsigned(r.status) + r.user_agent.size() + uint64_t(r.time) +
                   r.path.size() + r.x_forwarded_for.size();
    }
  });
}

// The whole default chain of the main job, as the pipeline runs it per line.
struct Chain {
  std::unique_ptr<defender::LineParser> parser;
  defender::RequestDecoder decoder;
  std::unique_ptr<defender::Detector> detector;
  std::unique_ptr<defender::SignatureMatcher> matcher;
  defender::Allowlist allowlist{{}, {}};
  defender::DecisionEngine engine{allowlist, {}};
  std::vector<defender::Alert> alerts;
  std::vector<defender::Decision> decisions;
  int stage;  // 1 parse+decode, 2 parse+signatures, 3 + scenarios and decisions
};

[[gnu::noinline]] uint64_t ChainLoop(const std::string& data, Chain& c, uint64_t* checksum) {
  defender::LogRecord r;
  return ForEachLine(data, [&](std::string_view line) {
    if (c.parser->Parse(line, &r) != defender::Reject::kNone) return;
    if (c.stage == 1) *checksum += c.decoder.Decode(r).path.size();
    if (c.stage == 2) *checksum += uint64_t(c.matcher->Scan(r, c.decoder).count);
    if (c.stage == 3) {
      c.alerts.clear();
      c.detector->Process(r, c.decoder, &c.alerts);
      c.engine.Advance(r.time, &c.decisions);
      for (const auto& a : c.alerts) c.engine.OnAlert(a, &c.decisions);
      *checksum += c.decisions.size();
      c.decisions.clear();
    }
  });
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// "ratio NAME: R of medians, M run by run (r1 r2 ...)": R is the ratio of
// the median times, M the median of each run's ratio baseline[i] /
// measured[i] (higher is faster), which the machine's drift moves less, as
// the two runs of a pair are timed one after the other.
void PrintRatio(std::string_view name, const std::vector<double>& baseline, const std::vector<double>& measured,
                double target) {
  std::vector<double> r;
  for (size_t i = 0; i < baseline.size(); ++i) r.push_back(baseline[i] / measured[i]);
  std::sort(r.begin(), r.end());
  std::string runs;
  for (double x : r) runs += fmt::format("{}{:.2f}", runs.empty() ? "" : " ", x);
  fmt::print("ratio {}: {:.2f} of medians, {:.2f} run by run ({}); target >= {:.2f}\n", name,
             Median(baseline) / Median(measured), Median(r), runs, target);
}

double TimeRuns(int runs, const std::function<uint64_t()>& fn, uint64_t* lines) {
  std::vector<double> secs;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    *lines = fn();
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return Median(secs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_parse FILE [RUNS [STAGE]] | bench_parse --floor FILE\n");
    return 2;
  }
  if (std::string_view(argv[1]) == "--floor" && argc == 3) {
    // The memchr floor as a whole program, for bench/run.sh to time against
    // the whole defender-scan process: read the file, split every line.
    // Streams it as defender-scan does: 1 MiB reads, whole lines split.
    FILE* f = std::fopen(argv[2], "rb");
    if (f == nullptr) return 1;
    std::string chunk, tail;
    std::vector<char> buffer(1 << 20);
    uint64_t sum = 0, lines = 0;
    for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0;) {
      const char* last_newline = static_cast<const char*>(memrchr(buffer.data(), '\n', n));
      if (last_newline == nullptr) {
        tail.append(buffer.data(), n);
        continue;
      }
      const size_t whole = size_t(last_newline - buffer.data()) + 1;
      chunk.assign(tail).append(buffer.data(), whole);
      tail.assign(buffer.data() + whole, n - whole);
      lines += MemchrLoop(chunk, &sum);
    }
    if (!tail.empty()) lines += MemchrLoop(tail, &sum);
    std::fclose(f);
    fmt::print("{} lines, checksum {}\n", lines, sum);
    return 0;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  double mb = double(data.size()) / 1e6;
  std::unique_ptr<defender::LineParser> parser = std::move(*defender::NewParser("defender"));
  uint64_t lines = 0, sum1 = 0, sum2 = 0;
  // Interleave the two so that machine noise hits both alike.
  std::vector<double> t_memchr, t_parser;
  for (int i = 0; i < runs; ++i) {
    t_memchr.push_back(TimeRuns(1, [&] { return MemchrLoop(data, &sum1); }, &lines));
    t_parser.push_back(TimeRuns(1, [&] { return ParserLoop(data, *parser, &sum2); }, &lines));
  }
  double m = Median(t_memchr), p = Median(t_parser);
  fmt::print("bench_parse: {} lines, {:.1f} MB, median of {} runs\n", lines, mb, runs);
  fmt::print("memchr C loop:   {:8.0f} lines/s  {:7.1f} MB/s\n", double(lines) / m, mb / m);
  fmt::print("log_format scan: {:8.0f} lines/s  {:7.1f} MB/s\n", double(lines) / p, mb / p);
  PrintRatio("parser/memchr", t_memchr, t_parser, 0.60);

  // The whole default chain (issue 3: at least half the memchr loop's speed).
  // A fresh chain per run, so every run starts from an empty client table.
  std::vector<std::string> errors;
  defender::Config config = defender::LoadConfig("", &errors);
  std::vector<double> t_chain, t_memchr2;
  uint64_t sum3 = 0;
  for (int i = 0; i < runs; ++i) {
    Chain chain;
    chain.parser = std::move(*defender::NewParser("defender"));
    chain.detector = std::move(*defender::Detector::Create(config.scenarios, {}));
    chain.stage = argc > 3 ? std::atoi(argv[3]) : 3;
    chain.matcher =
        std::move(*defender::SignatureMatcher::Create(defender::BuiltinSignatures(), defender::BadUserAgents(), ""));
    t_memchr2.push_back(TimeRuns(1, [&] { return MemchrLoop(data, &sum1); }, &lines));
    t_chain.push_back(TimeRuns(1, [&] { return ChainLoop(data, chain, &sum3); }, &lines));
  }
  double m2 = Median(t_memchr2), c = Median(t_chain);
  fmt::print("memchr C loop:   {:8.0f} lines/s  {:7.1f} MB/s\n", double(lines) / m2, mb / m2);
  fmt::print("default chain:   {:8.0f} lines/s  {:7.1f} MB/s (parse, decode, signatures, scenarios, decisions)\n",
             double(lines) / c, mb / c);
  PrintRatio("chain/memchr", t_memchr2, t_chain, 0.50);
  return (sum1 ^ sum2 ^ sum3) == 0xdeadbeef;  // keep the work observable
}
