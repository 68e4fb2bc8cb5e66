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
  Sink() = default;
  Sink(const Sink&) = delete;  // implementations own descriptors, handles or state
  Sink& operator=(const Sink&) = delete;
  virtual ~Sink() = default;
  virtual Status Apply(const Decision& decision) = 0;
  // Makes what was applied take effect (write, reload); called often, so a
  // sink may wait (debounce) before acting.
  virtual Status Flush() = 0;
  // The end of the run: whatever is pending takes effect now.
  virtual Status Finish() { return Flush(); }
};

}  // namespace defender
