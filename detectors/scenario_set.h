// ScenarioSet: a set of scenario indexes (0 to kMaxScenarios - 1) as a
// fixed bitmap, so the detector's per-line filters are a few word
// operations. A value type; all operations are constant time.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace defender {

inline constexpr size_t kMaxScenarios = 128;

class ScenarioSet {
 public:
  constexpr ScenarioSet() = default;
  static constexpr ScenarioSet Of(size_t i) {
    ScenarioSet s;
    s.words_[0] = i < 64 ? uint64_t(1) << i : 0;
    s.words_[1] = i < 64 ? 0 : uint64_t(1) << (i - 64);
    return s;
  }
  static constexpr ScenarioSet All() { return ~ScenarioSet(); }

  constexpr bool empty() const { return (words_[0] | words_[1]) == 0; }
  constexpr bool has(size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  constexpr bool intersects(ScenarioSet o) const { return !(*this & o).empty(); }

  constexpr ScenarioSet operator~() const {
    ScenarioSet s;
    s.words_[0] = ~words_[0];
    s.words_[1] = ~words_[1];
    return s;
  }
  constexpr ScenarioSet operator&(ScenarioSet o) const { return o &= *this; }
  constexpr ScenarioSet operator|(ScenarioSet o) const { return o |= *this; }
  constexpr ScenarioSet& operator&=(ScenarioSet o) {
    words_[0] &= o.words_[0];
    words_[1] &= o.words_[1];
    return *this;
  }
  constexpr ScenarioSet& operator|=(ScenarioSet o) {
    words_[0] |= o.words_[0];
    words_[1] |= o.words_[1];
    return *this;
  }
  constexpr bool operator==(const ScenarioSet&) const = default;

  // Calls fn(i) for each index in the set, lowest first.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t w = 0; w < 2; ++w) {
      for (uint64_t m = words_[w]; m != 0; m &= m - 1) fn(w * 64 + size_t(std::countr_zero(m)));
    }
  }

 private:
  uint64_t words_[2] = {};
};

}  // namespace defender
