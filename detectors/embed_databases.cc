// embed_databases: compiles the built-in signature rules' Hyperscan
// databases at build time, for any x86-64 CPU Hyperscan runs on (generic
// tuning, no optional CPU features: on the benchmark a generic database
// scans as fast as one for this CPU, as the matcher's caches take most
// lines), and writes them in the cache file format (database_cache.h) keyed
// by the rules' InputsHash. embedded_databases.cc puts the file in the
// binary, so no run compiles the built-in rules.
//
//   embed_databases OUTPUT
#include <hs/hs.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "detectors/database_cache.h"
#include "detectors/signature_databases.h"

int main(int argc, char** argv) {
  using namespace defender;
  if (argc != 2) {
    fmt::print(stderr, "usage: embed_databases OUTPUT\n");
    return 2;
  }
  const std::vector<SignatureRule>& rules = BuiltinSignatures();
  const std::vector<DatabaseInput> inputs = SignatureDatabaseInputs(rules, BadUserAgents());
  std::vector<std::string_view> names;  // by rule id, as SignatureDatabaseInputs numbers them
  for (const SignatureRule& r : rules) names.push_back(r.name);
  names.push_back("bad-user-agent");
  hs_platform_info_t generic{};
  generic.tune = HS_TUNE_FAMILY_GENERIC;
  generic.cpu_features = 0;
  std::vector<std::string> blobs;
  for (const DatabaseInput& in : inputs) {
    if (in.patterns.empty()) {
      blobs.emplace_back();
      continue;
    }
    auto compiled = CompileDatabase(in, &generic, names);
    if (!compiled.ok()) {
      fmt::print(stderr, "embed_databases: {}\n", compiled.status().message());
      return 1;
    }
    hs_database_t* db = *compiled;
    char* bytes = nullptr;
    size_t length = 0;
    if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) {
      fmt::print(stderr, "embed_databases: cannot serialize\n");
      return 1;
    }
    blobs.emplace_back(bytes, length);
    free(bytes);
    hs_free_database(db);
  }
  std::vector<std::string_view> views(blobs.begin(), blobs.end());
  const std::string file = FormatCacheFile(InputsHash(inputs), views);
  const std::string tmp = std::string(argv[1]) + ".tmp";
  std::ofstream(tmp, std::ios::binary).write(file.data(), std::streamsize(file.size()));
  if (std::rename(tmp.c_str(), argv[1]) != 0) {
    fmt::print(stderr, "embed_databases: cannot write {}\n", argv[1]);
    return 1;
  }
  return 0;
}
