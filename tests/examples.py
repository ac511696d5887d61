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


#: The direction embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069), which
#: every text of Tenfold's refuses: one can make a report's text read backwards.
DIRECTION_CONTROLS = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Characters a generated text that must be accepted leaves out, besides control characters and
#: surrogates: the two noncharacters and the direction controls.
REFUSED_CHARACTERS = "\ufffe\uffff" + DIRECTION_CONTROLS
