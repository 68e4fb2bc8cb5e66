#include "detectors/scenario.h"

namespace defender {

namespace {

constexpr LogTime kS = kSecond;

uint16_t Kinds(std::initializer_list<EventKind> kinds) {
  uint16_t bits = 0;
  for (EventKind k : kinds) bits |= uint16_t(1u << uint8_t(k));
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
  failed_auth.kinds = Kinds({EventKind::kRequest, EventKind::kAuthUserNotFound, EventKind::kAuthPasswordMismatch,
                             EventKind::kMailLoginFailed});
  EventFilter webdav;
  webdav.methods = {"PROPFIND", "PROPPATCH", "SEARCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"};
  webdav.statuses = {400, 403, 404, 405, 414, 500, 501};
  EventFilter tls_failures;
  tls_failures.kinds = Kinds({EventKind::kTlsHandshakeFailed});
  failed_auth.methods = {"POST"};
  failed_auth.statuses = {401, 403};
  // A shared address (NAT) whose users log in: its successes give tokens
  // back, so the odd failure among them never adds up.
  failed_auth.give_back_statuses = Range(200, 399);
  EventFilter limits;
  limits.kinds = Kinds({EventKind::kLimitReq, EventKind::kLimitConn});
  EventFilter forbidden;
  forbidden.kinds = Kinds({EventKind::kAccessForbidden});

  // A shared address's users each keep their browser; a rotating client
  // never uses one twice.
  Scenario switching_ua = Row("http-dos-switching-ua", "many distinct user agents from one client within seconds; "
                              "a user agent seen again gives half a token back", Any(), 10, 8 * kS,
                              Distinct::kUserAgent, 50);
  switching_ua.settings.repeats_give_back = true;

  // fail2ban's aggressive mode: scanners speaking anything but TLS to 443
  // cause these, but so do old clients and broken middleboxes.
  Scenario tls_failures_row = Row("nginx-tls-handshake-failed", "SSL_do_handshake() failures (error log, info "
                                  "level); off unless enabled", tls_failures, 5, 120 * kS, Distinct::kNone, 20);
  tls_failures_row.settings.enabled = false;

  // Per path: a busy shared address asks many pages with many queries, a
  // cache-busting client one page with a new query every time.
  Scenario bypass_cache = Row("http-dos-bypass-cache", "a new query string on every request to one path: over 30 "
                              "distinct queries at once, then more than one a second",
                              Special(EventFilter::Special::kWithQuery), 30, kS, Distinct::kQuery, 40);
  bypass_cache.settings.per_path = true;

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
          Signature({401, 403, 404}), 2, 10 * kS, Distinct::kPath, 40),
      Row("http-wordpress-scan", "WordPress paths answered 403/404 (plugin and theme probes)",
          Signature({403, 404}), 3, 10 * kS, Distinct::kPath, 40),
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
      Row("nginx-limit-req", "nginx limit_req / limit_conn refusals (error log)", limits, 5, 60 * kS,
          Distinct::kNone, 40),
      Row("nginx-access-forbidden", "nginx 'access forbidden by rule' (error log)", forbidden, 10, 10 * kS,
          Distinct::kNone, 30),
      tls_failures_row,
      Row("http-open-proxy", "CONNECT or absolute http:// targets (open-proxy probes)",
          Special(EventFilter::Special::kProxyRequest), 1, 60 * kS, Distinct::kNone, 50),
      Row("http-w00tw00t", "the /w00tw00t.at.* probes of old DFind scanners", Signature(), 0, 60 * kS,
          Distinct::kNone, 60),
      Row("http-sap-interface-probing", "SAP NetWeaver / ICM admin and portal paths probed",
          Signature(), 1, 10 * kS, Distinct::kNone, 50),
      Row("http-wordpress_wpconfig", "wp-config.php variations (.bak, ~, .swp, .save...) as wpscan tries them",
          Signature(), 5, 10 * kS, Distinct::kPath, 60),
      Row("http-cve-probing", "probes of well-known CVEs without a scenario of their own (vCenter, Jira, "
          "Citrix, GPON, Laravel Ignition, F5 iControl, ...)", Signature(), 0, 60 * kS, Distinct::kNone, 90),
      // Only answered 4xx: a site that runs the product answers its own pages.
      Row("http-technology-probing", "a product's marker page (VPN and firewall portals, Exchange, WebLogic, "
          "OFBiz...) answered 4xx: fingerprinting", Signature(Range(400, 499)), 0, 60 * kS, Distinct::kNone, 40),
      Row("http-flood", "request-rate flood: over 10 requests/s sustained, bursts of 200", Any(), 200,
          kS / 10, Distinct::kNone, 50),
      // Random paths or cache-busting queries get past a cache to the
      // application; pages only, so a page load's assets do not count.
      Row("http-dos-random-uri", "a new path on every request: over 30 distinct pages at once, then more than one a second",
          Special(EventFilter::Special::kNonStatic), 30, kS, Distinct::kPath, 40),
      bypass_cache,
      switching_ua,
      // Not distinct: worms repeat one request (PROPFIND floods, IIS SEARCH).
      Row("http-webdav-probing", "WebDAV methods (PROPFIND, SEARCH, MKCOL...) answered 4xx/5xx by a site "
          "without WebDAV", webdav, 5, 30 * kS, Distinct::kNone, 30),
      Row("http-bad-request", "junk request lines (TLS on the HTTP port, binary), invalid HTTP versions, URIs "
          "too long (414)",
          Special(EventFilter::Special::kJunkRequest), 5, 60 * kS, Distinct::kNone, 30),
  };
  // Single CVEs, each a scenario under CrowdSec's name; the signature rule
  // of the same name (signature_rules.cc) feeds it.
  struct Cve {
    const char* name;
    const char* description;
    int capacity = 0;
  };
  const Cve kCves[] = {
      {"http-cve-2021-41773", "Apache httpd 2.4.49 path traversal (/cgi-bin/.%2e/)"},
      {"http-cve-2021-42013", "Apache httpd 2.4.50 path traversal, encoded twice (%%32%65)"},
      {"grafana-cve-2021-43798", "Grafana plugin path traversal (/public/plugins/x/../)"},
      {"vmware-vcenter-vmsa-2021-0027", "vCenter file read and SSRF (provider-logo?url=, h5-vsan proxy)"},
      {"fortinet-cve-2018-13379", "FortiOS SSL VPN path traversal (fgt_lang?lang=/../)"},
      {"pulse-secure-sslvpn-cve-2019-11510", "Pulse Secure file read (/dana-na/../dana/html5acc/)"},
      {"f5-big-ip-cve-2020-5902", "F5 BIG-IP TMUI traversal (/tmui/login.jsp/..;/)"},
      {"thinkphp-cve-2018-20062", "ThinkPHP RCE (invokefunction, \\think\\app)"},
      {"apache_log4j2_cve-2021-44228", "Log4Shell ${jndi: in URI, user agent or referer, obfuscated too"},
      {"jira_cve-2021-26086", "Jira path traversal to WEB-INF / META-INF (/s/x/_/;/WEB-INF/)"},
      {"spring4shell_cve-2022-22965", "Spring Framework RCE (class.module.classLoader)"},
      {"vmware-cve-2022-22954", "VMware Workspace ONE template injection (oauth/verify?deviceUdid=${)"},
      {"CVE-2022-37042", "Zimbra mboximport authentication bypass"},
      {"CVE-2022-41082", "Exchange ProxyNotShell (autodiscover.json with powershell)"},
      {"CVE-2022-35914", "GLPI htmLawed command injection (htmLawedTest.php)"},
      {"CVE-2022-40684", "FortiOS admin authentication bypass (/api/v2/cmdb/system/admin)"},
      {"CVE-2022-26134", "Confluence OGNL injection (${...} in the path)"},
      {"CVE-2022-42889", "Text4Shell: ${script:, ${dns:, ${url: interpolation"},
      {"CVE-2022-41697", "Ghost user enumeration: failed POSTs to /ghost/api/admin/session", 5},
      {"CVE-2022-46169", "Cacti remote_agent.php command injection (poller_id=;cmd)"},
      {"CVE-2022-44877", "CentOS Web Panel login=$(...) command injection"},
      {"CVE-2019-18935", "Telerik UI deserialization (WebResource.axd?type=rau)"},
      {"netgear_rce", "Netgear DGN setup.cgi?todo=syscmd&cmd= command execution"},
      {"CVE-2023-22515", "Confluence broken access control (setupComplete=false, setupadministrator)"},
      {"CVE-2023-22518", "Confluence improper authorization (/json/setup-restore*.action)"},
      {"CVE-2023-49103", "ownCloud graphapi GetPhpInfo.php information disclosure"},
      {"CVE-2017-9841", "PHPUnit eval-stdin.php remote code execution"},
      {"CVE-2024-38475", "Apache mod_rewrite escaping flaw (%3F in the path)", 3},
      {"CVE-2024-0012", "PAN-OS management authentication bypass (/php/ztp_gate.php)"},
      {"CVE-2024-9474", "PAN-OS privilege escalation (createRemoteAppwebSession.php)"},
  };
  for (const Cve& c : kCves) {
    EventFilter f = Signature();
    if (c.name == std::string_view("CVE-2022-41697")) {  // failed logins only
      f.methods = {"POST"};
      f.statuses = Range(400, 499);
    }
    if (c.name == std::string_view("http-cve-2021-42013")) f.special = EventFilter::Special::kEncodedTwice;
    v.push_back(Row(c.name, c.description, std::move(f), c.capacity, c.capacity == 0 ? 60 * kS : 10 * kS,
                    Distinct::kNone, 90));
  }
  // A fixed path that checks the whole chain end to end (CrowdSec's and
  // ours): an alert, never a ban.
  Scenario test = Row("http-generic-test", "a fixed test path (/defender-scan-test-9v3kq7, CrowdSec's too): an "
                      "alert that checks the chain, never a ban", Signature(), 0, 60 * kS, Distinct::kNone, 1);
  test.settings.simulate = true;
  v.push_back(std::move(test));
  // Not a bucket: the behaviour model (detectors/behaviour_model.h) raises
  // it; its filter counts no event. It reports by default; `simulate:
  // false` in config.yaml lets it ban.
  EventFilter none;
  none.kinds = 0;
  Scenario anomaly = Row("behaviour-anomaly", "a client whose behaviour is far from what this site's clients usually "
                         "do (a model learned from the site's own traffic; --anomaly-threshold)",
                         std::move(none), 0, 60 * kS, Distinct::kNone, 30);
  anomaly.settings.simulate = true;
  v.push_back(std::move(anomaly));
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
      {"fortinet-cve-2022-40684", "CVE-2022-40684"},
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
