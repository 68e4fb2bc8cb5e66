#include "state/state_store.h"

#include <sqlite3.h>

#include <doctest/doctest.h>

#include "tests/test_util.h"

using namespace defender;
using defender::testing::TempDir;

namespace {

std::unique_ptr<StateStore> OpenStore(const std::string& path) {
  auto store = StateStore::Open(path, 0);
  INFO(store.status().message());
  REQUIRE(store.ok());
  return std::move(*store);
}

// Runs `sql` on the database file at `path`, as another program would.
void ExecSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("a ban, its history, pending action and evidence come back as saved") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const Cidr target = *Cidr::Parse("2001:db8:1:2::/64");
  const std::string line(3000, 'x');  // longer than the evidence kept
  {
    auto store = OpenStore(path);
    StoredBan ban{target, *IpAddress::Parse("2001:db8:1:2::7"), "http-probing", 1000, 2000, 3, 40, 11, line};
    PendingAction action{true, target, "http-probing", 1, 2000};
    REQUIRE(store->PutBan(ban, &action).ok());
  }
  auto store = OpenStore(path);
  std::vector<StoredBan> bans;
  size_t refused = 9;
  REQUIRE(store->LoadBans(&bans, &refused).ok());
  CHECK(refused == 0);
  REQUIRE(bans.size() == 1);
  CHECK(bans[0].target == target);
  CHECK(bans[0].reason == "http-probing");
  CHECK(bans[0].count == 3);
  CHECK(bans[0].events == 11);
  CHECK(bans[0].evidence == line.substr(0, kMaxEvidence));
  std::vector<std::pair<Cidr, int>> history;
  REQUIRE(store->LoadHistory(&history).ok());
  CHECK(history == std::vector<std::pair<Cidr, int>>{{target, 3}});
  std::vector<PendingAction> pending;
  REQUIRE(store->LoadPendingActions(&pending, &refused).ok());
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].ban);
  REQUIRE(store->ActionDone(pending[0]).ok());
  int64_t rows = -1;
  REQUIRE(store->CountRows("actions", &rows).ok());
  CHECK(rows == 0);
  // An unban removes the ban and commits its action; the history stays.
  PendingAction unban{false, target, "http-probing", 0, 2000};
  REQUIRE(store->DeleteBan(target, &unban).ok());
  bans.clear();
  REQUIRE(store->LoadBans(&bans, &refused).ok());
  CHECK(bans.empty());
  REQUIRE(store->CountRows("actions", &rows).ok());
  CHECK(rows == 1);
  REQUIRE(store->CountRows("history", &rows).ok());
  CHECK(rows == 1);
}

TEST_CASE("a run's checkpoints, buckets and clock replace the saved ones in one go") {
  TempDir dir;
  auto store = OpenStore(dir.File("state.db"));
  LogTime saved = 1;
  REQUIRE(store->LoadLastRun(&saved).ok());
  CHECK(saved == 0);
  StoredBucket bucket{*IpAddress::Parse("198.51.100.7"), "http-probing", 5000, 0, 2.5, 3, {7, 9}};
  REQUIRE(store->SaveRun({Checkpoint{1, 2, "/var/log/nginx/access.log", "head", 42, false}}, {bucket}, 5000).ok());
  REQUIRE(store->SaveRun({Checkpoint{1, 2, "/var/log/nginx/access.log", "head", 84, false}}, {}, 6000).ok());
  std::vector<Checkpoint> checkpoints;
  REQUIRE(store->LoadCheckpoints(&checkpoints).ok());
  REQUIRE(checkpoints.size() == 1);
  CHECK(checkpoints[0].offset == 84);
  CHECK(checkpoints[0].path == "/var/log/nginx/access.log");
  std::vector<StoredBucket> buckets;
  size_t refused = 1;
  REQUIRE(store->LoadBuckets(&buckets, &refused).ok());
  CHECK(buckets.empty());
  CHECK(refused == 0);
  LogTime clock = 0;
  REQUIRE(store->LoadClock(&clock).ok());
  CHECK(clock == 6000);
  REQUIRE(store->LoadLastRun(&saved).ok());
  CHECK(saved > 0);
}

TEST_CASE("rows with times no log can hold are refused and counted: bans, buckets, actions, the clock") {
  // A damaged or hand-edited state file: restored as they are, such times
  // overflowed a bucket's arithmetic or a ban's duration at the next line.
  TempDir dir;
  const std::string path = dir.File("state.db");
  {
    auto store = OpenStore(path);
    StoredBucket bucket{*IpAddress::Parse("198.51.100.7"), "http-probing", 5000, 0, 2.5, 3, {7, 9}};
    REQUIRE(store->SaveRun({}, {bucket}, 5000).ok());
    // A ban of 999999999d, which `bans add` took before 3650d became the
    // longest ban, is no damage.
    const LogTime longest = *ParseDuration("999999999d");
    REQUIRE(store->PutBan(StoredBan{*Cidr::Parse("198.51.100.7/32"), *IpAddress::Parse("198.51.100.7"),
                                    "http-probing", 1000, 1000 + longest, 1, 40, 1, ""}).ok());
  }
  ExecSql(path,
          "INSERT INTO buckets VALUES (zeroblob(16), 'http-flood', 9223372036854775000, 0, 1, 1, NULL);"
          "INSERT INTO buckets VALUES (zeroblob(16), 'http-crawl-non_statics', 5000, -9223372036854775000, 1, 1, NULL);"
          "INSERT INTO buckets VALUES (zeroblob(16), 'http-dos-random-uri', 5000, 0, 1e308 * 10, 1, NULL);"
          "INSERT INTO bans VALUES ('198.51.100.8', '198.51.100.8', 'http-probing', -9223372036854775000, 2000, 1, 40, 1, '');"
          "INSERT INTO bans VALUES ('198.51.100.9', '198.51.100.9', 'http-probing', 1000, 9223372036854775000, 1, 40, 1, '');"
          "INSERT INTO actions VALUES ('unban', '198.51.100.9', 'http-probing', 60, 9223372036854775000);"
          "UPDATE meta SET value = 9223372036854775000 WHERE key = 'clock';");
  auto store = OpenStore(path);
  std::vector<StoredBucket> buckets;
  size_t refused = 0;
  REQUIRE(store->LoadBuckets(&buckets, &refused).ok());
  REQUIRE(buckets.size() == 1);
  CHECK(buckets[0].scenario == "http-probing");
  CHECK(refused == 3);
  std::vector<StoredBan> bans;
  REQUIRE(store->LoadBans(&bans, &refused).ok());
  REQUIRE(bans.size() == 1);
  CHECK(bans[0].target == *Cidr::Parse("198.51.100.7/32"));
  CHECK(refused == 2);
  LogTime clock = 1;
  REQUIRE(store->LoadClock(&clock).ok());
  CHECK(clock == 0);  // as if none was saved
  std::vector<PendingAction> pending;
  REQUIRE(store->LoadPendingActions(&pending, &refused).ok());
  CHECK(pending.empty());
  CHECK(refused == 1);
}

TEST_CASE("a schema-1 file gets the newer columns; a newer schema is refused") {
  TempDir dir;
  const std::string path = dir.File("old.db");
  ExecSql(path,
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
          "CREATE TABLE bans (target TEXT PRIMARY KEY, source TEXT NOT NULL, reason TEXT NOT NULL,"
          " since INTEGER NOT NULL, until INTEGER NOT NULL, count INTEGER NOT NULL, score INTEGER NOT NULL);"
          "CREATE TABLE checkpoints (dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint BLOB NOT NULL,"
          " offset INTEGER NOT NULL, complete INTEGER NOT NULL, PRIMARY KEY (dev, ino));"
          "INSERT INTO meta VALUES ('schema', 1);"
          "INSERT INTO bans VALUES ('198.51.100.44', '198.51.100.44', 'http-probing', 1, 2, 1, 30);");
  {
    auto store = OpenStore(path);
    std::vector<StoredBan> bans;
    size_t refused = 0;
    REQUIRE(store->LoadBans(&bans, &refused).ok());
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].evidence.empty());
    CHECK(bans[0].events == 0);
    // Schema 3's models table is there too.
    REQUIRE(store->SaveRun({}, {}, 5, {{"behaviour", std::string("a\0b", 3)}}).ok());
    std::string data;
    REQUIRE(store->LoadModel("behaviour", &data).ok());
    CHECK(data == std::string("a\0b", 3));
    REQUIRE(store->LoadModel("other", &data).ok());
    CHECK(data.empty());
  }
  ExecSql(path, "UPDATE meta SET value = 4 WHERE key = 'schema'");
  auto refused = StateStore::Open(path, 0);
  CHECK(!refused.ok());
  CHECK(refused.status().message().find("schema 4") != std::string::npos);
}
