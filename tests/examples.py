"""How many examples a property test tries.

`make test` tries every one; `make quick` (``TENFOLD_QUICK=1``) a fifth of them, at least five,
so the inner loop still exercises each property while staying fast.
"""

from __future__ import annotations

import os

QUICK = os.environ.get("TENFOLD_QUICK") == "1"


def examples(n: int) -> int:
    """``n`` examples in a full run, a fifth of them (at least 5) in a quick one."""
    return max(5, n // 5) if QUICK else n
