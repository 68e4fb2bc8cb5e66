// Decompressing sources, chosen by the input's magic bytes (never its name).
// Each wraps another ByteSource and owns it. A corrupt or truncated stream
// ends with a non-ok Status after the bytes decoded before the damage.
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sources/byte_source.h"

namespace defender {

enum class Compression { kNone, kGzip, kBzip2, kXz, kZstd };

// Looks at the first bytes of an input (6 are enough).
Compression DetectCompression(std::string_view magic);

// gzip, including multi-member files (ISA-L's inflater).
std::unique_ptr<ByteSource> NewGzipSource(std::unique_ptr<ByteSource> in, std::string name);
std::unique_ptr<ByteSource> NewBzip2Source(std::unique_ptr<ByteSource> in, std::string name);
std::unique_ptr<ByteSource> NewXzSource(std::unique_ptr<ByteSource> in, std::string name);
std::unique_ptr<ByteSource> NewZstdSource(std::unique_ptr<ByteSource> in, std::string name);

}  // namespace defender
