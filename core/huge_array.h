// HugeArray: a fixed-size array of zero bytes for a large table, mapped
// fresh from the kernel and, from 2 MB, in transparent huge pages when the
// system allows them (madvise): on a virtual machine every 4 KB page fault
// of a table of megabytes is dearly paid, a 2 MB one is one fault. A table
// that grows is mapped once at its largest (only reserved, for a large one,
// then committed as it grows) and rehashed in place. T must be an
// implicit-lifetime type for which all-zero bytes are its empty value.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace defender {

template <typename T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  HugeArray() = default;
  explicit HugeArray(size_t n) : HugeArray(n, PROT_READ | PROT_WRITE) {}
  // Only reserved, for a table that grows into it: nothing may be touched
  // before Commit() makes it usable, and nothing counts against the
  // system's overcommit limit until then (under vm.overcommit_memory=2 too,
  // where MAP_NORESERVE is ignored).
  struct Reserve {};
  HugeArray(size_t n, Reserve) : HugeArray(n, PROT_NONE) {}
  // Makes the first n elements usable (whole 2 MB pages); throws
  // std::bad_alloc if the system will not give the memory.
  void Commit(size_t n) {
    const size_t want = std::min(bytes_, (n * sizeof(T) + kHuge - 1) / kHuge * kHuge);
    if (want <= committed_) return;
    if (mprotect(reinterpret_cast<char*>(data_) + committed_, want - committed_, PROT_READ | PROT_WRITE) != 0) {
      throw std::bad_alloc();
    }
    committed_ = want;
  }
  HugeArray(HugeArray&& o) noexcept { *this = std::move(o); }
  HugeArray& operator=(HugeArray&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(bytes_, o.bytes_);
    std::swap(committed_, o.committed_);
    return *this;
  }
  HugeArray(const HugeArray&) = delete;
  HugeArray& operator=(const HugeArray&) = delete;
  ~HugeArray() {
    if (data_ != nullptr) munmap(data_, bytes_);
  }

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* data() { return data_; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kHuge = size_t(2) << 20;

  HugeArray(size_t n, int prot) : size_(n) {
    bytes_ = (n * sizeof(T) + kHuge - 1) / kHuge * kHuge;
    // Mapped a huge page larger, and the part aligned to 2 MB kept: only
    // aligned 2 MB can be a huge page.
    // MAP_NORESERVE: tables are mapped at the largest size they may grow to
    // and touched as they fill, so only what is touched has to exist (the
    // kernel's overcommit check refused a client table mapped for
    // max_buckets: 1000000000 on a 24 GB machine).
    void* p = mmap(nullptr, bytes_ + kHuge, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t start = reinterpret_cast<uintptr_t>(p);
    const uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start) munmap(p, aligned - start);
    if (const uintptr_t end = start + bytes_ + kHuge; end > aligned + bytes_) {
      munmap(reinterpret_cast<void*>(aligned + bytes_), end - aligned - bytes_);
    }
    madvise(reinterpret_cast<void*>(aligned), bytes_, MADV_HUGEPAGE);  // advice: without it, 4 KB pages
    data_ = reinterpret_cast<T*>(aligned);
    committed_ = prot == PROT_NONE ? 0 : bytes_;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
  size_t committed_ = 0;  // bytes from the start that may be touched
};

// The first half of rehashing a table in place: the elements of
// table[0, n) that `keep` selects are copied to the start of `aside` (room
// for them made usable), and table[0, n) is cleared. Returns how many were
// copied; the caller puts them back.
template <typename T, typename Keep>
size_t SetAside(HugeArray<T>& table, size_t n, HugeArray<T>& aside, Keep keep) {
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!keep(table[i])) continue;
    aside.Commit(kept + 1);
    aside[kept++] = table[i];
  }
  std::memset(static_cast<void*>(table.data()), 0, n * sizeof(T));
  return kept;
}

}  // namespace defender
