#include "core/hash.h"

#include <random>

namespace defender {

uint64_t RandomSeed() {
  std::random_device random;
  return (uint64_t(random()) << 32) ^ random();
}

}  // namespace defender
