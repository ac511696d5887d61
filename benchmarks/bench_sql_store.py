"""The SQL store on PostgreSQL against the folder of files and against the database itself.

    .venv/bin/python -m benchmarks.bench_sql_store [--repeat K] [--trials N] [--engagements N]
        [--saves-only]

Three figures, each a ratio to a baseline measured in the same run:

1. **A save** (one finding added through ``Store.apply`` with the caller's current snapshot, as
   the dashboard saves) on engagements of 45, 500 and 2,000 findings: PostgreSQL as a ratio to
   the folder store doing the same on the same machine. Both are durable: the folder fsyncs its
   file, PostgreSQL runs with its default fsync and synchronous commit. Aim: at most 1.2x.
2. **The colleague's delay**: from one program's save returning (its commit done) to another
   program's watch hearing of it, PostgreSQL LISTEN/NOTIFY (and, for comparison, SQLite's version
   poll and the folder's file poll). Aim: at most 1 s.
3. **A portfolio of 10,000 engagements** (45 findings each) scored from PostgreSQL
   (``Store.portfolio_scores``) as a ratio to a bare ``SELECT`` of the same findings' columns.
   Aim: at most 3x.

PostgreSQL is a throwaway cluster of the machine's own package (``toolkit.stores.throwaway``),
listening on a Unix socket; the figures are skipped with a message where it is not installed.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_store import make_engagement, paired_medians
from toolkit import changes, load_framework
from toolkit.findings import SOURCES
from toolkit.stores import Snapshot, Store, open_store, throwaway
from toolkit.stores.database import make_engine, parse_url, upgrade
from toolkit.stores.rows import STEP

SIZES = (45, 500, 2_000)


def _saver(store: Store, ref: str) -> Callable[[], None]:
    """One add with the current snapshot, as the dashboard saves; keeps the snapshot current."""
    state: dict[str, Snapshot] = {"snap": store.load(ref)}
    counter = iter(range(10**9))

    def save() -> None:
        _, change = changes.add_finding(
            factor="purpose", level=2, evidence=f"added {next(counter)}", rater="Ana Lima"
        )
        state["snap"] = store.apply(ref, change, known=state["snap"])

    return save


def saves(pg_url: str, repeat: int) -> list[dict[str, float]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="tenfold-bench-") as folder:
        folder_store = open_store(folder)
        with open_store(pg_url) as pg:
            for size in SIZES:
                engagement = make_engagement(size)
                fref = folder_store.create(engagement, name=f"e{size}.json").ref
                pref = pg.create(engagement).ref
                (f_s, f_cpu), (p_s, p_cpu) = paired_medians(
                    _saver(folder_store, fref), _saver(pg, pref), repeat
                )
                results.append(
                    {"findings": size, "folder_s": f_s, "pg_s": p_s, "ratio": p_s / f_s,
                     "folder_cpu": f_cpu, "pg_cpu": p_cpu}
                )  # fmt: skip
    print(f"a save (one finding added, current snapshot), median of {repeat} runs each")
    print(f"  {'findings':>8}  {'folder':>9}  {'PostgreSQL':>10}  {'ratio':>5}  CPU folder / pg")
    for r in results:
        print(
            f"  {int(r['findings']):8,d}  {r['folder_s'] * 1e3:6.1f} ms  {r['pg_s'] * 1e3:7.1f} ms"
            f"  {r['ratio']:4.2f}x  {r['folder_cpu'] * 1e3:.1f} / {r['pg_cpu'] * 1e3:.1f} ms"
        )
    return results


_LISTENER = """
import sys, time
from toolkit.stores import open_store
with open_store(sys.argv[1]) as store, store.watch() as watch:
    print("ready", flush=True)
    for ref in watch:
        print(repr(time.time()), ref, flush=True)
"""


def colleague_delay(url: str, trials: int) -> list[tuple[float, float]]:
    """For each save here: seconds from its start, and from its return (its commit is between),
    to another program's watch hearing of it. The second is negative when the colleague heard
    before the saving call had even returned."""
    with open_store(url) as store:
        ref = store.create(make_engagement(45)).ref
        listener = subprocess.Popen(
            [sys.executable, "-c", _LISTENER, url], stdout=subprocess.PIPE, text=True
        )
        try:
            assert listener.stdout is not None
            assert listener.stdout.readline().strip() == "ready"
            time.sleep(0.5)  # the watch has taken its first look
            save = _saver(store, ref)
            delays = []
            for _ in range(trials):
                time.sleep(random.uniform(0.05, 0.3))  # not in step with a poll
                started = time.time()
                save()
                saved = time.time()
                heard = float(listener.stdout.readline().split()[0])
                delays.append((heard - started, heard - saved))
        finally:
            listener.kill()
            listener.wait()
    return delays


def delays(urls: dict[str, str], trials: int) -> dict[str, list[tuple[float, float]]]:
    out = {name: colleague_delay(url, trials) for name, url in urls.items()}
    print(
        f"the colleague's delay: a save here to another program's watch hearing it, {trials} saves"
    )
    print(f"  {'':28s} {'from the save starting':>24s}   {'from it returning':>20s}")
    for name, seen in out.items():
        start = [s for s, _ in seen]
        end = [e for _, e in seen]
        print(
            f"  {name:28s} median {statistics.median(start) * 1e3:6.1f} ms, "
            f"max {max(start) * 1e3:6.1f} ms   median {statistics.median(end) * 1e3:6.1f} ms"
        )
    return out


def populate(url: str, n: int, findings: int = 45, *, seed: int = 11) -> None:
    """``n`` engagements of ``findings`` findings each, written with COPY (setup only)."""
    import psycopg

    rng = random.Random(seed)
    fw = load_framework()
    ids = fw.factor_ids
    engagements, rows = io.StringIO(), io.StringIO()
    for e in range(n):
        eid = f"bench{e:06d}"
        raters = rng.sample([f"Consultant {i:03d}" for i in range(300)], 3)
        document = {
            "not_applicable": [ids[1]] if e % 7 == 0 else [],
            "notes": "",
            "overrides": {},
            "targets": dict.fromkeys(ids, 3),
        }
        engagements.write(
            "\t".join(
                [eid, f"Client {e // 2:05d}", "Service management diagnostic", raters[0],
                 f"{2025 + e % 2}-{1 + e % 12:02d}-15", fw.id, fw.version, "open",
                 json.dumps(document), "4", "1"]
            ) + "\n"
        )  # fmt: skip
        for k in range(findings):
            rows.write(
                "\t".join(
                    [eid, f"{e:06x}{k:06x}", str(k * STEP), ids[k % len(ids)],
                     str(rng.randrange(5)), f"Observation {k + 1}.",
                     SOURCES[rng.randrange(len(SOURCES) - 1)], raters[k % 3],
                     f"2026-{1 + e % 12:02d}-{1 + k % 28:02d} {9 + k % 8:02d}:00:00+00", "0"]
                ) + "\n"
            )  # fmt: skip
    engine = make_engine(parse_url(url))
    raw = engine.raw_connection()
    conn: psycopg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
    with conn.cursor() as cur:
        with cur.copy(
            "COPY engagements (id, client, title, lead, date, framework_id, framework_version, "
            "phase, document, schema_version, version) FROM STDIN"
        ) as copy:
            copy.write(engagements.getvalue())
        with cur.copy(
            "COPY findings (engagement_id, id, position, factor, level, evidence, source, rater, "
            "recorded_at, recorded_offset) FROM STDIN"
        ) as copy:
            copy.write(rows.getvalue())
        conn.commit()
        cur.execute("ANALYZE")
    raw.close()
    engine.dispose()


def portfolio(url: str, n: int, repeat: int) -> dict[str, float]:
    from sqlalchemy import text

    populate(url, n)
    engine = make_engine(parse_url(url))  # the store's driver and pool: the same path to the server
    with open_store(url) as store:

        def bare_select() -> Any:
            with engine.connect() as conn:
                return conn.execute(
                    text("SELECT engagement_id, factor, level, rater, source FROM findings")
                ).all()

        (base_s, _), (score_s, _) = paired_medians(bare_select, store.portfolio_scores, repeat)
        rows = len(store.portfolio_scores())
    engine.dispose()
    print(f"a portfolio of {n:,} engagements ({n * 45:,} findings) scored from PostgreSQL, "
          f"median of {repeat} runs")  # fmt: skip
    print(f"  bare SELECT of the findings' columns (baseline)  {base_s:6.2f} s  1.00x")
    print(
        f"  Store.portfolio_scores ({rows:,} rows)       {score_s:6.2f} s  {score_s / base_s:.2f}x"
    )
    return {"select_s": base_s, "scores_s": score_s, "ratio": score_s / base_s}


def main(
    repeat: int = 15, trials: int = 20, engagements: int = 10_000, *, saves_only: bool = False
) -> dict[str, Any]:
    if throwaway.find_bindir() is None:
        print("PostgreSQL is not installed here (make system-deps): skipped")
        return {}
    cluster = throwaway.start(durable=True)
    results: dict[str, Any] = {}
    try:
        pg_url = cluster.create_database("bench")
        upgrade(parse_url(pg_url))
        results["saves"] = saves(pg_url, repeat)
        if saves_only:
            return results
        print()
        with tempfile.TemporaryDirectory(prefix="tenfold-bench-") as tmp:
            sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(parse_url(sqlite_url))
            folder = Path(tmp) / "folder"
            folder.mkdir()
            results["delays"] = delays(
                {
                    "PostgreSQL (LISTEN/NOTIFY)": pg_url,
                    "SQLite (version poll)": sqlite_url,
                    "folder (file poll)": str(folder),
                },
                trials,
            )
        print()
        big = cluster.create_database("portfolio")
        upgrade(parse_url(big))
        results["portfolio"] = portfolio(big, engagements, max(3, repeat // 3))
    finally:
        cluster.stop()
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--saves-only", action="store_true", help="time only the saves (1.)")
    args = parser.parse_args()
    main(args.repeat, args.trials, args.engagements, saves_only=args.saves_only)
