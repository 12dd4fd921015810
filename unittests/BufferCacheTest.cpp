//===- BufferCacheTest.cpp - the JIT's reused scratch buffers -------------===//

#include "seq/Runtime/BufferCache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace seq::runtime;

TEST(BufferCache, ReusesAFreedLargeBlock) {
  releaseBufferCache();
  BufferCacheStats before = bufferCacheStats();
  constexpr size_t bytes = 3 << 20;
  void *first = cachedMalloc(bytes);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  std::memset(first, 1, bytes);
  cachedFree(first);
  EXPECT_GE(bufferCacheStats().cachedBytes, bytes);
  // A slightly smaller request fits the kept block (waste under a quarter).
  void *second = cachedMalloc(bytes - 4096);
  EXPECT_EQ(second, first);
  BufferCacheStats after = bufferCacheStats();
  EXPECT_EQ(after.hits, before.hits + 1);
  cachedFree(second);
  releaseBufferCache();
  EXPECT_EQ(bufferCacheStats().cachedBytes, 0u);
}

TEST(BufferCache, DoesNotHandOutMuchLargerBlocks) {
  releaseBufferCache();
  void *large = cachedMalloc(8 << 20);
  cachedFree(large);
  // Half the size: a fresh block, the large one stays cached.
  void *small = cachedMalloc(4 << 20);
  EXPECT_NE(small, large);
  EXPECT_GE(bufferCacheStats().cachedBytes, size_t(8) << 20);
  cachedFree(small);
  releaseBufferCache();
}

TEST(BufferCache, SmallBlocksAndNullPassThrough) {
  releaseBufferCache();
  void *small = cachedMalloc(100);
  ASSERT_NE(small, nullptr);
  std::memset(small, 0, 100);
  cachedFree(small);
  cachedFree(nullptr);
  EXPECT_EQ(bufferCacheStats().cachedBytes, 0u);
}

TEST(BufferCache, DefaultCapIsAQuarterOfMemoryAndAtLeastOneGiB) {
  constexpr size_t GiB = size_t(1) << 30;
  EXPECT_EQ(defaultBufferCacheCap(64 * GiB), 16 * GiB);
  EXPECT_EQ(defaultBufferCacheCap(6 * GiB), 3 * GiB / 2);
  // Small machines, and one whose memory size is unknown (0), keep 1 GiB.
  EXPECT_EQ(defaultBufferCacheCap(2 * GiB), GiB);
  EXPECT_EQ(defaultBufferCacheCap(0), GiB);
  // Unless SEQ_BUFFER_CACHE_MB says otherwise, the live cache uses it.
  if (!std::getenv("SEQ_BUFFER_CACHE_MB"))
    EXPECT_GE(bufferCacheStats().capBytes, GiB);
}
