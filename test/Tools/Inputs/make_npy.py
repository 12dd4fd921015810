"""Writes the .npy inputs of the seq-run tests into the given directory."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "a.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
np.save(os.path.join(out, "b.npy"), np.ones((2, 3), np.float32))
np.save(os.path.join(out, "f64.npy"), np.ones((2, 3), np.float64))
np.save(os.path.join(out, "wrong_shape.npy"), np.ones((3, 2), np.float32))
np.save(os.path.join(out, "u4.npy"), np.ones((2, 3), np.uint32))
with open(os.path.join(out, "garbage.npy"), "wb") as f:
    f.write(b"not an npy file")
