// libFuzzer target: any bytes as a log line, through every parser, the
// decoders, the --explain printer and the detector (signature caches,
// scenarios, a small client table); and as a syslog datagram. Built with -DDEFENDER_FUZZ=ON (clang,
// ASan+UBSan); ctest runs it for a bounded time.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/explain.h"
#include "core/cidr.h"
#include "detectors/detector.h"
#include "parsers/decode.h"
#include "parsers/presets.h"
#include "parsers/request_decoder.h"
#include "sources/syslog_source.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::vector<std::unique_ptr<LineParser>> parsers = [] {
    std::vector<std::unique_ptr<LineParser>> v;
    for (const char* f : {"auto", "defender", "main", "combined", "common", "json", "error",
                          R"(escape=json $remote_addr "$http_user_agent" $status)"}) {
      v.push_back(Must(NewParser(f)));
    }
    return v;
  }();
  static std::unique_ptr<Detector> detector = [] {
    DetectorOptions options;
    options.max_buckets = 4096;  // small, so that sweeps and evictions run too
    auto d = Must(Detector::Create(BuiltinScenarios(), options));
    if (!d) __builtin_trap();
    return d;
  }();
  static RequestDecoder decoder;
  static std::vector<Alert> alerts;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  LogRecord r;
  std::string scratch;
  fmt::memory_buffer out;
  for (auto& p : parsers) {
    Reject reject = p->Parse(line, &r);
    AppendExplain(out, 1, r, reject, {}, {}, {});
    out.clear();
    if (reject == Reject::kNone) {
      UnescapeNginx(r.user_agent, &scratch);
      PercentDecodeRepeated(r.query, true, 2, &scratch);
      NormalizePath(r.path, &scratch);
      alerts.clear();
      detector->Process(r, decoder, &alerts);
    }
  }
  auto a = IpAddress::Parse(line);
  if (a && IpAddress::Parse(a->ToString()) != a) __builtin_trap();  // printing round-trips
  (void)Cidr::Parse(line);
  // A datagram's message is one line, within the datagram.
  if (auto m = ParseSyslog(line)) {
    const char* end = line.data() + line.size();
    if (m->message.empty() || m->message.find('\n') != std::string_view::npos || m->message.data() < line.data() ||
        m->message.data() + m->message.size() > end) {
      __builtin_trap();
    }
  }
  return 0;
}
