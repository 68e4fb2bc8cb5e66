#include "core/log_record.h"

namespace defender {

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kRequest: return "request";
    case EventKind::kLimitReq: return "limit_req";
    case EventKind::kLimitConn: return "limit_conn";
    case EventKind::kAuthUserNotFound: return "auth_user_not_found";
    case EventKind::kAuthPasswordMismatch: return "auth_password_mismatch";
    case EventKind::kAuthNoCredentials: return "auth_no_credentials";
    case EventKind::kAccessForbidden: return "access_forbidden";
    case EventKind::kTlsHandshakeFailed: return "tls_handshake_failed";
    case EventKind::kMailLoginFailed: return "mail_login_failed";
  }
  return "unknown";
}

}  // namespace defender
