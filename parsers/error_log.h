// A parser for nginx error-log lines:
//   2024/03/31 01:00:00 [error] 12#12: *5 limiting requests, excess: 10.5 by zone "one", client: 198.51.100.7, server: ...
// It recognises limit_req (refusing or delaying) / limit_conn, basic-auth and
// PAM failures and "access forbidden by rule"; other messages are kIgnored.
// The time is the machine's
// local time. The client is nginx's ", client: ADDR, server:" part, the
// first one: the only client-controlled text before it is a basic-auth user
// name, which holds no ':'; a referer after it may forge more. Not
// thread-safe.
#pragma once

#include <memory>

#include "parsers/line_parser.h"

namespace defender {

std::unique_ptr<LineParser> NewErrorLogParser();

}  // namespace defender
