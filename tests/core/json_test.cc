#include "core/json.h"

#include <doctest/doctest.h>

using defender::AppendJsonString;

static std::string Json(std::string_view s) {
  fmt::memory_buffer out;
  AppendJsonString(out, s);
  return fmt::to_string(out);
}

TEST_CASE("quotes, backslashes and control bytes are escaped") {
  CHECK(Json("a\"b\\c") == R"("a\"b\\c")");
  CHECK(Json("\n\t\r") == R"("\n\t\r")");
  CHECK(Json(std::string_view("\0\x01\x7f", 3)) == "\"\\u0000\\u0001\x7f\"");
}

TEST_CASE("valid UTF-8 passes and invalid bytes become U+FFFD") {
  CHECK(Json("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  CHECK(Json("\xff\xfe") == R"("\ufffd\ufffd")");
  CHECK(Json("\xc3") == R"("\ufffd")");            // cut short
  CHECK(Json("\xc0\xaf") == R"("\ufffd\ufffd")");  // overlong '/'
  CHECK(Json("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // surrogate
}
