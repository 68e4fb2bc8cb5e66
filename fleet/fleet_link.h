// FleetLink: one defender-scan's connections to its fleet's Redis
// (--redis), each on a thread of its own, so that detection and /api/check
// never wait for the network.
//
// Out: Publish() queues a decision (at most kMaxQueued; past that the
// oldest is dropped and counted) and the writer sends each at once, in
// order, in one MULTI/EXEC: XADD to the stream PREFIXdecisions (trimmed to
// about kStreamLength entries) and HSET (ban) or HDEL (unban) in the hash
// of active bans PREFIXbans. While Redis is away they wait in the queue.
//
// In: the reader follows the stream (XREAD, blocking) and calls
// `on_receive` when entries came; Take() hands the pipeline what other
// nodes decided, each entry parsed and checked (ParseFleetDecision) and
// refused, counted, when it is not safe; the node's own entries are
// skipped. On connecting it reads the stream's
// last id first, then the active bans, then follows the stream from that
// id, so nothing decided in between is missed; on reconnecting it goes on
// from the last entry it read, or loads the active bans again when Redis
// lost the stream (restarted without persistence).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "fleet/fleet_decision.h"
#include "fleet/redis_url.h"

namespace defender {

struct FleetCounters {
  bool connected = false;
  uint64_t published = 0;  // sent to Redis
  uint64_t received = 0;   // other nodes' decisions taken in
  uint64_t refused = 0;    // entries that failed ParseFleetDecision
  uint64_t dropped = 0;    // queued decisions dropped when the queue was full
  uint64_t queued = 0;     // waiting to be sent now
  uint64_t reconnects = 0;
  double seconds_since_contact = -1;  // since Redis last answered; -1: never
};

class FleetLink {
 public:
  static constexpr size_t kMaxQueued = 100000;
  static constexpr size_t kStreamLength = 100000;

  // Starts the threads; they connect in the background (a Redis that is not
  // there yet is retried). `prefix` names the keys, `node` this process.
  FleetLink(RedisUrl url, std::string prefix, std::string node);
  // Called on the reader's thread after decisions were added for Take(),
  // to wake the pipeline; set_on_receive(nullptr) returns once no call is
  // under way.
  void set_on_receive(std::function<void()> fn);
  ~FleetLink();
  FleetLink(const FleetLink&) = delete;
  FleetLink& operator=(const FleetLink&) = delete;

  void Publish(FleetDecision decision);
  // Appends what was received since the last call.
  void Take(std::vector<FleetDecision>* out);
  // Waits until the first load of the active bans is done (true) or the
  // time is up (false: Redis is not reachable).
  bool WaitLoaded(std::chrono::milliseconds timeout);
  // Waits until the queue is sent (true) or the time is up.
  bool WaitSent(std::chrono::milliseconds timeout);
  FleetCounters counters() const;
  // The last connection problem ("" once connected again), and the last
  // entry refused, for warnings.
  std::string last_problem() const;
  std::string last_refusal() const;
  const std::string& node() const { return node_; }
  const RedisUrl& url() const { return url_; }

 private:
  struct Connection;
  // Connects, authenticates and selects the database; nullptr (said in
  // problem_) if Redis is not there or refuses.
  std::unique_ptr<Connection> Open();
  // Waits before the next attempt to connect; false when stopping.
  bool Backoff(std::chrono::milliseconds* delay);
  void RunReader();
  void RunWriter();
  // The stream's last id, then (if needed) the active bans.
  bool Sync(Connection& conn);
  // Reads the active bans into inbox_; false if Redis failed.
  bool LoadActive(Connection& conn);
  bool Send(Connection& conn, const FleetDecision& d);
  bool ReadStream(Connection& conn);
  // Queues one entry, parsed from `text`, for Take(), or counts its
  // refusal; true if it was taken.
  bool Receive(StatusOr<FleetDecision> d, std::string_view text);
  void Problem(std::string text);
  void Contact();

  const RedisUrl url_;
  const std::string prefix_, node_, stream_key_, bans_key_;
  std::string last_id_;  // the reader's: the last stream entry read
  std::function<void()> on_receive_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FleetDecision> queue_;
  std::vector<FleetDecision> inbox_;
  FleetCounters counters_;
  bool reader_connected_ = false, writer_connected_ = false;
  int reader_fd_ = -1;  // the reader's socket while it reads, for the destructor to shut
  std::chrono::steady_clock::time_point last_contact_{};
  bool loaded_ = false;
  bool sending_ = false;  // the queue's front is being sent
  std::string problem_, refusal_;
  bool stop_ = false;
  std::thread reader_, writer_;
};

}  // namespace defender
