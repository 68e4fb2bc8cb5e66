#include "cli/secret_file.h"

#include <fstream>

#include <fmt/format.h>

namespace defender {

StatusOr<std::string> ReadSecretFile(std::string_view option, const std::string& path, size_t min_length) {
  std::ifstream in(path);
  if (!in) return Status::Invalid(fmt::format("{} {}: cannot read it", option, path));
  std::string secret;
  std::getline(in, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.size() < min_length || secret.find_first_of(" \t") != std::string::npos) {
    return Status::Invalid(fmt::format("{} {}: it must be one line of at least {} characters without spaces",
                                       option, path, min_length));
  }
  return secret;
}

}  // namespace defender
