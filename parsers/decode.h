// Decoding helpers that detectors use before matching: nginx's log escapes,
// URL percent-encoding, path normalisation and ASCII lower-casing. All append
// to or rewrite a caller-owned std::string, which is reused across lines so
// nothing allocates once it has grown. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace defender {

// nginx writes '"', '\' and bytes < 0x20 or >= 0x7f as \xHH (escape=default)
// and '"', '\' as \" and \\ (escape=json). Decodes both into *out.
void UnescapeNginx(std::string_view in, std::string* out);

// %HH to the byte; with plus_as_space ('+' in a query) '+' to ' '. Invalid
// escapes stay as they are.
void PercentDecode(std::string_view in, bool plus_as_space, std::string* out);
// For a value that must be exact (an address in an API path or query):
// %HH to the byte, nothing else changed; nullopt on an invalid escape.
// PercentDecode, for matching, keeps what an attacker wrote instead.
std::optional<std::string> StrictPercentDecode(std::string_view in);
// Decodes up to `rounds` times, stopping when nothing changes (%252e -> %2e -> .).
void PercentDecodeRepeated(std::string_view in, bool plus_as_space, int rounds, std::string* out);

// '\' to '/', runs of '/' to one, "/./" to "/", and "/x/../" to "/" (never
// above the root). "/a//b/./../c" -> "/a/c".
void NormalizePath(std::string_view in, std::string* out);

void AsciiLower(std::string* s);

}  // namespace defender
