// Fleet mode's input from Redis: whatever a stream entry or an active-ban
// value holds, ParseFleetDecision either refuses it or returns a decision
// that is safe to ban (ValidateBanTarget) and that reads back the same
// once written. And --redis URLs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/ban_target.h"
#include "fleet/fleet_decision.h"
#include "fleet/redis_url.h"

using namespace defender;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseRedisUrl(text);
  auto d = ParseFleetDecision(text);
  if (!d.ok()) return 0;
  if (!ValidateBanTarget(d->target).ok() || !d->target.Contains(d->source)) std::abort();
  auto again = ParseFleetDecision(FormatFleetDecision(*d));
  if (!again.ok() || again->target != d->target || again->source != d->source || again->until != d->until ||
      again->count != d->count || again->reason != d->reason || again->node != d->node || again->ban != d->ban) {
    std::abort();
  }
  return 0;
}
