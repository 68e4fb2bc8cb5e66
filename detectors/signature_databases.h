// What the signature matcher's four Hyperscan databases (decoded URI, path,
// user agent, referer) are compiled from, and compiling them: shared by the
// matcher and by embed_databases, which compiles the built-in rules at build
// time. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

#include "detectors/signature_rules.h"

struct hs_database;
struct hs_platform_info;

namespace defender {

inline constexpr int kSignatureDatabases = 4;

// One database's patterns, with the rule id and Hyperscan flags of each.
struct DatabaseInput {
  std::vector<std::string> patterns;
  std::vector<unsigned> ids, flags;
};

// The inputs of the four databases: each rule goes to the databases of its
// fields; the bad user-agent list becomes rule `rules.size()`
// ("bad-user-agent") in the user-agent database.
std::vector<DatabaseInput> SignatureDatabaseInputs(const std::vector<SignatureRule>& rules,
                                                   const std::vector<std::string_view>& bad_agents);

// A hash of the inputs (patterns, ids, flags, format version): with
// Hyperscan's version and the target platform it identifies a compiled set.
uint64_t InputsHash(const std::vector<DatabaseInput>& inputs);

// Compiles one database for `platform` (nullptr: this machine). A pattern
// that does not compile is kInvalid, "signature rule 'NAME': Hyperscan's
// message", NAME from `rule_names` by rule id.
StatusOr<hs_database*> CompileDatabase(const DatabaseInput& input, const hs_platform_info* platform,
                                       const std::vector<std::string_view>& rule_names);

}  // namespace defender
