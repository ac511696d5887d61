"""Run every benchmark in turn: ``make benchmark`` (or ``.venv/bin/python -m benchmarks``).

Each prints its figures as ratios to a baseline measured in the same run; BENCHMARKS.md records
the last figures with the machine they came from.
"""

from __future__ import annotations

from benchmarks import (
    bench_charts,
    bench_dashboard,
    bench_portfolio,
    bench_scoring,
    bench_sql_store,
    bench_store,
    bench_survey,
)


def main() -> None:
    print("== scoring ==")
    bench_scoring.main()
    print("\n== engagement files ==")
    bench_store.main()
    print("\n== portfolio ==")
    bench_portfolio.main()
    print("\n== the SQL store (PostgreSQL) ==")
    bench_sql_store.main()
    print("\n== staff survey import ==")
    bench_survey.main()
    print("\n== charts ==")
    bench_charts.main([])
    print("\n== dashboards ==")
    bench_dashboard.main([])


if __name__ == "__main__":
    main()
