// The nginx deny-list include: the set of active bans written as `deny`
// lines or as a `geo $defender_blocked` block, sorted, with a header
// comment, replaced atomically and only when the list changed. Every value
// is re-validated as a canonical address or a prefix no broader than the
// minimum before it is written. After a change, the reload command runs (no
// shell, beside the caller: it is started by one call and seen to end by a
// later Flush, so a hanging reload holds nothing up), at most once per
// debounce interval; if it fails or runs past its timeout (then its process
// group is killed) the previous include is put back and the failure
// reported. Finish() waits for the last reload. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ban_target.h"
#include "core/cidr.h"
#include "sinks/sink.h"

namespace defender {

struct NginxConfOptions {
  std::string path;
  bool geo = false;                      // --nginx-style geo (default deny)
  int min_prefix_v4 = kMinBanPrefixV4;   // refuse broader IPv4 bans
  int min_prefix_v6 = kMinBanPrefixV6;   // refuse broader IPv6 bans
  std::vector<std::string> reload_argv;  // empty: no reload
  int debounce_ms = 5000;
  int reload_timeout_ms = 30000;
};

// Fails when the existing file cannot be read or an empty one written.
StatusOr<std::unique_ptr<Sink>> NewNginxConfSink(NginxConfOptions options);

}  // namespace defender
