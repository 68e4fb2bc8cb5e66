// A source that runs another source on its own thread, so decompression
// overlaps with parsing: the worker fills blocks while the caller consumes
// the previous ones. Read() itself is not thread-safe (one consumer).
#pragma once

#include <memory>

#include "sources/byte_source.h"

namespace defender {

std::unique_ptr<ByteSource> NewReadAheadSource(std::unique_ptr<ByteSource> in);

}  // namespace defender
