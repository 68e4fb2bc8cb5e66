// JSON lines for decisions (core/decision_json.h: ECS field names): detect,
// ban and unban events, one object per line, through a LineWriter.
#pragma once

#include <memory>

#include "sinks/line_writer.h"
#include "sinks/sink.h"

namespace defender {

// `writer` is shared with --explain output and outlives the sink.
std::unique_ptr<Sink> NewJsonSink(LineWriter* writer);

}  // namespace defender
