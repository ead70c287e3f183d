"""Benchmark: cost of ``import cloudgeo`` against ``import pandas`` (its heaviest dependency).

Each measurement runs in a fresh interpreter (so nothing is cached in-process); wall time and
peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) are taken inside the child
around the statement. Medians of ``REPEATS`` runs. Target: ``import cloudgeo`` at most 1.5x
``import pandas``. A second line measures ``import cloudgeo.catalog`` plus ``load_regions()``
(the first real use: reads and validates regions.csv).

Run: ``.venv/bin/python benchmarks/bench_import.py``
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

REPEATS = 5

CHILD = """
import resource, sys, time, json
t0 = time.perf_counter()
{stmt}
dt = time.perf_counter() - t0
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": dt, "rss_mb": rss_kb / 1024}}))
"""


def measure(stmt: str) -> tuple[float, float]:
    """Median wall time [s] and median peak RSS [MB] of ``stmt`` in fresh interpreters."""
    times, rss = [], []
    for _ in range(REPEATS):
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(stmt=stmt)], capture_output=True, text=True, check=True
        )
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(rec["s"])
        rss.append(rec["rss_mb"])
    return statistics.median(times), statistics.median(rss)


def main() -> None:
    base_t, base_m = measure("import pandas")
    rows = [
        ("import cloudgeo", "import cloudgeo"),
        ("import cloudgeo.catalog + load_regions()", "import cloudgeo.catalog as c; c.load_regions()"),
    ]
    print(f"baseline  import pandas: {base_t * 1000:7.1f} ms  {base_m:6.1f} MB  (median of {REPEATS})")
    for label, stmt in rows:
        t, m = measure(stmt)
        print(
            f"{label:42s} {t * 1000:7.1f} ms  {m:6.1f} MB   ratio vs pandas: time {t / base_t:.2f}x, "
            f"peak RSS {m / base_m:.2f}x"
        )


if __name__ == "__main__":
    main()
