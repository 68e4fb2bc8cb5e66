#include "sources/decompress.h"

namespace defender {

Compression DetectCompression(std::string_view m) {
  auto starts = [&](std::string_view magic) { return m.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) return Compression::kGzip;
  if (starts("BZh")) return Compression::kBzip2;
  if (starts(std::string_view("\xfd" "7zXZ\0", 6))) return Compression::kXz;
  if (starts("\x28\xb5\x2f\xfd")) return Compression::kZstd;
  return Compression::kNone;
}

}  // namespace defender
