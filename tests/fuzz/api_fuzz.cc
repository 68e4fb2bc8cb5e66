// libFuzzer target: any bytes as an API request (method, target, one
// header and a body, split at the first two newlines) through Api::Handle,
// from a trusted peer: JSON bodies, addresses, durations, %-escapes, query
// strings and the signature check of X-Original-URI. Tasks the API posts
// for the pipeline are dropped. Built with -DDEFENDER_FUZZ=ON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "detectors/signature_rules.h"
#include "server/api.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

struct Service {
  BanView view{64};
  TaskQueue tasks;
  Allowlist allowlist{{}, {}};
  std::unique_ptr<Api> api;
  Service() {
    auto matcher = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
    std::vector<bool> refusing(matcher->size(), true);
    api = std::make_unique<Api>(ApiOptions{}, &view, &tasks, &allowlist, std::move(matcher), std::move(refusing));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Service service;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto take_line = [&in] {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return line;
  };
  static constexpr http::verb kVerbs[] = {http::verb::get, http::verb::post, http::verb::delete_, http::verb::head};
  http::verb verb = kVerbs[size > 0 ? data[0] % 4 : 0];
  if (!in.empty()) in.remove_prefix(1);
  std::string_view target = take_line();
  std::string_view header = take_line();
  HttpRequest request{verb, std::string(target.empty() ? "/" : target), 11};
  if (size_t colon = header.find(':'); colon != std::string_view::npos && colon > 0) {
    request.set(std::string(header.substr(0, colon)), std::string(header.substr(colon + 1)));
  }
  request.body() = std::string(in);
  service.api->Handle(request, *IpAddress::Parse("127.0.0.1"), [](HttpResponse r) {
    if (r.result_int() < 200 || r.result_int() > 499) __builtin_trap();  // every answer is a 2xx-4xx
  });
  struct Drop : PipelineControl {
    Decision Block(const Cidr&, std::string_view, int64_t) override { return {}; }
    bool Unblock(const Cidr&) override { return false; }
    StatusOr<AnalyzeResult> Analyze(std::string_view, std::optional<IpAddress>) override { return AnalyzeResult(); }
    void AppendMetrics(std::string*) override {}
    void AppendActivity(std::string* out) override { out->append("{}"); }
    LogTime Clock() const override { return 0; }
  } drop;
  service.tasks.RunPending(drop);  // answers built from empty results: still well-formed
  return 0;
}
