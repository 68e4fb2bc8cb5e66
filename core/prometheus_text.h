// PrometheusText: writes the Prometheus text exposition format (0.0.4) that
// /metrics answers with, for the pipeline's counters and the API's alike:
// each family's HELP and TYPE lines, then its samples, every name prefixed
// with "defender_" and label values escaped as the format wants (backslash,
// double quote, line feed). Appends to a string it does not own. Not
// thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace defender {

class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  explicit PrometheusText(std::string* out) : out_(out) {}

  // `type` is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  template <typename Value>
  void Sample(std::string_view name, Value value, Labels labels = {}) {
    Name(name, labels);
    fmt::format_to(std::back_inserter(*out_), " {}\n", value);
  }

 private:
  void Name(std::string_view name, Labels labels);

  std::string* out_;
};

}  // namespace defender
