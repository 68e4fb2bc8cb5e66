// Proves that the per-line path does not allocate: after one warm-up pass
// (buffers grow to their working size), a second pass over the same lines
// must make zero calls to operator new. Prints the count and exits non-zero
// on any allocation.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "parsers/decode.h"
#include "parsers/presets.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

using namespace defender;

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
    std::string error;
    parsers.push_back(NewParser(format, &error));
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
  return allocations == 0 ? 0 : 1;
}
