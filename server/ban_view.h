// BanView: the active bans and threat scores as the decisions left them,
// readable from other threads while the pipeline goes on. It is a sink: the
// pipeline applies every decision to it like to the others. Readers (the
// HTTP API's /api/check) take a shared lock that a writer holds only while
// it changes one entry, so they never wait for the pipeline's work.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/cidr.h"
#include "sinks/sink.h"

namespace defender {

struct BanStatus {
  bool blocked = false;
  std::string reason;  // scenario (or operator) name; empty when not blocked
  LogTime until = 0;
  int score = 0;  // 0-100, decayed to the view's clock
};

// One active ban as the dashboard lists it.
struct BanEntry {
  Cidr target;
  std::string reason;
  LogTime since = 0, until = 0;
  int ban_count = 0;
  std::string node;  // another node of the fleet decided it; empty: this one
};

class BanView : public Sink {
 public:
  // IPv6 clients are scored per this prefix, as the detector counts them.
  explicit BanView(int ipv6_prefix) : ipv6_prefix_(ipv6_prefix) {}

  Status Apply(const Decision& decision) override;
  Status Flush() override { return Status::Ok(); }

  // The ban covering `address` (its own, its prefix's or a wider CIDR's)
  // and the score of its client.
  BanStatus Lookup(const IpAddress& address) const;
  // Every ban with what is known of it, sorted by target.
  std::vector<BanEntry> Entries() const;
  // Their targets alone.
  std::vector<Cidr> Targets() const;
  size_t size() const;
  // The pipeline's clock, which scores decay against.
  void SetClock(LogTime now) { clock_.store(now, std::memory_order_relaxed); }

 private:
  struct Ban {
    std::string reason;
    LogTime since, until;
    int ban_count;
    std::string node;
  };
  struct Score {
    int score;
    LogTime time;
  };
  Cidr ClientOf(const IpAddress& address) const;

  int ipv6_prefix_;
  std::atomic<LogTime> clock_{0};
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<Cidr, Ban> bans_;
  absl::flat_hash_map<Cidr, Score> scores_;
  // How many bans have each prefix length ([0..32] IPv4, [33..161] IPv6),
  // so a lookup tries only the lengths in use.
  std::array<uint32_t, 33 + 129> prefix_count_{};
};

}  // namespace defender
