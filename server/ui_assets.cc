#include "server/ui_assets.h"

namespace defender {

std::optional<UiAsset> FindUiAsset(std::string_view name) {
  if (name.empty()) name = "index.html";
  for (size_t i = 0; i < kUiFileCount; ++i) {
    if (kUiFiles[i].name != name) continue;
    const std::string_view type = name.ends_with(".html") ? "text/html; charset=utf-8"
                                  : name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                                          : "text/css; charset=utf-8";
    return UiAsset{kUiFiles[i].body, type};
  }
  return std::nullopt;
}

}  // namespace defender
