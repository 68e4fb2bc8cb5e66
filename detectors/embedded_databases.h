// The built-in signature rules' databases compiled at build time (see
// embed_databases.cc), in the cache file format of database_cache.h keyed
// by the rules' InputsHash. Static data.
#pragma once

#include <string_view>

namespace defender {

std::string_view EmbeddedDatabases();

}  // namespace defender
