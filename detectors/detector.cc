#include "detectors/detector.h"

#include <re2/re2.h>

#include <fmt/format.h>

#include "core/caseless.h"
#include "core/client_name.h"

namespace defender {

namespace {

bool IsJunkRequest(const LogRecord& r) {
  if (r.method.empty()) return true;  // "-", TLS bytes, a bare path
  if (r.status == 414) return true;   // a target too long: worms, overflow attempts
  if (r.protocol.empty()) return false;  // HTTP/0.9 style "GET /"
  return r.protocol != "HTTP/1.1" && r.protocol != "HTTP/1.0" && r.protocol != "HTTP/2.0" &&
         r.protocol != "HTTP/3.0" && r.protocol != "HTTP/2" && r.protocol != "HTTP/3";
}

bool IsProxyRequest(const LogRecord& r) {
  if (r.method == "CONNECT") return true;
  if (r.path.empty() || r.path[0] == '/') return false;  // most targets
  auto starts = [&](std::string_view p) {
    return r.path.size() >= p.size() && CaselessContains(r.path.substr(0, p.size()), p);
  };
  return starts("http://") || starts("https://");
}

// An escaped '%' in the target: "%25", or a '%' followed by another escape
// ("%%32%65", which decodes to "%2e").
bool IsEncodedTwice(const LogRecord& r) {
  for (std::string_view v : {r.path, r.query}) {
    for (size_t i = v.find('%'); i != std::string_view::npos && i + 2 < v.size(); i = v.find('%', i + 1)) {
      if (v[i + 1] == '%' || (v[i + 1] == '2' && v[i + 2] == '5')) return true;
    }
  }
  return false;
}

// The bucket key of a client's path (BucketSettings::per_path): the
// client's address with the path's hash in bits the client key never uses
// (an IPv4 address's mapped prefix, an IPv6 prefix's interface id).
IpAddress PathKey(const IpAddress& client, uint32_t path_hash) {
  std::array<uint8_t, 16> bytes = client.bytes();
  const size_t at = client.is_v4() ? 0 : 12;
  for (size_t i = 0; i < 4; ++i) bytes[at + i] ^= uint8_t(path_hash >> (8 * i));
  return IpAddress::FromBytes(bytes);
}

}  // namespace

Detector::Detector(std::vector<Scenario> scenarios, DetectorOptions options)
    : scenarios_(std::move(scenarios)), options_(options), table_(options.max_buckets),
      counters_(scenarios_.size()) {
  status_mask_.assign(1000, ScenarioSet());
  give_back_mask_.assign(1000, ScenarioSet());
  for (size_t i = 0; i < scenarios_.size(); ++i) {
    const EventFilter& f = scenarios_[i].filter;
    const ScenarioSet bit = ScenarioSet::Of(i);
    if (f.signature) signature_only_ |= bit;
    if (!scenarios_[i].settings.enabled) continue;  // in no mask: never a candidate
    if (!f.methods.empty()) method_filtered_.push_back(i);
    for (size_t k = 0; k < std::size(kind_mask_); ++k) {
      if (f.kinds & (1u << k)) kind_mask_[k] |= bit;
    }
    for (size_t status = 0; status < status_mask_.size(); ++status) {
      if (f.statuses.empty() || std::find(f.statuses.begin(), f.statuses.end(), int(status)) != f.statuses.end()) {
        status_mask_[status] |= bit;
      }
      if (std::find(f.give_back_statuses.begin(), f.give_back_statuses.end(), int(status)) != f.give_back_statuses.end()) {
        give_back_mask_[status] |= bit;
      }
    }
  }
}

StatusOr<std::unique_ptr<Detector>> Detector::Create(std::vector<Scenario> scenarios, DetectorOptions options) {
  if (scenarios.size() > kMaxScenarios) {
    return Status::Invalid(fmt::format("at most {} scenarios ({} built in)", kMaxScenarios, BuiltinScenarios().size()));
  }
  for (size_t i = 0; i < scenarios.size(); ++i) {
    for (size_t k = 0; k < i; ++k) {
      if (scenarios[i].name == scenarios[k].name) {
        return Status::Invalid(fmt::format("two scenarios are named '{}'", scenarios[i].name));
      }
    }
  }
  std::unique_ptr<Detector> d(new Detector(std::move(scenarios), options));
  auto matcher = SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), d->options_.cache_dir);
  if (!matcher.ok()) return matcher.status();
  d->matcher_ = std::move(*matcher);
  auto apps = AppFilter::Create(d->options_.apps);
  if (!apps.ok()) return apps.status();
  d->apps_ = std::move(*apps);
  if (!d->options_.apps.empty()) {
    for (std::string_view name : kAppExemptScenarios) {
      if (int i = d->ScenarioIndex(name); i >= 0) d->app_exempt_ |= ScenarioSet::Of(size_t(i));
    }
  }
  if (int i = d->ScenarioIndex(kBehaviourScenario); i >= 0 && d->scenarios_[size_t(i)].settings.enabled) {
    d->behaviour_index_ = i;
    d->behaviour_ = std::make_unique<BehaviourModel>(d->options_.behaviour);
  }
  for (uint16_t id = 0; id < d->matcher_->size(); ++id) {
    const int i = d->ScenarioIndex(d->matcher_->scenario(id));
    d->rule_scenario_.push_back(i >= 0 ? ScenarioSet::Of(size_t(i)) : ScenarioSet());
  }
  return d;
}

int Detector::ScenarioIndex(std::string_view name) const {
  for (size_t i = 0; i < scenarios_.size(); ++i) {
    if (scenarios_[i].name == name) return int(i);
  }
  return -1;
}

[[gnu::always_inline]] inline ScenarioSet Detector::FilterMask(const LogRecord& r) {
  ScenarioSet mask = kind_mask_[uint8_t(r.kind)];
  if (r.kind != EventKind::kRequest) return mask;  // statuses and methods are about requests
  mask &= r.status >= 0 && size_t(r.status) < status_mask_.size() ? status_mask_[size_t(r.status)]
                                                                  : status_mask_[0];
  // Methods repeat (GET, GET, POST, GET...): the mask of the last one is kept,
  // keyed by its length and bytes packed in a word (0: empty or longer than
  // 7, not kept).
  uint64_t key = 0;
  if (!r.method.empty() && r.method.size() <= 7) {
    for (size_t i = 0; i < r.method.size(); ++i) key |= uint64_t(uint8_t(r.method[i])) << (8 * i);
    key |= uint64_t(r.method.size()) << 56;
  }
  if (key == 0 || key != method_key_) {
    method_key_ = key;
    method_mask_ = ScenarioSet::All();
    for (size_t i : method_filtered_) {  // the few scenarios that name methods
      const auto& methods = scenarios_[i].filter.methods;
      if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) method_mask_ &= ~ScenarioSet::Of(i);
    }
  }
  mask &= method_mask_;
  return mask;
}

inline bool Detector::PassesSpecial(EventFilter::Special special, const LogRecord& r) const {
  switch (special) {
    case EventFilter::Special::kNone: return true;
    case EventFilter::Special::kNonStatic: return !matcher_->facts().is_static && !r.method.empty();
    case EventFilter::Special::kJunkRequest: return IsJunkRequest(r);
    case EventFilter::Special::kProxyRequest: return IsProxyRequest(r);
    case EventFilter::Special::kWithQuery: return !r.query.empty();
    case EventFilter::Special::kEncodedTwice: return IsEncodedTwice(r);
  }
  return true;
}

bool Detector::MatchesField(const EventFilter& f, const LogRecord& r, RequestDecoder& decoder) const {
  std::string_view v;
  switch (f.field) {  // custom rules only, so decoding again is rare
    case EventFilter::Field::kNone: return true;
    case EventFilter::Field::kUri: v = decoder.DecodeTarget(r).uri; break;
    case EventFilter::Field::kPath: v = decoder.DecodeTarget(r).path; break;
    case EventFilter::Field::kQuery: {
      const std::string_view uri = decoder.DecodeTarget(r).uri;
      size_t q = uri.find('?');
      v = q == std::string_view::npos ? std::string_view() : uri.substr(q + 1);
      break;
    }
    case EventFilter::Field::kUserAgent: v = decoder.DecodeHeaders(r).user_agent; break;
    case EventFilter::Field::kReferer: v = decoder.DecodeHeaders(r).referer; break;
    case EventFilter::Field::kMethod: v = r.method; break;
    case EventFilter::Field::kHost: v = r.host; break;
  }
  if (f.regex && !RE2::PartialMatch(v, *f.regex)) return false;
  if (!f.literals.empty()) {
    bool any = false;
    for (const auto& lit : f.literals) any = any || CaselessContains(v, lit);
    if (!any) return false;
  }
  return true;
}

void Detector::Process(const LogRecord& r, RequestDecoder& decoder, std::vector<Alert>* alerts) {
  const Cidr client = ClientOf(r.client);
  const ScenarioSet filtered = FilterMask(r);
  if (r.kind == EventKind::kRequest && r.status >= 0 && size_t(r.status) < give_back_mask_.size()) {
    // FilterMask has just set method_mask_ for this method.
    ScenarioSet give_back = give_back_mask_[size_t(r.status)] & kind_mask_[uint8_t(r.kind)] & method_mask_;
    give_back.ForEach([&](size_t i) { table_.GiveBack(client.address(), uint16_t(i), scenarios_[i].settings, r.time); });
  }
  // The client's buckets are far apart in a large table: start fetching the
  // ones this line will likely pour into now, so that the signature scan
  // runs while they arrive.
  table_.Prefetch(client.address(), filtered & ~signature_only_);
  if (behaviour_) behaviour_->Prefetch(client.address());  // a line ahead too when read ahead (Prefetch below)
  hits_ = &matcher_->Scan(r, decoder);
  signature_scenarios_ = ScenarioSet();
  for (int i = 0; i < hits_->count; ++i) signature_scenarios_ |= rule_scenario_[hits_->ids[i]];
  const SignatureMatcher::RequestFacts& facts = matcher_->facts();
  counted_ = ScenarioSet();
  // Masks leave the enabled scenarios whose kind, status and method fit and,
  // for signature-driven ones, one of whose rules matched: a handful a line.
  ScenarioSet candidates = (~signature_only_ | signature_scenarios_) & filtered;
  if (candidates.intersects(app_exempt_) && apps_->Covers(decoder.DecodeTarget(r).path)) candidates &= ~app_exempt_;
  candidates.ForEach([&](size_t i) {
    const Scenario& s = scenarios_[i];
    if (!PassesSpecial(s.filter.special, r)) return;
    if (s.filter.field != EventFilter::Field::kNone && !MatchesField(s.filter, r, decoder)) return;
    uint32_t distinct = 0;
    switch (s.settings.distinct) {
      case Distinct::kNone: break;
      case Distinct::kUri: distinct = facts.uri_hash; break;
      case Distinct::kPath: distinct = facts.path_hash; break;
      case Distinct::kUserAgent: distinct = facts.user_agent_hash; break;
      case Distinct::kQuery: distinct = DistinctHash(r.query); break;  // as logged: a random one is new either way
    }
    auto result = table_.Pour(s.settings.per_path ? PathKey(client.address(), facts.path_hash) : client.address(),
                              uint16_t(i), s.settings, r.time, distinct);
    if (!result.counted) return;
    counted_ |= ScenarioSet::Of(i);
    ++counters_[i].events;
    if (result.overflow) {
      ++counters_[i].alerts;
      alerts->push_back(Alert{s.name, r.client, client, r.time, result.poured, s.settings.ban_s,
                              s.settings.severity, s.settings.simulate, ClaimedCrawler(r.user_agent),
                              r.client_name});
    }
  });
  if (behaviour_ && r.kind == EventKind::kRequest) ObserveBehaviour(r, client, decoder, alerts);
}

void Detector::ObserveBehaviour(const LogRecord& r, const Cidr& client, RequestDecoder& decoder,
                                std::vector<Alert>* alerts) {
  const SignatureMatcher::RequestFacts& facts = matcher_->facts();
  BehaviourEvent e;
  e.time = r.time;
  e.status = r.status;
  e.post = r.method == "POST";
  e.is_static = facts.is_static;
  e.app = !options_.apps.empty() && apps_->Covers(decoder.DecodeTarget(r).path);
  e.path_hash = facts.path_hash;
  e.user_agent_hash = facts.user_agent_hash;
  e.referrer_hash = facts.referrer_hash;
  bool app_window = false;
  const AnomalyExplanation* why = behaviour_->Observe(client.address(), e, &app_window);
  if (why == nullptr) return;
  const Scenario& s = scenarios_[size_t(behaviour_index_)];
  ++counters_[size_t(behaviour_index_)].alerts;
  counted_ |= ScenarioSet::Of(size_t(behaviour_index_));
  // The further out, the more it weighs in the threat score.
  const int severity = std::clamp(int(std::lround(s.settings.severity * why->score / behaviour_->options().threshold)), 1, 100);
  // Never a ban for an app's own traffic. A client that says it is a
  // search engine's crawler is left to the decision engine, which bans it
  // only if its claim can be checked and fails.
  Alert a{s.name, r.client, client, r.time, why->requests, s.settings.ban_s, severity,
          s.settings.simulate || app_window, ClaimedCrawler(r.user_agent), r.client_name};
  a.anomaly = why;
  alerts->push_back(a);
}

void Detector::LastSignatures(std::vector<std::string_view>* names) const {
  names->clear();
  if (!hits_) return;
  for (int i = 0; i < hits_->count; ++i) names->push_back(matcher_->name(hits_->ids[i]));
}

void Detector::LastScenarios(std::vector<std::string_view>* names) const {
  names->clear();
  counted_.ForEach([&](size_t i) { names->push_back(scenarios_[i].name); });
}

}  // namespace defender
