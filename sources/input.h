// Opening one input by name: "-" is stdin; anything else a file. The
// compression is recognised by magic bytes and a decompressor (on its own
// thread) is put in front. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "sources/byte_source.h"
#include "sources/decompress.h"
#include "sources/follow_source.h"

namespace defender {

struct InputOptions {
  bool follow = false;        // --follow (files only)
  FollowOptions follow_options;  // with follow: where to resume
  int idle_ms = 250;          // live inputs report idle this often
  uint64_t start_offset = 0;  // uncompressed regular files: start reading here
  // A compressed input inflates on a thread of its own (read_ahead.h). A
  // batch replay, which reads and parses each input on a thread of its own
  // anyway (cli/parse_ahead.h), asks for none: a third busy thread on two
  // cores made it slower.
  bool read_ahead = true;
};

struct OpenedInput {
  std::unique_ptr<ByteSource> source;
  Compression compression = Compression::kNone;  // live stdin: sniffed later, from its first bytes
  bool live = false;       // stdin pipe/terminal or --follow: the wall clock matters
  bool regular = false;    // a regular file: identity below is set
  bool missing = false;    // --follow: no file yet; it is read from when it appears
  uint64_t dev = 0, ino = 0, size = 0;
  std::string fingerprint;  // its first bytes (up to kFingerprintSize)
};

constexpr size_t kFingerprintSize = 64;

Status OpenInput(const std::string& name, const InputOptions& options, OpenedInput* out);

}  // namespace defender
