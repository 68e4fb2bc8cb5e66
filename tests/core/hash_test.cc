#include "core/hash.h"

#include <set>
#include <string>

#include <doctest/doctest.h>

using defender::HashBytes;

TEST_CASE("the hash is the same in every run: distinct-value hashes are saved in the state database") {
  // Pinned values: if these change, saved buckets no longer recognise the
  // values they have seen.
  CHECK(HashBytes("") == 0x9a5177c020a3dfc0ull);
  CHECK(HashBytes("abc") == 0x8d7786a42f060091ull);
  CHECK(HashBytes("/index.php") == 0x9fae78ce51a066c8ull);
  CHECK(HashBytes("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/124.0") == 0x89ef6cf7a82cbeb7ull);
}

TEST_CASE("every length and every byte position changes the hash") {
  std::string base(70, 'a');
  std::set<uint64_t> seen;
  for (size_t n = 0; n <= base.size(); ++n) seen.insert(HashBytes(std::string_view(base).substr(0, n)));
  for (size_t i = 0; i < base.size(); ++i) {
    std::string s = base;
    s[i] = 'b';
    seen.insert(HashBytes(s));
  }
  CHECK(seen.size() == 2 * base.size() + 1);
  // The low 32 bits (the distinct counts keep those) differ too.
  std::set<uint32_t> low;
  for (uint64_t h : seen) low.insert(uint32_t(h));
  CHECK(low.size() == seen.size());
}
