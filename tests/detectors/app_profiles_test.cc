#include "detectors/app_profiles.h"

#include <doctest/doctest.h>

#include "core/log_record.h"
#include "parsers/log_format.h"
#include "parsers/request_decoder.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {
// The decoded path of a request target, as the detector gives it to the filter.
std::string DecodedPath(std::string_view target) {
  LogRecord r;
  std::string request = std::string("GET ") + std::string(target) + " HTTP/1.1";
  SplitRequest(request, &r);
  RequestDecoder decoder;
  return std::string(decoder.DecodeTarget(r).path);
}
}  // namespace

TEST_CASE("every app profile covers its app's requests and none of the attacks named with it") {
  for (const AppProfile& p : AppProfiles()) {
    auto f = Must(AppFilter::Create({std::string(p.name)}));
    CHECK_MESSAGE(!p.normal.empty(), p.name);
    CHECK_MESSAGE(!p.attacks.empty(), p.name);
    for (std::string_view path : p.normal) CHECK_MESSAGE(f->Covers(DecodedPath(path)), p.name, " must cover ", path);
    for (std::string_view path : p.attacks) {
      CHECK_MESSAGE(!f->Covers(DecodedPath(path)), p.name, " must not cover ", path);
    }
  }
}

TEST_CASE("no app profile is on by default, and an unknown one is an error naming the known ones") {
  auto none = Must(AppFilter::Create({}));
  CHECK(!none->Covers("/remote.php/dav/files/a"));
  auto refused = AppFilter::Create({"nextcloud", "wordpres"});
  CHECK(!refused.ok());
  CHECK(refused.status().message().find("unknown application 'wordpres' (known: nextcloud, jellyfin") != std::string::npos);
}
