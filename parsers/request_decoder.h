// RequestDecoder: turns a LogRecord's fields into the DecodedRequest that
// detectors match: nginx escapes decoded, URL-decoded up to twice, the path
// normalised and lower-cased. Fields without escapes are passed through
// without copying. Buffers are reused, so decoding does not allocate once
// they have grown. Not thread-safe; the result is valid until the next call.
#pragma once

#include <string>

#include "core/decoded_request.h"
#include "core/log_record.h"

namespace defender {

class RequestDecoder {
 public:
  const DecodedRequest& Decode(const LogRecord& record);

 private:
  std::string scratch_, path_, query_, uri_, normalized_, user_agent_, referer_;
  DecodedRequest out_;
};

}  // namespace defender
