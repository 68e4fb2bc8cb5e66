#include "detectors/app_profiles.h"

#include <re2/re2.h>

#include <fmt/format.h>

namespace defender {

const std::vector<AppProfile>& AppProfiles() {
  static const std::vector<AppProfile> kProfiles = {
      {"nextcloud", "Nextcloud / ownCloud: WebDAV, CalDAV/CardDAV, OCS API, avatars, clients polling status.php",
       R"(^/(remote|public)\.php/(dav|webdav|caldav|carddav)(/|$)|^/(index\.php/)?(apps|core)/[^/]+/|^/(index\.php/)?avatar/|^/ocs/v[12]\.php/|^/status\.php$|^/\.well-known/(caldav|carddav|webfinger|nodeinfo)$|^/index\.php/(login|s|f|settings|csrftoken|heartbeat)(/|$))",
       {"/remote.php/dav/files/alice/Photos/IMG_0001.jpg", "/remote.php/webdav/Documents/", "/status.php",
        "/index.php/avatar/alice/64", "/ocs/v2.php/apps/notifications/api/v2/notifications",
        "/apps/richdocuments/settings/check", "/index.php/apps/files/api/v1/thumbnail/256/256/a.jpg",
        "/remote.php/dav/addressbooks/users/alice/contacts/photo-1.vcf", "/.well-known/caldav"},
       {"/.env", "/.git/config", "/phpmyadmin/", "/wp-login.php", "/remote.php.bak", "/status.php.old"}},
      {"jellyfin", "Jellyfin / Emby: item images (404 when missing), sessions, playback and client API calls",
       R"(^/(emby/)?(items|users|sessions|shows|videos|audio|artists|genres|persons|studios|system/info|playback|livetv|displaypreferences|quickconnect|branding|web|socket|useritems|userviews|mediasegments)(/|$))",
       {"/Items/8f3a2b/Images/Primary", "/Items/8f3a2b/Images/Backdrop/0", "/Users/5d2/Items/Resume",
        "/Sessions/Playing/Progress", "/System/Info/Public", "/web/index.html", "/emby/Items/42/Images/Logo",
        "/Videos/abc/stream.mp4"},
       {"/.env", "/admin/", "/phpmyadmin/", "/system/../.env", "/Itemsx/1"}},
      {"jellyseerr", "Jellyseerr / Overseerr: API and image proxy",
       R"(^/api/v1/|^/imageproxy/|^/(movie|tv|person|collection)/\d+)",
       {"/api/v1/request?take=10", "/imageproxy/t/p/w300/abc.jpg", "/movie/603", "/tv/1399"},
       {"/.env", "/api/v2/x", "/wp-admin/"}},
      {"actual", "Actual Budget: fetches its SQL migrations (answered 200) and syncs",
       R"(^/data/migrations/[\w.-]+\.(sql|js)$|^/(sync|account|secret|kcab|openid|gocardless|simplefin)/|^/data-file-index\.txt$)",
       {"/data/migrations/1632571489012_remove_cache.js", "/data/migrations/1679728867040_rules_conditions.sql",
        "/sync/sync", "/account/validate", "/kcab/kcab.worker.1.js", "/data-file-index.txt"},
       {"/backup.sql", "/db.sql", "/data/backup.sql", "/.env"}},
      {"immich", "Immich: photo API, thumbnails, sync",
       R"(^/api/(assets?|albums|server|server-info|users|sync|timeline|search|people|memories|faces|partners|shared-links|libraries|map|view|notifications|sessions|auth)(/|$))",
       {"/api/assets/5e1/thumbnail?size=preview", "/api/timeline/buckets?size=MONTH", "/api/server/ping",
        "/api/sync/full-sync", "/api/people?withHidden=false"},
       {"/.env", "/api/.env", "/api/v1/admin/config"}},
      {"homeassistant", "Home Assistant: websocket, REST API, frontend and auth flows",
       R"(^/api/(websocket|states|services|events|history|logbook|hassio|config|camera_proxy|image_proxy|media_player_proxy|error_log)?(/|$)|^/auth/(token|authorize|login_flow|providers)(/|$)|^/(lovelace|frontend_latest|frontend_es5|static|local|hacsfiles|manifest\.json|service_worker\.js)(/|$))",
       {"/api/websocket", "/api/states/sensor.temperature", "/auth/token", "/auth/login_flow/abc",
        "/frontend_latest/app.js", "/local/community/card.js", "/api/camera_proxy/camera.door?token=x"},
       {"/.env", "/phpmyadmin/", "/wp-login.php", "/api/../.env"}},
      {"calibre-web", "Calibre-Web: covers, OPDS feeds, reader and downloads",
       R"(^/(book|cover|opds|ajax|show|read|download|series|author|shelf|publisher|language|category|me|get_(authors|series|tags)_json)(/|$))",
       {"/cover/512/og", "/opds/new", "/ajax/editbooks/title", "/read/42/epub", "/download/42/epub/42.epub"},
       {"/.env", "/admin/", "/wp-admin/"}},
      {"rocketchat", "Rocket.Chat: REST API, realtime socket, avatars and uploads",
       R"(^/(api/v1|sockjs|websocket|avatar|file-upload|assets|packages|ufs|emoji-custom|images|sounds)(/|$))",
       {"/api/v1/channels.messages?roomId=x", "/sockjs/info", "/avatar/alice", "/file-upload/abc/a.png",
        "/emoji-custom/party.png"},
       {"/.env", "/admin/", "/api/v2/.env"}},
      {"mattermost", "Mattermost: REST API v4, plugins, static assets, websocket",
       R"(^/(api/v4|plugins|static|files)(/|$))",
       {"/api/v4/users/me", "/api/v4/websocket", "/plugins/com.github.x/api/v1/a", "/static/main.abc.js"},
       {"/.env", "/api/v3/.env", "/phpmyadmin/"}},
  };
  return kProfiles;
}

AppFilter::~AppFilter() = default;

StatusOr<std::unique_ptr<AppFilter>> AppFilter::Create(const std::vector<std::string>& apps) {
  std::string pattern;
  for (const std::string& name : apps) {
    const AppProfile* found = nullptr;
    for (const AppProfile& p : AppProfiles()) {
      if (p.name == name) found = &p;
    }
    if (!found) {
      std::vector<std::string_view> known;
      for (const AppProfile& p : AppProfiles()) known.push_back(p.name);
      return Status::Invalid(fmt::format("unknown application '{}' (known: {})", name, fmt::join(known, ", ")));
    }
    pattern += fmt::format("{}(?:{})", pattern.empty() ? "" : "|", found->paths);
  }
  std::unique_ptr<AppFilter> f(new AppFilter());
  if (pattern.empty()) return f;
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  f->paths_ = std::make_unique<re2::RE2>(pattern, options);
  if (!f->paths_->ok()) return Status::Invalid(fmt::format("app profiles: {}", f->paths_->error()));
  return f;
}

bool AppFilter::Covers(std::string_view path) const {
  return paths_ && RE2::PartialMatch(path, *paths_);
}

}  // namespace defender
