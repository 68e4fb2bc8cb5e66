// The API's JSON answers: an error, a decision (in /api/block and
// /api/analyze answers) and /api/check's verdict. Every string goes through
// AppendJsonString. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/decision.h"
#include "core/ip_address.h"
#include "server/ban_view.h"

namespace defender {

// {"error":"..."}
std::string ErrorBody(std::string_view message);
// {"action":...,"reason":...,"value":...} with the ban's length and end.
void AppendDecision(fmt::memory_buffer& out, const Decision& d);
// /api/check's JSON answer: the client, whether and why it is refused (and
// the signature `rule` that refused the request itself, if one did).
std::string CheckBody(const IpAddress& client, const BanStatus& status, std::string_view rule);

}  // namespace defender
