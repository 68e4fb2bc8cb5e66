#include "cli/reorder_buffer.h"

namespace defender {

void ReorderBuffer::Push(LogTime t, std::string_view text, void* owner, uint64_t line_no) {
  held_.push(Line{t, seq_++, std::string(text), owner, line_no});
  bytes_ += text.size();
}

}  // namespace defender
