"""Type aliases for the simulator's numpy columns."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
"""Float column (epoch seconds, NaN where a step never happens)."""
I64 = NDArray[np.int64]
"""Integer column (indices, day numbers, sequences)."""
Bool = NDArray[np.bool_]
"""Boolean column (flags per case)."""
