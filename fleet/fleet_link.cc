#include "fleet/fleet_link.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

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
  reader_ = std::thread([this] { RunReader(); });
  writer_ = std::thread([this] { RunWriter(); });
}

FleetLink::~FleetLink() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (reader_fd_ >= 0) shutdown(reader_fd_, SHUT_RDWR);  // ends a blocking XREAD now
  }
  cv_.notify_all();
  reader_.join();
  writer_.join();
}

void FleetLink::set_on_receive(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  on_receive_ = std::move(fn);
}

void FleetLink::Publish(FleetDecision decision) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      queue_.erase(queue_.begin() + (sending_ ? 1 : 0));  // the oldest not being sent
      ++counters_.dropped;
    }
    queue_.push_back(std::move(decision));
  }
  cv_.notify_all();
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
  c.connected = reader_connected_ && writer_connected_;
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

std::string FleetLink::last_refusal() const {
  std::lock_guard lock(mu_);
  return refusal_;
}

void FleetLink::Problem(std::string text) {
  std::lock_guard lock(mu_);
  problem_ = std::move(text);
}

void FleetLink::Contact() {
  std::lock_guard lock(mu_);
  last_contact_ = std::chrono::steady_clock::now();
}

bool FleetLink::Backoff(std::chrono::milliseconds* delay) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, *delay, [&] { return stop_; });
  *delay = std::min(*delay * 2, std::chrono::milliseconds(2000));
  return !stop_;
}

std::unique_ptr<FleetLink::Connection> FleetLink::Open() {
  auto conn = std::make_unique<Connection>();
  const timeval connect_timeout{1, 0};
  conn->context = url_.unix_path.empty()
                      ? redisConnectWithTimeout(url_.host.c_str(), url_.port, connect_timeout)
                      : redisConnectUnixWithTimeout(url_.unix_path.c_str(), connect_timeout);
  if (!conn->context || conn->context->err) {
    Problem(fmt::format("cannot reach Redis at {}: {}", url_.Display(), conn->error()));
    return nullptr;
  }
  redisSetTimeout(conn->context, timeval{3, 0});  // more than the reader's XREAD block
  redisEnableKeepAlive(conn->context);
  auto refused = [&](const Reply& reply, std::string_view what) {
    if (reply && reply->type != REDIS_REPLY_ERROR) return false;
    Problem(fmt::format("Redis at {} refused {}: {}", url_.Display(), what,
                        reply ? std::string(Text(reply.get())) : conn->error()));
    return true;
  };
  if (!url_.password.empty()) {
    Reply reply = url_.user.empty() ? conn->Command({"AUTH", url_.password})
                                    : conn->Command({"AUTH", url_.user, url_.password});
    if (refused(reply, "the password")) return nullptr;
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    if (refused(conn->Command({"SELECT", db}), "the database")) return nullptr;
  }
  return conn;
}

void FleetLink::RunReader() {
  auto delay = std::chrono::milliseconds(100);
  while (true) {
    std::unique_ptr<Connection> conn = Open();
    if (conn && Sync(*conn)) {
      delay = std::chrono::milliseconds(100);
      {
        std::lock_guard lock(mu_);
        if (loaded_) ++counters_.reconnects;
        loaded_ = reader_connected_ = true;
        problem_.clear();
      }
      cv_.notify_all();
      Contact();
      {
        std::lock_guard lock(mu_);
        reader_fd_ = conn->context->fd;
      }
      while (ReadStream(*conn)) Contact();
      std::lock_guard lock(mu_);
      reader_connected_ = false;
      reader_fd_ = -1;
    }
    if (!Backoff(&delay)) return;
  }
}

void FleetLink::RunWriter() {
  auto delay = std::chrono::milliseconds(100);
  while (true) {
    std::unique_ptr<Connection> conn = Open();
    if (conn) {
      delay = std::chrono::milliseconds(100);
      std::unique_lock lock(mu_);
      writer_connected_ = true;
      while (true) {
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        FleetDecision d = queue_.front();
        sending_ = true;
        lock.unlock();
        const bool sent = Send(*conn, d);
        lock.lock();
        sending_ = false;
        if (!sent) break;
        queue_.pop_front();
        ++counters_.published;
        last_contact_ = std::chrono::steady_clock::now();
        cv_.notify_all();
      }
      writer_connected_ = false;
      cv_.notify_all();
    }
    if (!Backoff(&delay)) return;
  }
}

bool FleetLink::Sync(Connection& conn) {
  // The stream's last id before the active bans: what is added after it
  // comes through the stream, even if it is in the hash too.
  Reply last = conn.Command({"XREVRANGE", stream_key_, "+", "-", "COUNT", "1"});
  if (!last || last->type != REDIS_REPLY_ARRAY) {
    Problem(fmt::format("Redis at {}: XREVRANGE: {}", url_.Display(), last ? Text(last.get()) : conn.error()));
    return false;
  }
  std::string last_id = "0-0";
  if (last->elements == 1 && last->element[0]->type == REDIS_REPLY_ARRAY && last->element[0]->elements == 2) {
    last_id = std::string(Text(last->element[0]->element[0]));
  }
  // First contact, or Redis lost the stream (its last id is behind ours):
  // load the active bans. Otherwise the stream has what was missed.
  if (last_id_.empty() || StreamId(last_id) < StreamId(last_id_)) {
    if (!LoadActive(conn)) return false;
    last_id_ = last_id;
  }
  return true;
}

bool FleetLink::LoadActive(Connection& conn) {
  Reply all = conn.Command({"HGETALL", bans_key_});
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
    Receive(std::move(d), value);
  }
  for (const std::string& field : ended) {
    if (!conn.Command({"HDEL", bans_key_, field})) return false;
  }
  return true;
}

bool FleetLink::Send(Connection& conn, const FleetDecision& d) {
  const std::string text = FormatFleetDecision(d);
  const std::string target = d.target.ToString();
  const std::string length = std::to_string(kStreamLength);
  conn.Append({"MULTI"});
  conn.Append({"XADD", stream_key_, "MAXLEN", "~", length, "*", "d", text});
  if (d.ban) {
    conn.Append({"HSET", bans_key_, target, text});
  } else {
    conn.Append({"HDEL", bans_key_, target});
  }
  conn.Append({"EXEC"});
  bool ok = true;
  for (int i = 0; i < 4; ++i) {
    Reply reply = conn.Get();
    if (!reply) {
      Problem(fmt::format("Redis at {}: {}", url_.Display(), conn.error()));
      return false;
    }
    if (i == 3 && reply->type != REDIS_REPLY_ARRAY) ok = false;
  }
  if (!ok) Problem(fmt::format("Redis at {} did not take a decision (EXEC failed)", url_.Display()));
  return ok;
}

bool FleetLink::ReadStream(Connection& conn) {
  {
    std::lock_guard lock(mu_);
    if (stop_) return false;
  }
  Reply reply = conn.Command({"XREAD", "COUNT", "1000", "BLOCK", "500", "STREAMS", stream_key_, last_id_});
  if (!reply) {
    Problem(fmt::format("Redis at {}: {}", url_.Display(), conn.error()));
    return false;
  }
  if (reply->type == REDIS_REPLY_NIL) return true;  // nothing new
  if (reply->type != REDIS_REPLY_ARRAY) {
    Problem(fmt::format("Redis at {}: XREAD: {}", url_.Display(), Text(reply.get())));
    return false;
  }
  bool any = false;
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
      if (!found) text = "(an entry without its d field)";
      any |= Receive(ParseFleetDecision(text), text);
    }
  }
  if (any) {
    std::lock_guard lock(mu_);  // so that set_on_receive(nullptr) waits for a call under way
    if (on_receive_) on_receive_();
  }
  return true;
}

bool FleetLink::Receive(StatusOr<FleetDecision> d, std::string_view text) {
  std::lock_guard lock(mu_);
  if (!d.ok()) {
    ++counters_.refused;
    refusal_ = fmt::format("refused a decision read from Redis ({}): {:.120}", d.status().message(), text);
    return false;
  }
  if (d->node == node_) return false;  // this node's own
  ++counters_.received;
  inbox_.push_back(std::move(*d));
  return true;
}

}  // namespace defender
