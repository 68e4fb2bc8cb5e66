// Counts heap allocations on the per-line path after a warm-up pass (buffers
// grow to their working size once): parsing and decoding must make zero
// calls to operator new; the whole chain at most one per 1000 lines. Prints
// the counts. ALLOC_TRAP=1 under gdb stops at the first one.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <fstream>

#include "decisions/decision_engine.h"
#include "detectors/detector.h"
#include "parsers/decode.h"
#include "parsers/presets.h"
#include "parsers/request_decoder.h"
#include "tests/test_util.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
bool g_trap = false;
}

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (g_trap && getenv("ALLOC_TRAP")) __builtin_trap();  // to find a caller under gdb
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

using namespace defender;
using defender::testing::Must;

int main() {
  const std::vector<std::pair<const char*, std::string>> inputs = {
      {"defender", R"L(198.51.100.7 - - [31/Mar/2024:01:00:00 +0000] "GET /search?q=%27+union+select HTTP/1.1" 200 5120 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)" 0.012 0.010 "-")L"},
      {"defender", R"(2001:db8::1 - - [31/Mar/2024:01:00:00 +0000] "\x16\x03\x01" 400 0 "-" "-" 0.000 - "-")"},
      {"combined", R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET /..%252f..%252fetc/passwd HTTP/1.1" 404 0 "-" "sqlmap/1.7")"},
      {"auto", R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua")"},
      {"json", R"({"remote_addr":"192.0.2.1","time_iso8601":"2024-03-31T01:00:00+00:00","request":"GET /a?b HTTP/1.1","status":200,"http_user_agent":"x \"y\""})"},
      {"error", R"(2024/03/31 01:00:00 [error] 1#1: *2 limiting requests, excess: 5.1 by zone "one", client: 192.0.2.1, server: x, request: "GET / HTTP/1.1", host: "x")"},
  };
  std::vector<std::unique_ptr<LineParser>> parsers;
  for (const auto& [format, line] : inputs) {
    parsers.push_back(Must(NewParser(format)));
  }
  std::string path, query, ua;
  LogRecord record;
  uint64_t parsed = 0;
  auto pass = [&] {
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (int k = 0; k < 1000; ++k) {
        if (parsers[i]->Parse(inputs[i].second, &record) == Reject::kNone) ++parsed;
        UnescapeNginx(record.user_agent, &ua);
        PercentDecodeRepeated(record.query, true, 2, &query);
        NormalizePath(record.path, &path);
        AsciiLower(&path);
      }
    }
  };
  pass();
  uint64_t before = g_allocations.load();
  pass();
  uint64_t allocations = g_allocations.load() - before;
  std::printf("alloc_test: %llu lines parsed and decoded in the measured pass, %llu allocations\n",
              (unsigned long long)(parsed / 2), (unsigned long long)allocations);
  if (parsed != 2 * inputs.size() * 1000) {
    std::printf("alloc_test: FAILED: not every line parsed\n");
    return 1;
  }
  if (allocations != 0) return 1;

  // The whole chain (decode, signatures, scenarios, decisions) over the
  // sample log: the same traffic again a day later (buckets drained, bans
  // expired) must not allocate.
  auto detector = Must(Detector::Create(BuiltinScenarios(), DetectorOptions()));
  auto chain_parser = Must(NewParser("auto"));
  Allowlist allowlist({}, {});
  DecisionEngine engine(allowlist, {});
  RequestDecoder decoder;
  std::vector<std::string> lines;
  std::ifstream sample(SAMPLE_LOG);
  for (std::string l; std::getline(sample, l);) lines.push_back(l);
  std::vector<Alert> alerts;
  std::vector<Decision> decisions;
  alerts.reserve(64);
  decisions.reserve(64);
  uint64_t decided = 0;
  LogTime shift = 0;
  auto chain_pass = [&] {
    for (const auto& l : lines) {
      if (chain_parser->Parse(l, &record) != Reject::kNone) continue;
      record.time += shift;
      alerts.clear();
      detector->Process(record, decoder, &alerts);
      engine.Advance(record.time, &decisions);
      for (const auto& a : alerts) engine.OnAlert(a, &decisions);
      decided += decisions.size();
      decisions.clear();
    }
  };
  chain_pass();
  shift = 86400 * kSecond;
  decided = 0;
  before = g_allocations.load();
  g_trap = true;
  chain_pass();
  g_trap = false;
  allocations = g_allocations.load() - before;
  std::printf("alloc_test: %zu sample lines through the whole chain (%llu decisions), %llu allocations\n",
              lines.size(), (unsigned long long)decided, (unsigned long long)allocations);
  // Parsing never allocates (above). The chain only allocates when a bucket
  // remembers more distinct values than the reused pool entry has room for.
  return allocations * 1000 <= lines.size() && lines.size() > 1000 ? 0 : 1;
}
