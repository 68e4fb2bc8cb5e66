#include "core/log_record.h"

#include <emmintrin.h>

#include <cstring>
#include <type_traits>

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

static_assert(std::is_trivially_copyable_v<LogRecord> && sizeof(LogRecord) % 8 == 0);

void CopyRecord(const LogRecord& from, LogRecord* to) {
  const char* src = reinterpret_cast<const char*>(&from);
  char* dst = reinterpret_cast<char*>(to);
  size_t i = 0;
  for (; i + 16 <= sizeof(LogRecord); i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
  }
  for (; i < sizeof(LogRecord); i += 8) std::memcpy(dst + i, src + i, 8);
}

void ClearRecord(LogRecord* record) {
  static const LogRecord kEmpty;
  CopyRecord(kEmpty, record);
}

namespace {

constexpr std::string_view LogRecord::*kTextFields[] = {
    &LogRecord::client_name, &LogRecord::request,         &LogRecord::method,
    &LogRecord::path,        &LogRecord::query,           &LogRecord::protocol,
    &LogRecord::referer,     &LogRecord::user_agent,      &LogRecord::x_forwarded_for,
    &LogRecord::host,        &LogRecord::remote_user,     &LogRecord::upstream_response_time,
    &LogRecord::sender,
};

// Whether `field` lies inside `line` (addresses compared as integers: the
// two may belong to unrelated buffers).
bool Inside(std::string_view field, std::string_view line) {
  const auto begin = reinterpret_cast<uintptr_t>(line.data());
  const auto at = reinterpret_cast<uintptr_t>(field.data());
  return at >= begin && at - begin <= line.size() && field.size() <= line.size() - (at - begin);
}

}  // namespace

size_t RecordTextSize(std::string_view line, const LogRecord& record) {
  size_t size = line.size();
  for (auto field : kTextFields) {
    const std::string_view text = record.*field;
    if (!text.empty() && !Inside(text, line)) size += text.size();
  }
  return size;
}

std::string_view CopyRecordText(std::string_view line, LogRecord* record, char* dest) {
  if (!line.empty()) std::memcpy(dest, line.data(), line.size());
  size_t at = line.size();
  for (auto field : kTextFields) {
    std::string_view& text = record->*field;
    if (text.empty()) {
      text = {};
    } else if (Inside(text, line)) {
      text = std::string_view(dest + (text.data() - line.data()), text.size());
    } else {
      std::memcpy(dest + at, text.data(), text.size());
      text = std::string_view(dest + at, text.size());
      at += text.size();
    }
  }
  return std::string_view(dest, line.size());
}

}  // namespace defender
