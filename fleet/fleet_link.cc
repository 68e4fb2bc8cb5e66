#include "fleet/fleet_link.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include <fmt/format.h>

namespace defender {

namespace {

using Reply = std::unique_ptr<redisReply, void (*)(void*)>;

Reply NoReply() { return Reply(nullptr, freeReplyObject); }

// A stream entry id "MS-SEQ" as a pair; {0, 0} for anything else.
std::pair<uint64_t, uint64_t> StreamId(std::string_view id) {
  const size_t dash = id.find('-');
  uint64_t ms = 0, seq = 0;
  if (dash == std::string_view::npos ||
      std::from_chars(id.data(), id.data() + dash, ms).ec != std::errc() ||
      std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq).ec != std::errc()) {
    return {0, 0};
  }
  return {ms, seq};
}

std::string_view Text(const redisReply* r) {
  return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR)
             ? std::string_view(r->str, r->len)
             : std::string_view();
}

LogTime WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct FleetLink::Connection {
  redisContext* context = nullptr;
  ~Connection() {
    if (context) redisFree(context);
  }
  // One command; nullptr when the connection failed (it is then unusable).
  Reply Command(std::initializer_list<std::string_view> args) {
    Append(args);
    return Get();
  }
  void Append(std::initializer_list<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (std::string_view a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(context, int(argv.size()), argv.data(), lengths.data());
  }
  Reply Get() {
    void* reply = nullptr;
    if (redisGetReply(context, &reply) != REDIS_OK) return NoReply();
    return Reply(static_cast<redisReply*>(reply), freeReplyObject);
  }
  std::string error() const { return context && context->err ? context->errstr : "no answer"; }
};

FleetLink::FleetLink(RedisUrl url, std::string prefix, std::string node)
    : url_(std::move(url)), prefix_(std::move(prefix)), node_(std::move(node)),
      stream_key_(prefix_ + "decisions"), bans_key_(prefix_ + "bans") {
  thread_ = std::thread([this] { Run(); });
}

FleetLink::~FleetLink() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FleetLink::Publish(FleetDecision decision) {
  std::lock_guard lock(mu_);
  if (queue_.size() >= kMaxQueued) {
    queue_.erase(queue_.begin() + (sending_ ? 1 : 0));  // the oldest not being sent
    ++counters_.dropped;
  }
  queue_.push_back(std::move(decision));
}

void FleetLink::Take(std::vector<FleetDecision>* out) {
  std::lock_guard lock(mu_);
  if (inbox_.empty()) return;
  std::move(inbox_.begin(), inbox_.end(), std::back_inserter(*out));
  inbox_.clear();
}

bool FleetLink::WaitLoaded(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return loaded_; });
}

bool FleetLink::WaitSent(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return queue_.empty() && !sending_; });
}

FleetCounters FleetLink::counters() const {
  std::lock_guard lock(mu_);
  FleetCounters c = counters_;
  c.queued = queue_.size();
  if (last_contact_ != std::chrono::steady_clock::time_point()) {
    c.seconds_since_contact = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_contact_).count();
  }
  return c;
}

std::string FleetLink::last_problem() const {
  std::lock_guard lock(mu_);
  return problem_;
}

void FleetLink::Problem(std::string text) {
  std::lock_guard lock(mu_);
  problem_ = std::move(text);
}

void FleetLink::Run() {
  auto backoff = std::chrono::milliseconds(100);
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!conn_) {
      lock.unlock();
      const bool connected = Connect();
      lock.lock();
      if (!connected) {
        conn_.reset();
        cv_.wait_for(lock, backoff, [&] { return stop_; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        continue;
      }
      backoff = std::chrono::milliseconds(100);
    }
    const bool idle = queue_.empty();
    lock.unlock();
    // Waiting for other nodes' entries at most 100 ms is what a decision
    // of this node waits before it is sent.
    const bool ok = SendQueued() && ReadStream(idle ? 100 : -1);
    lock.lock();
    if (ok) {
      last_contact_ = std::chrono::steady_clock::now();
    } else {
      Drop();
    }
  }
}

void FleetLink::Drop() {  // with mu_ held
  conn_.reset();
  sending_ = false;
  counters_.connected = false;
  cv_.notify_all();
}

bool FleetLink::Connect() {
  auto conn = std::make_unique<Connection>();
  const timeval connect_timeout{1, 0};
  conn->context = url_.unix_path.empty()
                      ? redisConnectWithTimeout(url_.host.c_str(), url_.port, connect_timeout)
                      : redisConnectUnixWithTimeout(url_.unix_path.c_str(), connect_timeout);
  if (!conn->context || conn->context->err) {
    Problem(fmt::format("cannot reach Redis at {}: {}", url_.Display(), conn->error()));
    return false;
  }
  redisSetTimeout(conn->context, timeval{2, 0});
  redisEnableKeepAlive(conn->context);
  conn_ = std::move(conn);
  auto expect_ok = [&](Reply reply, std::string_view what) {
    if (reply && reply->type != REDIS_REPLY_ERROR) return true;
    Problem(fmt::format("Redis at {} refused {}: {}", url_.Display(), what,
                        reply ? std::string(Text(reply.get())) : conn_->error()));
    return false;
  };
  if (!url_.password.empty()) {
    Reply reply = url_.user.empty() ? conn_->Command({"AUTH", url_.password})
                                    : conn_->Command({"AUTH", url_.user, url_.password});
    if (!expect_ok(std::move(reply), "the password")) return false;
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    if (!expect_ok(conn_->Command({"SELECT", db}), "the database")) return false;
  }
  // The stream's last id before the active bans: what is added after it
  // comes through the stream, even if it is in the hash too.
  Reply last = conn_->Command({"XREVRANGE", stream_key_, "+", "-", "COUNT", "1"});
  if (!last || last->type != REDIS_REPLY_ARRAY) {
    expect_ok(std::move(last), "XREVRANGE");
    return false;
  }
  std::string last_id = "0-0";
  if (last->elements == 1 && last->element[0]->type == REDIS_REPLY_ARRAY && last->element[0]->elements == 2) {
    last_id = std::string(Text(last->element[0]->element[0]));
  }
  // First contact, or Redis lost the stream (its last id is behind ours):
  // load the active bans. Otherwise the stream has what was missed.
  if (last_id_.empty() || StreamId(last_id) < StreamId(last_id_)) {
    if (!LoadActive()) return false;
    last_id_ = last_id;
  }
  std::lock_guard lock(mu_);
  if (loaded_) ++counters_.reconnects;
  loaded_ = true;
  counters_.connected = true;
  last_contact_ = std::chrono::steady_clock::now();
  problem_.clear();
  cv_.notify_all();
  return true;
}

bool FleetLink::LoadActive() {
  Reply all = conn_->Command({"HGETALL", bans_key_});
  if (!all || all->type != REDIS_REPLY_ARRAY) return false;
  const LogTime now = WallNow();
  std::vector<std::string> ended;
  for (size_t i = 0; i + 1 < all->elements; i += 2) {
    const std::string_view value = Text(all->element[i + 1]);
    auto d = ParseFleetDecision(value);
    if (d.ok() && d->until <= now) {
      ended.emplace_back(Text(all->element[i]));  // tidied away by whoever sees it first
      continue;
    }
    Receive(value);
  }
  for (const std::string& field : ended) {
    if (!conn_->Command({"HDEL", bans_key_, field})) return false;
  }
  return true;
}

bool FleetLink::SendQueued() {
  while (true) {
    FleetDecision d;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() || stop_) return true;
      d = queue_.front();
      sending_ = true;
    }
    const std::string text = FormatFleetDecision(d);
    const std::string target = d.target.ToString();
    const std::string length = std::to_string(kStreamLength);
    conn_->Append({"MULTI"});
    conn_->Append({"XADD", stream_key_, "MAXLEN", "~", length, "*", "d", text});
    if (d.ban) {
      conn_->Append({"HSET", bans_key_, target, text});
    } else {
      conn_->Append({"HDEL", bans_key_, target});
    }
    conn_->Append({"EXEC"});
    bool ok = true;
    for (int i = 0; i < 4; ++i) {
      Reply reply = conn_->Get();
      if (!reply) return false;
      if (i == 3 && reply->type != REDIS_REPLY_ARRAY) ok = false;
    }
    if (!ok) {
      Problem(fmt::format("Redis at {} did not take a decision (EXEC failed)", url_.Display()));
      return false;
    }
    std::lock_guard lock(mu_);
    queue_.pop_front();
    sending_ = false;
    ++counters_.published;
    cv_.notify_all();
  }
}

bool FleetLink::ReadStream(int block_ms) {
  const std::string block = std::to_string(block_ms);
  Reply reply = block_ms >= 0
                    ? conn_->Command({"XREAD", "COUNT", "1000", "BLOCK", block, "STREAMS", stream_key_, last_id_})
                    : conn_->Command({"XREAD", "COUNT", "1000", "STREAMS", stream_key_, last_id_});
  if (!reply) return false;
  if (reply->type == REDIS_REPLY_NIL) return true;  // nothing new
  if (reply->type != REDIS_REPLY_ARRAY) {
    Problem(fmt::format("Redis at {}: XREAD: {}", url_.Display(), Text(reply.get())));
    return false;
  }
  for (size_t s = 0; s < reply->elements; ++s) {
    const redisReply* stream = reply->element[s];
    if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2) continue;
    const redisReply* entries = stream->element[1];
    if (entries->type != REDIS_REPLY_ARRAY) continue;
    for (size_t e = 0; e < entries->elements; ++e) {
      const redisReply* entry = entries->element[e];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
      last_id_ = std::string(Text(entry->element[0]));
      const redisReply* fields = entry->element[1];
      std::string_view text;
      bool found = false;
      for (size_t f = 0; fields->type == REDIS_REPLY_ARRAY && f + 1 < fields->elements; f += 2) {
        if (Text(fields->element[f]) == "d" && !found) {
          text = Text(fields->element[f + 1]);
          found = true;
        }
      }
      Receive(found ? text : std::string_view("(an entry without its d field)"));
    }
  }
  return true;
}

void FleetLink::Receive(std::string_view text) {
  auto d = ParseFleetDecision(text);
  std::lock_guard lock(mu_);
  if (!d.ok()) {
    ++counters_.refused;
    problem_ = fmt::format("refused a decision read from Redis ({}): {:.120}", d.status().message(), text);
    return;
  }
  if (d->node == node_) return;  // this node's own
  ++counters_.received;
  inbox_.push_back(std::move(*d));
}

}  // namespace defender
