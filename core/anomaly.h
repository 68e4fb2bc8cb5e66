// AnomalyExplanation: why the behaviour model found a client unusual, carried
// by its alert and decision to the JSON, --explain and the report. Plain
// value; the feature names are static strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace defender {

struct AnomalyExplanation {
  struct Feature {
    std::string_view name;  // e.g. "post_share"
    double value = 0;       // the client's, in the feature's unit
    double site = 0;        // the site's median for it
    double z = 0;           // how far out, in robust deviations
  };
  static constexpr int kMaxFeatures = 3;
  double score = 0;          // the anomaly score the threshold applies to
  uint32_t requests = 0;     // in the client's window so far
  int64_t window_s = 0;      // from its first request to this one
  Feature features[kMaxFeatures];  // the ones that drove the score, largest first
  int count = 0;
};

// One line for people: "score 10.6 over 5 requests in 85 s: post_share 1
// (site 0.029, z 7.5), ...".
std::string DescribeAnomaly(const AnomalyExplanation& a);

}  // namespace defender
