#include "core/html.h"

#include <doctest/doctest.h>

#include <string>

using namespace defender;

namespace {
std::string Html(std::string_view s) {
  fmt::memory_buffer out;
  AppendHtml(out, s);
  return fmt::to_string(out);
}
}  // namespace

TEST_CASE("what a log line carries shows as text in a page") {
  CHECK(Html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(Html("\" onmouseover='x' a=&b") == "&quot; onmouseover=&#39;x&#39; a=&amp;b");
  CHECK(Html("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");  // valid UTF-8 stays
  CHECK(Html(std::string("a\0b\x1b[31m\x7f", 9)) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD[31m\xEF\xBF\xBD");
  CHECK(Html("\xC0\xBCscript\xFF") == "\xEF\xBF\xBD\xEF\xBF\xBDscript\xEF\xBF\xBD");  // overlong '<' is no '<'
  CHECK(Html("tab\there") == "tab\there");
}
