// Status: the outcome of an operation that can fail, and StatusOr<T>, a
// value or the Status that says why there is none (what factories return).
// The one error channel: no bool + std::string* pairs. A code tells the
// caller what kind of failure it was (the command line exits 2 for kInvalid,
// what the user asked for, and 1 for the rest). The caller must look at it.
// Cheap to copy when ok; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace defender {

enum class StatusCode {
  kOk,
  kInvalid,  // what was asked for cannot be: a bad option, format, rule or configuration
  kFailed,   // the operation failed at run time: I/O, a database, a sink
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  // A run-time failure.
  static Status Error(std::string message) { return Status(StatusCode::kFailed, std::move(message)); }
  // A request that cannot be met as given (exit status 2 on the command line).
  static Status Invalid(std::string message) { return Status(StatusCode::kInvalid, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // "file.log: Permission denied"; empty when ok.
  const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
    if (message_.empty()) message_ = "unknown error";
  }
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit, as a return value
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Error("a StatusOr made of an ok Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace defender
