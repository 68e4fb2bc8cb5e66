// Status: the outcome of a run-time operation that can fail (I/O, a sink).
// The caller must look at it. Cheap to copy when ok; thread-compatible.
#pragma once

#include <string>
#include <utility>

namespace defender {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return message_.empty(); }
  // "file.log: Permission denied"; empty when ok.
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {
    if (message_.empty()) message_ = "unknown error";
  }
  std::string message_;
};

}  // namespace defender
