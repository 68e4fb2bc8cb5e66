#include "core/prometheus_text.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a family's HELP and TYPE lines, then its samples, named defender_*") {
  std::string out;
  PrometheusText m(&out);
  m.Family("active_bans", "gauge", "Bans in force.");
  m.Sample("active_bans", 3);
  m.Sample("sum_seconds", 0.25);
  CHECK(out ==
        "# HELP defender_active_bans Bans in force.\n"
        "# TYPE defender_active_bans gauge\n"
        "defender_active_bans 3\n"
        "defender_sum_seconds 0.25\n");
}

TEST_CASE("label values are escaped as the text format wants: backslash, quote, line feed") {
  std::string out;
  PrometheusText m(&out);
  m.Sample("alerts_total", 7, {{"scenario", "a\"b\\c\nd"}, {"code", "2xx"}});
  CHECK(out == "defender_alerts_total{scenario=\"a\\\"b\\\\c\\nd\",code=\"2xx\"} 7\n");
}
