#include "cli/reorder_buffer.h"

namespace defender {

void ReorderBuffer::Push(LogTime t, std::string_view text, const LogRecord& record, uint64_t line_no) {
  Line line{t, seq_++, nullptr, RecordTextSize(text, record), {}, record, line_no};
  line.storage.reset(new char[line.size]);
  line.text = CopyRecordText(text, &line.record, line.storage.get());
  bytes_ += sizeof(Line) + line.size;
  held_.push(std::move(line));
}

}  // namespace defender
