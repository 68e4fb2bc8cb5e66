#include "parsers/decode.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("nginx escapes are decoded") {
  std::string out;
  UnescapeNginx(R"(a\x22b\x5Cc\"d\\e\xZZ)", &out);
  CHECK(out == R"(a"b\c"d\e\xZZ)");
}

TEST_CASE("percent-decoding once, twice, and + in queries") {
  std::string out;
  PercentDecode("%2e%2E%2f%zz%4", false, &out);
  CHECK(out == "../%zz%4");
  PercentDecode("a+b%20c", true, &out);
  CHECK(out == "a b c");
  PercentDecode("a+b", false, &out);
  CHECK(out == "a+b");
  PercentDecodeRepeated("%252e%252e%252f", false, 2, &out);
  CHECK(out == "../");
  PercentDecodeRepeated("%25252e", false, 2, &out);
  CHECK(out == "%2e");
}

TEST_CASE("paths are normalised") {
  std::string out;
  NormalizePath("/a//b/./../c", &out);
  CHECK(out == "/a/c");
  NormalizePath("\\..\\..\\windows\\win.ini", &out);
  CHECK(out == "/windows/win.ini");
  NormalizePath("/../../etc/passwd", &out);
  CHECK(out == "/etc/passwd");
  NormalizePath("//.env", &out);
  CHECK(out == "/.env");
  NormalizePath("/a/b/", &out);
  CHECK(out == "/a/b/");
  NormalizePath("/a/..", &out);
  CHECK(out == "/");
  NormalizePath("/", &out);
  CHECK(out == "/");
}

TEST_CASE("lower-casing touches ASCII only") {
  std::string s = "SeLeCt \xc3\x89";
  AsciiLower(&s);
  CHECK(s == "select \xc3\x89");
}

TEST_CASE("strict percent-decoding: exact or nothing, unlike the matcher's") {
  CHECK(StrictPercentDecode("2001%3Adb8%3a%3A1") == "2001:db8::1");
  CHECK(StrictPercentDecode("a+b") == "a+b");
  CHECK(!StrictPercentDecode("1.2.3.4%"));
  CHECK(!StrictPercentDecode("1.2.3.4%4"));
  CHECK(!StrictPercentDecode("%zz"));
  std::string lenient;
  PercentDecode("%zz", false, &lenient);
  CHECK(lenient == "%zz");  // what an attacker wrote stays for the signatures
}
