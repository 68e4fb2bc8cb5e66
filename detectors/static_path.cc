#include "detectors/static_path.h"

namespace defender {

bool IsStaticPath(std::string_view p) {
  static constexpr std::string_view kExtensions[] = {
      ".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
      ".bmp", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp4", ".webm", ".mp3", ".ogg", ".wav", ".pdf"};
  static constexpr std::string_view kWellKnown[] = {
      "/robots.txt", "/favicon.ico", "/sitemap.xml", "/ads.txt", "/app-ads.txt", "/humans.txt",
      "/security.txt", "/browserconfig.xml", "/manifest.json", "/site.webmanifest", "/crossdomain.xml"};
  // An extension is the text after the last dot of the last segment, found
  // by walking back from the end (most paths have no dot at all).
  size_t i = p.size();
  while (i > 0 && p[i - 1] != '.' && p[i - 1] != '/') --i;
  if (i > 0 && p[i - 1] == '.') {
    const std::string_view ext = p.substr(i - 1);
    for (auto e : kExtensions) {
      if (ext == e) return true;
    }
    for (auto w : kWellKnown) {
      if (p == w) return true;
    }
  }
  if (p.size() < 2 || (p[1] != '.' && p[1] != 'a')) return false;  // cheap test before the prefixes
  return p.substr(0, 13) == "/.well-known/" || p.substr(0, 17) == "/apple-touch-icon";
}

}  // namespace defender
