// User-agent substrings of security scanners, exploit tools, vulnerability
// probes, content scrapers and spam/harvest bots. Matched caseless anywhere
// in the User-Agent. Not here on purpose: generic HTTP libraries (curl, Wget,
// python-requests, Python-urllib, libwww-perl, Go-http-client, okhttp),
// which legitimate scripts send, and crawlers and link checkers (Nutch,
// Xenu, W3C-checklink): a plain client or a crawler is no evidence by
// itself; the rate and probing scenarios judge what it does.
#include "detectors/signature_rules.h"

namespace defender {

const std::vector<std::string_view>& BadUserAgents() {
  static const std::vector<std::string_view> kAgents = {
      // vulnerability and web scanners
      "sqlmap", "nikto", "nmap scripting engine", "nmap nse", "masscan", "zgrab", "zmap", "nuclei",
      "projectdiscovery", "wpscan", "gobuster", "dirbuster", "dirb/", "(dirb)", "ffuf", "fuzz faster u fool",
      "feroxbuster", "wfuzz", "acunetix", "netsparker", "invicti", "nessus", "openvas", "greenbone",
      "qualys", "qualysguard", "w3af", "skipfish", "arachni", "burp collaborator", "burpsuite",
      "owasp zap", "zaproxy", "appscan", "webinspect", "hp webinspect", "rapid7", "nexpose",
      "metasploit", "msf scanner", "commix", "xsstrike", "xsser", "jaeles", "dalfox", "whatweb",
      "wapiti", "vega/", "paros", "webscarab", "ratproxy", "sqlninja", "havij", "pangolin",
      "bsqlbf", "absinthe", "marathon tool", "mysqloit", "sqlsus", "fimap", "joomscan", "droopescan",
      "cmsmap", "cmseek", "wpsec", "plecost", "vulnscan", "vuln scanner", "scanner/", "hydra",
      "thc-hydra", "medusa", "ncrack", "patator", "crowbar", "brutus", "bruteforce", "cewl",
      "dotdotpwn", "wpforce", "yertle", "blackwidow", "webshag", "uniscan", "golismero", "sn1per",
      "osmedeus", "reconftw", "amass", "subfinder", "httpx -", "naabu", "katana/", "hakrawler",
      "gospider", "waybackurls", "gau/", "meg/", "aquatone", "eyewitness", "gowitness", "webanalyze",
      "retire.js", "nikto/", "morfeus", "zmeu", "muieblackcat", "fuck you", "jorgee", "shellshock",
      "() {", "struts-pwn", "struts2 scanner", "log4j scanner", "log4shell", "jndi:", "cve-20",
      "exploit", "pwnscan", "l9explore", "l9tcpid", "leakix", "censysinspect", "expanse, a palo alto",
      "internet-measurement", "internetmeasurement", "researchscan", "scaninfo@", "security scan",
      "securityscan", "scanner.ducks", "netcraft ssl server survey", "project sonar", "sonar.rapid7",
      "odin.io", "binaryedge", "shodan", "onyphe", "criminalip", "fofa", "zoomeye", "quake360",
      "netsystemsresearch", "ipip.net", "stretchoid", "nimbostratus", "polaris botnet", "hello, world",
      "hello world", "xfa1", "owasp amass",
      // exploit kits, bots and malware families seen in web logs
      "zgrab/0.x", "gh0st", "jaascois", "muhstik", "sysscan", "tsunami", "kaiten", "gafgyt", "bashlite",
      "mozi.", "androxgh0st", "legion exploit", "wininet test", "phpcrawl",
      // site rippers and harvesters
      "httrack", "webcopier", "webzip", "websauger", "webstripper",
      "web downloader", "offline explorer", "teleport pro", "emailcollector", "emailsiphon",
      "emailwolf", "email extractor", "extractorpro", "email harvester", "webemailextrac", "atomic_email_hunter",
      "contactbot", "cherrypicker", "zyborg",
      "sitesnagger", "webreaper", "webleacher", "pagegrabber", "website quester", "black hole",
      "botalot", "builtbottough", "bunnyslippers", "copyrightcheck",
      "dittospyder", "dumbot", "enterprise_search", "erocrawler", "foobot",
      "hloader", "humanlinks", "infonavirobot", "jennybot", "kenjin spider", "keyword density",
      "lexibot", "linkextractorpro", "lnspiderguy", "microsoft url control",
      "miixpc", "mister pix", "moget", "netants", "netzip", "openfind", "propowerbot",
      "prowebwalker", "queryn metasearch", "repomonkey", "spankbot", "suzuran",
      "szukacz", "telesoft", "the intraformant", "thenomad", "tighttwatbot", "true_robot", "turingos",
      "urly warning", "voideye", "webauto", "webbandit", "webenhancer",
      "webmasterworldforumbot", "webster pro",       "asterias", "b2w/0.1", "backdoorbot", "bookmark search tool",
      "cegbfeieh", "cheesebot", "dbrowse", "dsurf", "ebingbong", "flaming attackbot",
      "gasaposbot", "hmview", "iron33", "mata hari", "nameprotect", "npbot", "pockey", "searchpreview",
      "sqworm", "webfuck", "webpictures", "wise guys", "xaldon_webspider",   };
  return kAgents;
}

}  // namespace defender
