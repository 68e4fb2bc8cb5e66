#include "parsers/nginx_variables.h"

#include <algorithm>
#include <vector>

namespace defender {

namespace {

// The http core module's and the usual modules' variables (nginx 1.22).
constexpr std::string_view kNames[] = {
    "ancient_browser", "args", "binary_remote_addr", "body_bytes_sent", "bytes_sent", "connection",
    "connection_requests", "connection_time", "content_length", "content_type", "document_root",
    "document_uri", "fastcgi_path_info", "fastcgi_script_name", "gzip_ratio", "host", "hostname", "http2",
    "http3", "https", "invalid_referer", "is_args", "limit_conn_status", "limit_rate", "limit_req_status",
    "memcached_key", "modern_browser", "msec", "msie", "nginx_version", "pid", "pipe", "proxy_add_x_forwarded_for",
    "proxy_host", "proxy_port", "proxy_protocol_addr", "proxy_protocol_port", "proxy_protocol_server_addr",
    "proxy_protocol_server_port", "query_string", "realip_remote_addr", "realip_remote_port", "realpath_root",
    "remote_addr", "remote_port", "remote_user", "request", "request_body", "request_body_file",
    "request_completion", "request_filename", "request_id", "request_length", "request_method", "request_time",
    "request_uri", "scheme", "secure_link", "secure_link_expires", "server_addr", "server_name", "server_port",
    "server_protocol", "status", "tcpinfo_rcv_space", "tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd",
    "time_iso8601", "time_local", "uid_got", "uid_reset", "uid_set", "uri", "date_gmt", "date_local",
};
constexpr std::string_view kPrefixes[] = {"arg_", "cookie_", "http_", "sent_http_", "sent_trailer_", "upstream_",
                                          "ssl_", "geoip_", "jwt_", "otel_"};

}  // namespace

bool IsExactNginxVariable(std::string_view name) {
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool IsNginxVariable(std::string_view name) {
  if (IsExactNginxVariable(name)) return true;
  for (std::string_view p : kPrefixes) {
    if (name.size() > p.size() && name.substr(0, p.size()) == p) return true;
  }
  return false;
}

}  // namespace defender
