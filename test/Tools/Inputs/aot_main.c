// A C host linking an object file that seq-run --emit-object wrote for
// Inputs/add.mlir: calls the exported C wrapper with memref descriptors.
#include <stdint.h>
#include <stdio.h>

typedef struct {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} MemRef2D;

void _mlir_ciface_add(MemRef2D *a, MemRef2D *b, MemRef2D *out);

static MemRef2D view(float *data) {
  MemRef2D m = {data, data, 0, {2, 3}, {3, 1}};
  return m;
}

int main(void) {
  float a[6] = {0, 1, 2, 3, 4, 5}, b[6] = {10, 20, 30, 40, 50, 60}, c[6] = {0};
  MemRef2D ma = view(a), mb = view(b), mc = view(c);
  _mlir_ciface_add(&ma, &mb, &mc);
  for (int i = 0; i < 6; ++i)
    printf("%g%s", c[i], i == 5 ? "\n" : " ");
  return 0;
}
