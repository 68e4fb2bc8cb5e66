#include "parsers/line_parser.h"

namespace defender {

std::string_view RejectName(Reject r) {
  switch (r) {
    case Reject::kNone: return "ok";
    case Reject::kEmpty: return "empty";
    case Reject::kFormatMismatch: return "format_mismatch";
    case Reject::kBadClient: return "bad_client";
    case Reject::kBadTime: return "bad_time";
    case Reject::kBadStatus: return "bad_status";
    case Reject::kBadJson: return "bad_json";
    case Reject::kIgnored: return "ignored";
    case Reject::kTooLong: return "too_long";
    case Reject::kTruncated: return "truncated";
    case Reject::kCount: break;
  }
  return "?";
}

}  // namespace defender
