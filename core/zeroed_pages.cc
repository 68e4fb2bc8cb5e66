#include "core/zeroed_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace defender {

namespace {
constexpr size_t kHugePage = 2u << 20;
}

ZeroedPages::ZeroedPages(size_t bytes) : size_(bytes) {
  const bool huge = bytes >= kHugePage;
  mapped_ = huge ? bytes + kHugePage : bytes;  // room to start on a huge page
  mapping_ = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t at = reinterpret_cast<uintptr_t>(mapping_);
  data_ = huge ? reinterpret_cast<void*>((at + kHugePage - 1) & ~uintptr_t(kHugePage - 1)) : mapping_;
  if (huge) madvise(data_, size_, MADV_HUGEPAGE);  // a hint: without it, small pages
}

ZeroedPages::~ZeroedPages() { munmap(mapping_, mapped_); }

void ZeroedPages::Zero() {
  // Private anonymous pages read as zero again once dropped.
  madvise(mapping_, mapped_, MADV_DONTNEED);
}

}  // namespace defender
