// Sink: where decisions go (JSON lines, the nginx deny-list, action
// scripts, the state database). Sinks plug in here; the pipeline hands each
// decision to every sink, then flushes them when a batch is done or input
// is idle. Sinks never see log text: only typed values. Not thread-safe.
#pragma once

#include "core/decision.h"
#include "core/status.h"

namespace defender {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Apply(const Decision& decision) = 0;
  // Makes what was applied take effect (write, reload); called often.
  virtual Status Flush() = 0;
};

}  // namespace defender
