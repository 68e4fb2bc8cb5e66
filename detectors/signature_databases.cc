#include "detectors/signature_databases.h"

#include <hs/hs.h>

#include <fmt/format.h>

#include "core/hash.h"

namespace defender {

namespace {

constexpr uint8_t kFields[kSignatureDatabases] = {kFieldUri, kFieldPath, kFieldUserAgent, kFieldReferer};

// A literal as a Hyperscan regex.
std::string EscapeLiteral(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::vector<DatabaseInput> SignatureDatabaseInputs(const std::vector<SignatureRule>& rules,
                                                   const std::vector<std::string_view>& bad_agents) {
  const unsigned kFlags = HS_FLAG_CASELESS | HS_FLAG_MULTILINE | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
  std::vector<DatabaseInput> inputs(kSignatureDatabases);
  for (int f = 0; f < kSignatureDatabases; ++f) {
    DatabaseInput& in = inputs[size_t(f)];
    for (size_t i = 0; i < rules.size(); ++i) {
      if (!(rules[i].fields & kFields[f])) continue;
      in.patterns.emplace_back(rules[i].pattern);
      in.ids.push_back(unsigned(i));
      in.flags.push_back(kFlags);
    }
    if (kFields[f] == kFieldUserAgent) {
      for (std::string_view agent : bad_agents) {
        in.patterns.push_back(EscapeLiteral(agent));
        in.ids.push_back(unsigned(rules.size()));
        in.flags.push_back(kFlags);
      }
    }
  }
  return inputs;
}

uint64_t InputsHash(const std::vector<DatabaseInput>& inputs) {
  std::string text = "defender-scan signatures 1\n";
  for (const DatabaseInput& in : inputs) {
    text += fmt::format("{}\n", in.patterns.size());
    for (size_t i = 0; i < in.patterns.size(); ++i) {
      text += fmt::format("{} {} {}\n", in.ids[i], in.flags[i], in.patterns[i]);
    }
  }
  return HashBytes(text);
}

StatusOr<hs_database*> CompileDatabase(const DatabaseInput& in, const hs_platform_info* platform,
                                       const std::vector<std::string_view>& rule_names) {
  std::vector<const char*> patterns;
  for (const auto& p : in.patterns) patterns.push_back(p.c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(patterns.data(), in.flags.data(), in.ids.data(), unsigned(in.patterns.size()), HS_MODE_BLOCK,
                       platform, &db, &compile_error) != HS_SUCCESS) {
    const int e = compile_error->expression;
    const size_t id = e >= 0 ? in.ids[size_t(e)] : rule_names.size();
    Status failed = Status::Invalid(fmt::format("signature rule '{}': {}", id < rule_names.size() ? rule_names[id] : "?",
                                                compile_error->message));
    hs_free_compile_error(compile_error);
    return failed;
  }
  return db;
}

}  // namespace defender
