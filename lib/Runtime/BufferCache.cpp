//===- BufferCache.cpp - Reused scratch buffers for JIT code --------------===//

#include "seq/Runtime/BufferCache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include <unistd.h>

using namespace seq::runtime;

namespace {

/// Each block starts with a header holding where the system's allocation
/// starts and the block's capacity; the caller's bytes follow it, 64-byte
/// aligned (one cache line, one AVX-512 vector).
constexpr size_t kHeaderBytes = 64;
/// Below this, malloc is fast and returns memory already mapped (glibc
/// maps blocks from 128 KiB up afresh on every call).
constexpr size_t kMinCachedBytes = size_t(64) << 10;

struct Header {
  void *raw;
  size_t capacity;
};

Header *headerOf(void *pointer) {
  return reinterpret_cast<Header *>(static_cast<char *>(pointer) -
                                    sizeof(Header));
}

size_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageBytes = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageBytes <= 0)
    return 0;
  return static_cast<size_t>(pages) * static_cast<size_t>(pageBytes);
}

size_t capFromEnvironment() {
  if (const char *value = std::getenv("SEQ_BUFFER_CACHE_MB")) {
    char *end = nullptr;
    unsigned long long parsed = std::strtoull(value, &end, 10);
    if (end != value && *end == '\0')
      return static_cast<size_t>(parsed) << 20;
  }
  return defaultBufferCacheCap(physicalMemoryBytes());
}

class Cache {
public:
  void *allocate(size_t bytes) {
    if (bytes >= kMinCachedBytes) {
      std::lock_guard<std::mutex> lock(mutex);
      // The smallest free block that holds `bytes` without wasting more
      // than a quarter of it.
      auto it = blocks.lower_bound(bytes);
      if (it != blocks.end() && it->first <= bytes + bytes / 4) {
        void *raw = it->second;
        cached -= it->first;
        blocks.erase(it);
        ++hits;
        return static_cast<char *>(raw) + kHeaderBytes;
      }
      ++misses;
    }
    return allocateAligned(bytes, kHeaderBytes);
  }

  /// A fresh block of `bytes` aligned to `alignment` (a power of two). Only
  /// blocks right after their header (alignment <= kHeaderBytes) are cached.
  void *allocateAligned(size_t bytes, size_t alignment) {
    size_t offset = std::max(alignment, kHeaderBytes);
    size_t total = (offset + bytes + offset - 1) / offset * offset;
    void *raw = std::aligned_alloc(offset, total);
    if (!raw)
      return nullptr;
    void *pointer = static_cast<char *>(raw) + offset;
    *headerOf(pointer) = {raw, bytes};
    return pointer;
  }

  size_t capacityOf(void *pointer) { return headerOf(pointer)->capacity; }

  void release(void *pointer) {
    if (!pointer)
      return;
    Header header = *headerOf(pointer);
    void *raw = header.raw;
    size_t capacity = header.capacity;
    if (capacity >= kMinCachedBytes &&
        raw == static_cast<char *>(pointer) - kHeaderBytes) {
      std::lock_guard<std::mutex> lock(mutex);
      if (capacity <= cap) {
        // Make room by dropping the smallest blocks: large ones are the
        // expensive ones to fault in again.
        while (cached + capacity > cap && !blocks.empty()) {
          cached -= blocks.begin()->first;
          std::free(blocks.begin()->second);
          blocks.erase(blocks.begin());
        }
        blocks.emplace(capacity, raw);
        cached += capacity;
        return;
      }
    }
    std::free(raw);
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &[capacity, raw] : blocks)
      std::free(raw);
    blocks.clear();
    cached = 0;
  }

  BufferCacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex);
    return {hits, misses, cached, cap};
  }

  ~Cache() { clear(); }

private:
  std::mutex mutex;
  std::multimap<size_t, void *> blocks;
  size_t cached = 0;
  size_t cap = capFromEnvironment();
  uint64_t hits = 0, misses = 0;
};

Cache &cache() {
  static Cache instance;
  return instance;
}

} // namespace

size_t seq::runtime::defaultBufferCacheCap(size_t physicalBytes) {
  return std::max(size_t(1) << 30, physicalBytes / 4);
}

void *seq::runtime::cachedMalloc(size_t bytes) {
  return cache().allocate(bytes);
}

void *seq::runtime::cachedCalloc(size_t count, size_t size) {
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes))
    return nullptr;
  void *pointer = cache().allocate(bytes);
  if (pointer)
    std::memset(pointer, 0, bytes);
  return pointer;
}

void *seq::runtime::cachedRealloc(void *pointer, size_t bytes) {
  if (!pointer)
    return cache().allocate(bytes);
  void *moved = cache().allocate(bytes);
  if (!moved)
    return nullptr;
  std::memcpy(moved, pointer, std::min(bytes, cache().capacityOf(pointer)));
  cache().release(pointer);
  return moved;
}

void *seq::runtime::cachedAlignedAlloc(size_t alignment, size_t bytes) {
  if (alignment <= kHeaderBytes)
    return cache().allocate(bytes);
  return cache().allocateAligned(bytes, alignment);
}

void seq::runtime::cachedFree(void *pointer) { cache().release(pointer); }

void seq::runtime::releaseBufferCache() { cache().clear(); }

BufferCacheStats seq::runtime::bufferCacheStats() { return cache().stats(); }
