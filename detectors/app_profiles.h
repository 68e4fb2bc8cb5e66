// App profiles: the normal traffic of popular self-hosted applications that
// looks like probing to generic scenarios (Nextcloud's WebDAV and avatar
// 404s and its clients polling /status.php, Jellyfin's image 404s, Actual
// Budget fetching .sql migrations...), the counterpart of CrowdSec's
// per-application whitelists. A profile is a row: the paths the application
// owns, samples of its normal requests and attacks that must still count.
// config.yaml's `apps:` turns profiles on; a request to a path of an app in
// use is then not counted in the scenarios listed in kAppExemptScenarios
// (signature scenarios such as SQL injection or traversal still count it).
// Static data; AppFilter is immutable after Create and thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace re2 {
class RE2;
}

namespace defender {

struct AppProfile {
  std::string_view name;
  std::string_view description;
  std::string_view paths;                   // RE2, caseless, on the decoded path
  std::vector<std::string_view> normal;      // paths the app really requests
  std::vector<std::string_view> attacks;     // paths it must not cover
};

const std::vector<AppProfile>& AppProfiles();

// The scenarios an app's own paths are not counted in.
inline constexpr std::string_view kAppExemptScenarios[] = {
    "http-probing", "http-crawl-non_statics", "http-sensitive-files", "http-admin-interface-probing",
    "http-wordpress-scan", "http-dos-random-uri", "http-dos-bypass-cache", "http-webdav-probing"};

class AppFilter {
 public:
  ~AppFilter();
  AppFilter(const AppFilter&) = delete;  // owns its compiled patterns
  AppFilter& operator=(const AppFilter&) = delete;
  // kInvalid naming an unknown app (and the known ones).
  static StatusOr<std::unique_ptr<AppFilter>> Create(const std::vector<std::string>& apps);
  // True when `path` (decoded) belongs to one of the apps.
  bool Covers(std::string_view path) const;

 private:
  AppFilter() = default;
  std::unique_ptr<re2::RE2> paths_;
};

}  // namespace defender
