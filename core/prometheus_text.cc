#include "core/prometheus_text.h"

namespace defender {

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(*out_), "# HELP defender_{0} {2}\n# TYPE defender_{0} {1}\n", name, type, help);
}

void PrometheusText::Name(std::string_view name, Labels labels) {
  out_->append("defender_").append(name);
  if (labels.size() == 0) return;
  char sep = '{';
  for (const auto& [label, value] : labels) {
    out_->push_back(sep);
    out_->append(label).append("=\"");
    for (char c : value) {
      if (c == '\\' || c == '"') {
        out_->push_back('\\');
        out_->push_back(c);
      } else if (c == '\n') {
        out_->append("\\n");
      } else {
        out_->push_back(c);
      }
    }
    out_->push_back('"');
    sep = ',';
  }
  out_->push_back('}');
}

}  // namespace defender
