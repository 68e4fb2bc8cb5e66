// The API's JSON answers: an error and /api/check's verdict (a decision is
// written by core/decision_json.h). Every string goes through
// AppendJsonString. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "server/ban_view.h"

namespace defender {

// {"error":"..."}
std::string ErrorBody(std::string_view message);
// /api/check's JSON answer: the client, whether and why it is refused (and
// the signature `rule` that refused the request itself, if one did).
std::string CheckBody(const IpAddress& client, const BanStatus& status, std::string_view rule);

}  // namespace defender
