# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Rank-reducing tensor.extract_slice and tensor.insert_slice with steps on
the kept dimensions, compiled through seq-run, against NumPy indexing. Each
crashed expand-strided-metadata before seq-rank-preserving-slices."""

import numpy as np

import common

rng = np.random.default_rng(11)
x = rng.standard_normal((2, 5, 16, 1)).astype(np.float32)
d = rng.standard_normal((5, 8, 3)).astype(np.float32)
v = rng.standard_normal((4,)).astype(np.float32)

PROGRAM = """
func.func @extract(%x: tensor<2x5x16x1xf32>) -> (tensor<1x8x1xf32>, tensor<5xf32>) {
  %a = tensor.extract_slice %x[1, 0, 1, 0] [1, 1, 8, 1] [3, 1, 2, 1] : tensor<2x5x16x1xf32> to tensor<1x8x1xf32>
  %b = tensor.extract_slice %x[0, 0, 3, 0] [1, 5, 1, 1] [1, 1, 4, 1] : tensor<2x5x16x1xf32> to tensor<5xf32>
  return %a, %b : tensor<1x8x1xf32>, tensor<5xf32>
}
func.func @insert(%v: tensor<4xf32>, %d: tensor<5x8x3xf32>) -> tensor<5x8x3xf32> {
  %r = tensor.insert_slice %v into %d[2, 0, 1] [1, 4, 1] [3, 2, 2] : tensor<4xf32> into tensor<5x8x3xf32>
  return %r : tensor<5x8x3xf32>
}
"""

a, b = common.run(PROGRAM, "extract", [x], num_outputs=2)
np.testing.assert_array_equal(a, x[1:2, 0, 1::2, :][:, :8])
np.testing.assert_array_equal(b, x[0, :, 3, 0])
(r,) = common.run(PROGRAM, "insert", [v, d], num_outputs=1)
expected = d.copy()
expected[2, 0:8:2, 1] = v
np.testing.assert_array_equal(r, expected)
print("ok")
