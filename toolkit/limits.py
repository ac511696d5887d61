"""The sizes Tenfold accepts, checked before any work is done, so bad input fails in a moment.

Each limit is a module attribute, read when it is checked; a script that really needs more may
raise one (``toolkit.limits.MAX_IMPORT_ROWS = 100_000``) at its own risk of time and memory.

=============================  ==========  =====================================================
limit                          default     what it bounds
=============================  ==========  =====================================================
``MAX_FINDINGS``               50,000      findings in one engagement (load, add, import)
``MAX_ENGAGEMENT_BYTES``       64 MB       size of an engagement file on disk
``MAX_IMPORT_BYTES``           32 MB       size of a CSV or XLSX file to import
``MAX_IMPORT_UNPACKED_BYTES``  256 MB      an XLSX file's content once unpacked (zip bombs)
``MAX_IMPORT_ROWS``            50,000      rows in a CSV or XLSX file to import
``XLSX_CELL_CHARS``            32,767      characters Excel keeps in one cell; longer evidence
                                           continues in the next columns and is joined on import
``MAX_UPLOAD_FILES``           2           files in one upload to the viewer (an engagement, or
                                           two of one client to compare)
``MAX_UPLOAD_BYTES``           128 MB      bytes in one upload to the viewer, all files together
                                           (two engagement files at their limit); the most one
                                           page's upload holds in the server's memory
=============================  ==========  =====================================================
"""

from __future__ import annotations

__all__ = [
    "MAX_ENGAGEMENT_BYTES",
    "MAX_FINDINGS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_IMPORT_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_FILES",
    "XLSX_CELL_CHARS",
    "describe_bytes",
]

MAX_FINDINGS = 50_000
MAX_ENGAGEMENT_BYTES = 64 * 10**6
MAX_IMPORT_BYTES = 32 * 10**6
MAX_IMPORT_UNPACKED_BYTES = 256 * 10**6
MAX_IMPORT_ROWS = 50_000
XLSX_CELL_CHARS = 32_767
MAX_UPLOAD_FILES = 2
MAX_UPLOAD_BYTES = 2 * MAX_ENGAGEMENT_BYTES


def describe_bytes(size: int) -> str:
    """A size in words a consultant reads at a glance: ``"4.3 MB"``, ``"1.5 GB"``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"
