// Fuzzes what reading a signature cache file trusts: the file format parser
// with arbitrary bytes, and Hyperscan's deserializer with arbitrary
// databases in a well-formed file (which is what the format's checks let
// through to it). Neither may crash.
#include <hs/hs.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detectors/database_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace defender;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)ParseCacheFile(bytes, 7, 4);
  const std::string file = FormatCacheFile(7, {bytes});
  auto blobs = ParseCacheFile(file, 7, 1);
  if (!blobs || (*blobs)[0] != bytes) __builtin_trap();
  // Not hs_alloc_scratch: a damaged database may ask for any size of
  // scratch (Hyperscan trusts what it serialized; the cache file's checksum
  // and owner checks are what keep a damaged one from it), and the fuzzer's
  // memory limit would stop the run.
  hs_database_t* db = nullptr;
  if (hs_deserialize_database((*blobs)[0].data(), (*blobs)[0].size(), &db) == HS_SUCCESS) hs_free_database(db);
  return 0;
}
