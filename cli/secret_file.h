// ReadSecretFile: a secret given as a file, so that it never shows in `ps`
// (--api-token-file, --redis-password-file): its first line, without a
// trailing CR or spaces; kInvalid, naming the option, if it cannot be read,
// is shorter than min_length or holds spaces or tabs.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace defender {

StatusOr<std::string> ReadSecretFile(std::string_view option, const std::string& path, size_t min_length);

}  // namespace defender
