"""A second program working on a store, for the store contract tests.

python tests/store_worker.py add URL REF COUNT RATER READY GO
    wait until the file GO exists (after writing READY), then add COUNT findings one by one,
    each saved with the snapshot the last save gave back, as the dashboard saves (current
    unless a colleague saved in between)
python tests/store_worker.py hang URL REF INSIDE
    import 500 findings, but stop half-way through writing them: write the file INSIDE and
    sleep, to be killed with SIGKILL in the middle of the transaction
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from toolkit import changes
from toolkit.findings import Finding
from toolkit.stores import open_store


def add(url: str, ref: str, count: int, rater: str, ready: Path, go: Path) -> None:
    with open_store(url) as store:
        snapshot = store.load(ref)
        ready.touch()
        while not go.exists():
            time.sleep(0.01)
        for i in range(count):
            _, change = changes.add_finding(
                factor="purpose", level=i % 5, evidence=f"{rater} note {i}", rater=rater
            )
            snapshot = store.apply(ref, change, known=snapshot)
            # A moment between saves, as between two people's: with none, a program that has
            # just saved takes the lock back before a waiting one wakes (file locks and SQLite
            # poll), and on a loaded machine the waiting one can pass the 10 s lock timeout,
            # which refuses its save with nothing written rather than losing it.
            time.sleep(random.uniform(0.0, 0.02))


def hang(url: str, ref: str, inside: Path) -> None:
    def stop_here() -> None:
        inside.touch()
        time.sleep(600)

    if "://" in url:
        from toolkit.stores import sql

        write = sql.SqlStore._write_differences

        def half_written(self: Any, *args: Any, **kwargs: Any) -> Any:
            layout = write(self, *args, **kwargs)  # every row is written, nothing committed
            stop_here()
            return layout

        sql.SqlStore._write_differences = half_written  # type: ignore[method-assign]
    else:
        from toolkit import _files

        def half_file(fd: int, data: bytes) -> None:
            os.write(fd, data[: len(data) // 2])
            stop_here()

        _files._write_all = half_file
    findings = [
        Finding(factor="purpose", level=2, evidence=f"imported {i}", rater="Hal")
        for i in range(500)
    ]
    with open_store(url) as store:
        store.apply(ref, changes.add_findings(findings, source="big.csv"))


if __name__ == "__main__":
    command, url, ref, *rest = sys.argv[1:]
    if command == "add":
        add(url, ref, int(rest[0]), rest[1], Path(rest[2]), Path(rest[3]))
    else:
        hang(url, ref, Path(rest[0]))
