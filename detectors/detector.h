// Detector: runs each record through the signature matcher and every
// enabled scenario's filter, pours matching events into the client's
// buckets and returns the alerts of the buckets that overflowed. Compiled at
// start-up; Process() does not allocate in the steady state. Not
// thread-safe: one detector per pipeline.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"
#include "core/ban_target.h"
#include "core/client_name.h"
#include "core/log_record.h"
#include "core/status.h"
#include "detectors/app_profiles.h"
#include "detectors/behaviour_model.h"
#include "detectors/client_table.h"
#include "detectors/scenario.h"
#include "detectors/scenario_set.h"
#include "detectors/signature_matcher.h"
#include "parsers/request_decoder.h"

namespace defender {

struct DetectorOptions {
  int ipv6_prefix = 64;            // IPv6 clients are counted per this prefix
  size_t max_buckets = kDefaultMaxBuckets;
  std::vector<std::string> apps;  // app profiles whose paths kAppExemptScenarios do not count
  std::string cache_dir;          // of the compiled signature databases; empty: none (database_cache.h)
  BehaviourOptions behaviour;     // of the behaviour-anomaly scenario, when enabled
};

// The scenario the behaviour model raises (detectors/behaviour_model.h).
inline constexpr std::string_view kBehaviourScenario = "behaviour-anomaly";

struct ScenarioCounters {
  uint64_t events = 0;
  uint64_t alerts = 0;
};

class Detector {
 public:
  // kInvalid when a signature does not compile, two scenarios share a name
  // or an app profile is unknown.
  static StatusOr<std::unique_ptr<Detector>> Create(std::vector<Scenario> scenarios, DetectorOptions options);

  // Appends the alerts this record raises to *alerts. The record's fields
  // are decoded with `decoder` only as far as detection needs them.
  void Process(const LogRecord& record, RequestDecoder& decoder, std::vector<Alert>* alerts);
  // Starts fetching what Process(record) will need of its client's state;
  // for the line after the one being processed.
  void Prefetch(const LogRecord& record) const {
    // ClientOf()'s address, without making a Cidr (a tenth of the model's cost).
    if (behaviour_) behaviour_->Prefetch(ClientAddress(record.client, options_.ipv6_prefix));
  }

  // What the last Process() saw, for --explain.
  void LastSignatures(std::vector<std::string_view>* names) const;
  void LastScenarios(std::vector<std::string_view>* names) const;

  const std::vector<Scenario>& scenarios() const { return scenarios_; }
  const std::vector<ScenarioCounters>& counters() const { return counters_; }
  const ClientTable& table() const { return table_; }
  // Where the signature databases came from (SignatureMatcher::origin).
  const std::string& signature_origin() const { return matcher_->origin(); }
  uint64_t signature_scan_errors() const { return matcher_->scan_errors(); }
  ClientTable& mutable_table() { return table_; }
  // The behaviour model; nullptr when behaviour-anomaly is disabled.
  BehaviourModel* behaviour() { return behaviour_.get(); }
  const BehaviourModel* behaviour() const { return behaviour_.get(); }
  // The index of the scenario with this name, or -1.
  int ScenarioIndex(std::string_view name) const;
  // The client key of an address: itself, or its IPv6 prefix.
  Cidr ClientOf(const IpAddress& a) const {
    return ClientTarget(a, options_.ipv6_prefix);
  }

 private:
  Detector(std::vector<Scenario> scenarios, DetectorOptions options);
  // The scenarios whose kind, status and method filters `r` passes.
  ScenarioSet FilterMask(const LogRecord& r);
  // The rest of a scenario's filter: its special condition, and the field
  // match of a custom rule.
  bool PassesSpecial(EventFilter::Special special, const LogRecord& r) const;
  bool MatchesField(const EventFilter& f, const LogRecord& r, RequestDecoder& decoder) const;
  // Counts the line in the client's behaviour window; an alert if it stood out.
  void ObserveBehaviour(const LogRecord& r, const Cidr& client, RequestDecoder& decoder, std::vector<Alert>* alerts);

  std::vector<Scenario> scenarios_;
  DetectorOptions options_;
  std::unique_ptr<SignatureMatcher> matcher_;
  std::unique_ptr<AppFilter> apps_;
  ScenarioSet app_exempt_;  // scenarios that do not count an app's own paths (when apps_ has any)
  std::vector<ScenarioSet> rule_scenario_;  // signature id -> its scenario
  ScenarioSet signature_only_;              // scenarios that need a signature
  ScenarioSet kind_mask_[kEventKinds];      // EventKind -> enabled scenarios that count it
  std::vector<ScenarioSet> status_mask_;    // status 0-999 -> scenarios that count it (0: none)
  std::vector<ScenarioSet> give_back_mask_;  // status 0-999 -> scenarios it gives a token back to
  std::vector<size_t> method_filtered_;     // scenarios that count some methods only
  uint64_t method_key_ = 0;                 // FilterMask's cache of the last method
  ScenarioSet method_mask_;
  ClientTable table_;
  std::unique_ptr<BehaviourModel> behaviour_;
  int behaviour_index_ = -1;
  std::vector<ScenarioCounters> counters_;
  // Per line:
  const SignatureHits* hits_ = nullptr;
  ScenarioSet signature_scenarios_;  // scenarios one of whose signatures matched
  ScenarioSet counted_;              // scenarios the last line was counted in
};

}  // namespace defender
