#include "core/anomaly.h"

#include <fmt/format.h>

namespace defender {

std::string DescribeAnomaly(const AnomalyExplanation& a) {
  std::string out = fmt::format("score {:.1f} over {} requests in {} s:", a.score, a.requests, a.window_s);
  for (int i = 0; i < a.count; ++i) {
    const AnomalyExplanation::Feature& f = a.features[i];
    out += fmt::format("{} {} {:.3g} (site {:.3g}, z {:.1f})", i ? "," : "", f.name, f.value, f.site, f.z);
  }
  return out;
}

}  // namespace defender
