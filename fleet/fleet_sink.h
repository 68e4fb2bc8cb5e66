// FleetSink: publishes this node's bans and unbans to its fleet (--redis)
// through a FleetLink: those detected here, asked for through the API or
// taken from `bans add|del` in the state. Not published: bans read back
// from the state at start, bans that ended by themselves (every node ends
// them at the same `until`), and decisions another node made (they carry
// its name in fleet_node): no loops.
#pragma once

#include <memory>

#include "fleet/fleet_link.h"
#include "sinks/sink.h"

namespace defender {

std::unique_ptr<Sink> NewFleetSink(FleetLink* link);

}  // namespace defender
