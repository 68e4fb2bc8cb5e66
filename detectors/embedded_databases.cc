// The built-in rules' databases, compiled at build time by embed_databases
// and assembled into the binary as they are (EMBEDDED_DATABASES names the
// file).
#include "detectors/embedded_databases.h"

__asm__(".section .rodata\n"
        ".balign 16\n"
        "defender_embedded_databases_begin:\n"
        ".incbin \"" EMBEDDED_DATABASES "\"\n"
        "defender_embedded_databases_end:\n"
        ".previous\n");
extern "C" const char defender_embedded_databases_begin[] __asm__("defender_embedded_databases_begin");
extern "C" const char defender_embedded_databases_end[] __asm__("defender_embedded_databases_end");

namespace defender {

std::string_view EmbeddedDatabases() {
  return std::string_view(defender_embedded_databases_begin,
                          size_t(defender_embedded_databases_end - defender_embedded_databases_begin));
}

}  // namespace defender
