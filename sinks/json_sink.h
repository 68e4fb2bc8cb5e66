// JSON lines for decisions (README.md and the man page show them; ECS field names): detect, ban
// and unban events, one object per line, through a LineWriter.
#pragma once

#include <memory>

#include "sinks/line_writer.h"
#include "sinks/sink.h"

namespace defender {

// Appends one decision as a JSON object (without the newline).
void AppendDecisionJson(fmt::memory_buffer& out, const Decision& d);

// `writer` is shared with --explain output and outlives the sink.
std::unique_ptr<Sink> NewJsonSink(LineWriter* writer);

}  // namespace defender
