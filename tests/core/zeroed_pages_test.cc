#include "core/zeroed_pages.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

using namespace defender;

namespace {
bool AllZero(const ZeroedPages& z) {
  const auto* b = static_cast<const unsigned char*>(z.data());
  return std::all_of(b, b + z.size(), [](unsigned char c) { return c == 0; });
}
}  // namespace

TEST_CASE("zeroed pages read as zero, keep what is written, and are zero again after Zero()") {
  for (size_t bytes : {size_t(100), size_t(64 << 10), size_t(5 << 20)}) {
    ZeroedPages z(bytes);
    REQUIRE(z.size() == bytes);
    CHECK(AllZero(z));
    auto* b = static_cast<unsigned char*>(z.data());
    b[0] = 1;
    b[bytes - 1] = 2;
    std::memset(b + bytes / 2, 7, bytes / 4);
    CHECK((b[0] == 1 && b[bytes - 1] == 2 && b[bytes / 2] == 7));
    z.Zero();
    CHECK(AllZero(z));
  }
}

TEST_CASE("a block of 2 MB or more starts on a huge page boundary") {
  ZeroedPages z(4 << 20);
  CHECK(reinterpret_cast<uintptr_t>(z.data()) % (2 << 20) == 0);
}
