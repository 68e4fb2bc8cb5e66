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
  // One half of Decode(): the request target (uri, path) or the headers
  // (user_agent, referer); the other half keeps what it held.
  const DecodedRequest& DecodeTarget(const LogRecord& record);
  const DecodedRequest& DecodeHeaders(const LogRecord& record);
  // The text DecodeTarget() decodes as the path: the record's path, or the
  // whole request line of a junk one (so that rules see it). With the query,
  // it is all the target's decoding depends on.
  static std::string_view TargetPath(const LogRecord& record);

 private:
  std::string scratch_, path_, query_, uri_, normalized_, user_agent_, referer_;
  DecodedRequest out_;
};

}  // namespace defender
