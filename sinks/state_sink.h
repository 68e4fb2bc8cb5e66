// The state database as a sink: every ban is committed when it is decided
// and every unban removes its row, so the database always holds the active
// bans. The pipeline puts it first, before anything reports the decision.
#pragma once

#include <memory>

#include "sinks/sink.h"
#include "state/state_store.h"

namespace defender {

// `store` outlives the sink. With `ban_actions` / `unban_actions` (an
// --on-ban / --on-unban is set), each ban / unban is committed with its
// pending action (see PendingAction).
std::unique_ptr<Sink> NewStateSink(StateStore* store, bool ban_actions = false, bool unban_actions = false);
// The pending action a decision commits.
PendingAction PendingActionOf(const Decision& d);

}  // namespace defender
