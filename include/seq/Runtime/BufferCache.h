//===- BufferCache.h - Reused scratch buffers for JIT code ------*- C++ -*-===//
//
// Compiled seq functions allocate their intermediate buffers with malloc and
// free them before returning. glibc maps blocks of 128 KiB and more afresh
// on every call, so a function spent much of its time in page faults
// zeroing memory it was about to overwrite (a 128 x 16K FFT: 11 buffers of
// 16 MiB, half its run time). The CPU engine binds the JIT's malloc and
// free to these functions instead: blocks of 64 KiB and more are kept after
// free and handed to the next allocation they fit (wasting at most a
// quarter), up to a cap on the bytes kept (SEQ_BUFFER_CACHE_MB; by default
// a quarter of physical memory, at least 1 GiB; 0 keeps none). The cap has
// to hold a whole call's intermediates: a 64-channel convolution of 1M
// steps keeps 1.4 GiB, and under a 1 GiB cap it faulted its largest blocks
// in afresh on every call (1.2x slower). Smaller blocks go
// straight to malloc. The Python extension allocates its result arrays here
// too (a dying array frees its block back), so a 1 GiB scan result stops
// costing 0.2 s of page faults.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_BUFFERCACHE_H
#define SEQ_RUNTIME_BUFFERCACHE_H

#include <cstddef>
#include <cstdint>

namespace seq::runtime {

/// malloc for JIT code: a cached block of at least `bytes` when one fits.
void *cachedMalloc(size_t bytes);

/// calloc, realloc and aligned_alloc for JIT code: LLVM turns a malloc
/// followed by a zero fill into calloc, so every allocation function the
/// compiled code may call has to hand out blocks cachedFree understands.
void *cachedCalloc(size_t count, size_t size);
void *cachedRealloc(void *pointer, size_t bytes);
void *cachedAlignedAlloc(size_t alignment, size_t bytes);

/// free for JIT code: large blocks go back to the cache.
void cachedFree(void *pointer);

/// The cap on the bytes kept when SEQ_BUFFER_CACHE_MB is unset: a quarter of
/// `physicalBytes`, at least 1 GiB.
size_t defaultBufferCacheCap(size_t physicalBytes);

/// Returns every cached block to the system.
void releaseBufferCache();

struct BufferCacheStats {
  uint64_t hits = 0, misses = 0;
  size_t cachedBytes = 0, capBytes = 0;
};
BufferCacheStats bufferCacheStats();

} // namespace seq::runtime

#endif // SEQ_RUNTIME_BUFFERCACHE_H
