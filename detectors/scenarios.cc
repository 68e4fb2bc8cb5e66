#include "detectors/scenario.h"

namespace defender {

namespace {

constexpr LogTime kS = kSecond;

uint8_t Kinds(std::initializer_list<EventKind> kinds) {
  uint8_t bits = 0;
  for (EventKind k : kinds) bits |= uint8_t(1u << uint8_t(k));
  return bits;
}

Scenario Row(const char* name, const char* description, EventFilter filter, int capacity, LogTime leak,
             Distinct distinct = Distinct::kNone, int severity = 40) {
  Scenario s{name, description, std::move(filter), BucketSettings()};
  s.settings.capacity = capacity;
  s.settings.leak = leak;
  s.settings.distinct = distinct;
  s.settings.severity = severity;
  return s;
}

EventFilter Signature(std::vector<int> statuses = {}, std::vector<std::string> methods = {}) {
  EventFilter f;
  f.signature = true;
  f.statuses = std::move(statuses);
  f.methods = std::move(methods);
  return f;
}

EventFilter Special(EventFilter::Special special, std::vector<int> statuses = {}) {
  EventFilter f;
  f.special = special;
  f.statuses = std::move(statuses);
  return f;
}

EventFilter Any() { return EventFilter(); }

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int s = from; s <= to; ++s) v.push_back(s);
  return v;
}

}  // namespace

std::vector<Scenario> BuiltinScenarios() {
  EventFilter failed_auth;
  failed_auth.kinds = Kinds({EventKind::kRequest, EventKind::kAuthUserNotFound, EventKind::kAuthPasswordMismatch});
  failed_auth.methods = {"POST"};
  failed_auth.statuses = {401, 403};
  EventFilter limits;
  limits.kinds = Kinds({EventKind::kLimitReq, EventKind::kLimitConn});
  EventFilter forbidden;
  forbidden.kinds = Kinds({EventKind::kAccessForbidden});

  std::vector<Scenario> v = {
      // Distinct URIs, not paths: a scanner may vary only the query.
      Row("http-probing", "4xx answers (400, 403, 404) to distinct non-static URIs",
          Special(EventFilter::Special::kNonStatic, {400, 403, 404}), 10, 10 * kS, Distinct::kUri, 30),
      Row("http-crawl-non_statics", "distinct non-static pages at an inhuman rate",
          Special(EventFilter::Special::kNonStatic, Range(200, 399)), 40, kS / 2, Distinct::kUri, 20),
      Row("http-sensitive-files", "secrets, VCS metadata, backups, server-info pages",
          Signature(), 4, 5 * kS, Distinct::kPath, 60),
      Row("http-bad-user-agent", "user agents of scanners, exploit tools and abusive bots",
          Signature(), 1, 60 * kS, Distinct::kNone, 50),
      // Not distinct: worms repeat the same traversal request many times.
      Row("http-path-traversal-probing", "../ in any encoding, /etc/passwd, win.ini, php://, file://",
          Signature(), 3, 10 * kS, Distinct::kNone, 60),
      Row("http-sqli-probing", "SQL injection in the decoded path and query", Signature(), 10, kS,
          Distinct::kUri, 60),
      Row("http-xss-probing", "cross-site scripting in the decoded path, query or referer", Signature(), 5,
          kS, Distinct::kUri, 50),
      Row("http-rce-probing", "command injection, SSTI, code evaluation in URI, user agent or referer",
          Signature(), 1, 30 * kS, Distinct::kNone, 80),
      Row("http-backdoors-attempts", "requests for well-known web shells", Signature(), 1, 5 * kS,
          Distinct::kNone, 70),
      Row("http-admin-interface-probing", "admin interfaces (phpMyAdmin, Tomcat manager, actuator...) answered 401/403/404",
          Signature({401, 403, 404}), 5, 10 * kS, Distinct::kPath, 40),
      Row("http-wordpress-scan", "WordPress paths answered 403/404 (plugin and theme probes)",
          Signature({403, 404}), 5, 10 * kS, Distinct::kPath, 40),
      Row("http-bf-wordpress_bf", "POST /wp-login.php answered 200 (failed WordPress logins)",
          Signature({200}, {"POST"}), 5, 10 * kS, Distinct::kNone, 60),
      // A CMS's login form answers a failed login with 200, a success with a
      // redirect, so only 200s count, and a shared address whose users log
      // in (302/303) is not held against it. Slow on purpose: one try a
      // minute for months (157 000 POSTs to one Joomla admin in a real log)
      // overflows within the hour; a person mistyping does not.
      Row("http-bf-login-slow", "POSTs to login forms answered 200 (failed logins), slowly: 20, then one every 3 minutes",
          Signature({200}, {"POST"}), 20, 180 * kS, Distinct::kNone, 50),
      Row("http-wordpress-xmlrpc", "POST /xmlrpc.php (brute force through system.multicall, pingback abuse)",
          Signature({}, {"POST"}), 5, 10 * kS, Distinct::kNone, 50),
      Row("http-wordpress-user-enum", "WordPress user enumeration (?author=N, /wp-json/wp/v2/users)",
          Signature(), 2, 10 * kS, Distinct::kUri, 30),
      Row("http-generic-bf", "failed logins: POST answered 401/403, basic-auth failures in the error log",
          failed_auth, 5, 10 * kS, Distinct::kNone, 50),
      Row("http-generic-bf-slow", "slow brute force: failed logins every 20-60 s (fail2ban's 5 in 10 minutes)",
          failed_auth, 5, 180 * kS, Distinct::kNone, 50),
      Row("nginx-limit-req", "nginx limit_req / limit_conn refusals (error log)", limits, 5, 10 * kS,
          Distinct::kNone, 40),
      Row("nginx-access-forbidden", "nginx 'access forbidden by rule' (error log)", forbidden, 10, 10 * kS,
          Distinct::kNone, 30),
      Row("http-open-proxy", "CONNECT or absolute http:// targets (open-proxy probes)",
          Special(EventFilter::Special::kProxyRequest), 1, 60 * kS, Distinct::kNone, 50),
      Row("http-w00tw00t", "the /w00tw00t.at.* probes of old DFind scanners", Signature(), 0, 60 * kS,
          Distinct::kNone, 60),
      Row("http-sap-interface-probing", "SAP NetWeaver / ICM admin and portal paths probed",
          Signature(), 1, 10 * kS, Distinct::kNone, 50),
      Row("http-wordpress_wpconfig", "wp-config.php variations (.bak, ~, .swp, .save...) as wpscan tries them",
          Signature(), 5, 10 * kS, Distinct::kPath, 60),
      Row("http-cve-probing", "probes of well-known CVEs (Log4Shell, Spring4Shell, F5, Fortinet, ...)",
          Signature(), 0, 60 * kS, Distinct::kNone, 90),
      Row("http-flood", "request-rate flood: over 10 requests/s sustained, bursts of 200", Any(), 200,
          kS / 10, Distinct::kNone, 50),
      Row("http-dos-switching-ua", "many distinct user agents from one client within seconds", Any(), 10,
          5 * kS, Distinct::kUserAgent, 50),
      Row("http-bad-request", "junk request lines (TLS on the HTTP port, binary) and invalid HTTP versions",
          Special(EventFilter::Special::kJunkRequest), 5, 60 * kS, Distinct::kNone, 30),
  };
  // A fixed path that checks the whole chain end to end (CrowdSec's and
  // ours): an alert, never a ban.
  Scenario test = Row("http-generic-test", "a fixed test path (/defender-scan-test-9v3kq7, CrowdSec's too): an "
                      "alert that checks the chain, never a ban", Signature(), 0, 60 * kS, Distinct::kNone, 1);
  test.settings.simulate = true;
  v.push_back(std::move(test));
  return v;
}

const std::vector<ScenarioAlias>& ScenarioAliases() {
  static const std::vector<ScenarioAlias> kAliases = {
      {"http-dos-swithcing-ua", "http-dos-switching-ua"},
      {"http-sqli-probbing-detection", "http-sqli-probing"},
      {"http-xss-probbing", "http-xss-probing"},
      {"http-wordpress_user-enum", "http-wordpress-user-enum"},
      {"nginx-req-limit-exceeded", "nginx-limit-req"},
      {"http-dos-invalid-http-versions", "http-bad-request"},
  };
  return kAliases;
}

std::string_view CanonicalScenarioName(std::string_view name) {
  constexpr std::string_view kOwner = "crowdsecurity/";
  if (name.substr(0, kOwner.size()) == kOwner) name.remove_prefix(kOwner.size());
  for (const ScenarioAlias& a : ScenarioAliases()) {
    if (a.alias == name) return a.name;
  }
  return name;
}

}  // namespace defender
