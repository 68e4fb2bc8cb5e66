// The dashboard's static files (server/ui/), embedded in the binary at
// build time (embed_ui.cmake), served by the API under /ui/ with headers
// that forbid anything but the page's own script and style.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace defender {

struct UiFile {
  std::string_view name;  // index.html, app.js, app.css
  std::string_view body;
};
extern const UiFile kUiFiles[];
extern const size_t kUiFileCount;

struct UiAsset {
  std::string_view body;
  std::string_view content_type;
};
// The file a path under /ui/ names ("" is index.html), or nullopt.
std::optional<UiAsset> FindUiAsset(std::string_view name);

// The Content-Security-Policy of every /ui/ answer: the page's own script,
// style and API, nothing inline, nothing from elsewhere, never framed.
inline constexpr std::string_view kUiPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace defender
