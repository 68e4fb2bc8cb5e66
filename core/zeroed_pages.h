// ZeroedPages: a block of zero bytes mapped from the kernel, whose pages
// are allocated only when first touched, as huge pages where the kernel
// allows them (blocks of 2 MB or more). For a large table reached at random
// from the first use on: it costs nothing until used, is never zeroed or
// copied up front, and its slots do not each need a TLB entry of their own.
// Owns the mapping; not copyable. Thread-compatible.
#pragma once

#include <cstddef>

namespace defender {

class ZeroedPages {
 public:
  // Throws std::bad_alloc when the kernel refuses the mapping.
  explicit ZeroedPages(size_t bytes);
  ~ZeroedPages();
  ZeroedPages(const ZeroedPages&) = delete;
  ZeroedPages& operator=(const ZeroedPages&) = delete;

  void* data() const { return data_; }
  size_t size() const { return size_; }
  // Makes every byte zero again, handing the pages back.
  void Zero();

 private:
  void* mapping_ = nullptr;
  size_t mapped_ = 0;
  void* data_ = nullptr;  // in mapping_, aligned to a huge page when large
  size_t size_ = 0;
};

}  // namespace defender
