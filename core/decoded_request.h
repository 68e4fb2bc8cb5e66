// DecodedRequest: the fields of one line as detectors match them, decoded
// from nginx's escapes and URL encoding (see parsers/request_decoder.h). The
// views point into the decoder's buffers and are valid until it decodes the
// next line.
#pragma once

#include <string_view>

namespace defender {

struct DecodedRequest {
  std::string_view uri;         // path + '?' + query, percent-decoded up to twice, '+' as space in the query
  std::string_view path;        // the decoded path, normalised (no //, /./, /../, '\'), lower-case
  std::string_view user_agent;  // nginx escapes decoded
  std::string_view referer;     // nginx escapes decoded
};

}  // namespace defender
