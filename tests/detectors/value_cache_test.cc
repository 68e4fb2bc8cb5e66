#include "detectors/value_cache.h"

#include <doctest/doctest.h>

#include <string>

using namespace defender;

namespace {
const ValueCache::Entry* Find(const ValueCache& c, std::string_view v, uint16_t split = 0) { return c.Find(v, split); }
ValueCache::Entry& Insert(ValueCache& c, std::string_view v, uint16_t split = 0) { return c.Insert(v, split); }
}  // namespace

TEST_CASE("a value inserted is found with what was stored with it, by value and split") {
  ValueCache c(100, 1 << 20);
  CHECK(Find(c, "/index.html?a=1", 11) == nullptr);
  Insert(c, "/index.html?a=1", 11).hashes[0] = 42;
  const ValueCache::Entry* e = Find(c, "/index.html?a=1", 11);
  REQUIRE(e != nullptr);
  CHECK(e->hashes[0] == 42);
  CHECK(e->value() == "/index.html?a=1");
  CHECK(Find(c, "/index.html?a=1", 0) == nullptr);  // the same bytes, another split
  CHECK(Find(c, "/index.html?a=2", 11) == nullptr);
}

TEST_CASE("values longer than an entry holds inline are kept apart and compared whole") {
  ValueCache c(100, 1 << 20);
  const std::string ua(120, 'M'), other = std::string(119, 'M') + "N";
  Insert(c, ua).count = 1;
  Insert(c, "");  // an empty value is a value too
  REQUIRE(Find(c, ua) != nullptr);
  CHECK(Find(c, ua)->count == 1);
  CHECK(Find(c, other) == nullptr);
  CHECK(Find(c, "") != nullptr);
}

TEST_CASE("the cache grows as it fills, every value still found, until a bound makes it full") {
  ValueCache c(5000, 1 << 20);
  for (int i = 0; i < 5000; ++i) {
    REQUIRE(!c.full(10));
    Insert(c, "/p/" + std::to_string(i)).hashes[1] = uint32_t(i);
  }
  CHECK(c.full(10));
  for (int i = 0; i < 5000; ++i) {
    const ValueCache::Entry* e = Find(c, "/p/" + std::to_string(i));
    REQUIRE(e != nullptr);
    CHECK(e->hashes[1] == uint32_t(i));
  }
  c.Clear();
  CHECK(c.size() == 0);
  CHECK(Find(c, "/p/1") == nullptr);
  CHECK(!c.full(10));
  ValueCache small_bytes(100, 20);
  Insert(small_bytes, "0123456789");
  CHECK(!small_bytes.full(10));
  CHECK(small_bytes.full(11));
}

TEST_CASE("long values are kept in the cache's arena, which Clear() gives back") {
  ValueCache c(100, 400);
  const std::string a(100, 'a'), b(120, 'b');
  Insert(c, a).count = 1;
  Insert(c, b).count = 2;
  REQUIRE(Find(c, a) != nullptr);
  CHECK(Find(c, a)->value() == a);
  CHECK(Find(c, b)->value() == b);
  CHECK(c.full(200));
  c.Clear();
  const std::string d(300, 'd');
  REQUIRE(!c.full(d.size()));
  Insert(c, d).count = 3;
  CHECK(Find(c, d)->value() == d);
  CHECK(Find(c, a) == nullptr);
}
