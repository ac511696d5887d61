"""Reading the toolkit's tables (scores, portfolios, agreement) in tests, typed.

pandas types a single cell as any scalar at all; a test asserting on a number wants a float,
and a test asserting a factor is unscored wants to say so, not compare with NaN.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable

import pandas as pd


def number(frame: pd.DataFrame, row: Hashable, column: Hashable) -> float:
    """The number at ``row``, ``column`` of ``frame`` (NaN where there is none); the test fails
    if the cell holds something else."""
    value = frame.at[row, column]
    assert isinstance(value, numbers.Real), f"{row}, {column}: {value!r} is not a number"
    return float(value)


def blank(frame: pd.DataFrame, row: Hashable, column: Hashable) -> bool:
    """Whether the cell at ``row``, ``column`` is empty (NaN, None, ``pd.NA``): never 0 for a
    factor nobody scored."""
    value: object = frame.at[row, column]
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, numbers.Real) and math.isnan(float(value)))
    )
