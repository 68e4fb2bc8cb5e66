// The state database as a sink: every ban is committed when it is decided
// and every unban removes its row, so the database always holds the active
// bans. The pipeline puts it first, before anything reports the decision.
#pragma once

#include <memory>

#include "sinks/sink.h"
#include "sinks/state_store.h"

namespace defender {

// `store` outlives the sink.
std::unique_ptr<Sink> NewStateSink(StateStore* store);

}  // namespace defender
