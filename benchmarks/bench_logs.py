"""Benchmark: read_cloudfront_logs + edge_traffic on a synthetic standard log vs pyarrow's raw parse.

The log is generated seeded in the real format (W3C header, 33 tab-separated fields, gzip) by
:func:`cloudgeo.io.synthetic_cloudfront_log`; 10 million lines by default (``--lines``).

* cloudgeo: ``edge_traffic(read_cloudfront_logs(path, chunksize=...))`` - typed columns, edge
  codes decoded, URL/null handling, then per-edge totals and exact percentiles; the pandas
  engine in chunks, so memory is bounded by the chunk, not the file.
* baseline (same run, same file, same columns): ``pyarrow.csv.read_csv`` with the ``#Fields``
  names, the columns cloudgeo reads (``include_columns``), type inference, threads - a raw
  parse with no typing of timestamps, no decoding and no aggregation.

Each runs in a fresh subprocess (so the peak resident memory, ``resource.getrusage``
``ru_maxrss``, is that run's own); the best of ``--repeats`` is shown. Targets: rows/s at least
0.5x the baseline's; peak memory under 1 GB for 10 M lines.

Run: ``python benchmarks/bench_logs.py [--lines 10000000] [--chunksize 1000000] [--path FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, resource, sys, time
mode, path, chunksize = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "cloudgeo":
    from cloudgeo.io import read_cloudfront_logs
    from cloudgeo.traffic import edge_traffic
    import cloudgeo.catalog as C
    C.lookup_edge_location("IAD1")  # load the catalogue before the clock starts
    t = time.perf_counter()
    table = edge_traffic(read_cloudfront_logs(path, chunksize=chunksize))
    seconds = time.perf_counter() - t
    rows = int(table["requests"].sum())
else:
    import pyarrow as pa, pyarrow.csv as pacsv
    fields = json.loads(sys.argv[4])
    cols = json.loads(sys.argv[5])
    t = time.perf_counter()
    table = pacsv.read_csv(
        pa.input_stream(path, compression="gzip"),
        read_options=pacsv.ReadOptions(skip_rows=2, column_names=fields),
        parse_options=pacsv.ParseOptions(delimiter="\t"),
        convert_options=pacsv.ConvertOptions(include_columns=cols, null_values=["-"]),
    )
    seconds = time.perf_counter() - t
    rows = table.num_rows
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))
"""

# the source fields of read_cloudfront_logs' default columns
COLUMNS = [
    "date",
    "time",
    "x-edge-location",
    "x-edge-result-type",
    "x-edge-detailed-result-type",
    "sc-status",
    "sc-bytes",
    "time-taken",
    "time-to-first-byte",
    "cs-protocol",
    "cs-method",
]


def run(mode: str, path: str, chunksize: int) -> dict[str, float]:
    from cloudgeo.io._logfields import STANDARD_FIELDS

    argv = [
        sys.executable,
        "-c",
        CHILD,
        mode,
        path,
        str(chunksize),
        json.dumps(list(STANDARD_FIELDS)),
        json.dumps(COLUMNS),
    ]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, env=os.environ.copy())
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--chunksize", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--path", default=None, help="log file (generated if missing)")
    args = parser.parse_args()

    from cloudgeo.io import synthetic_cloudfront_log

    path = args.path or os.path.join(tempfile.gettempdir(), f"cloudgeo-bench-{args.lines}-{args.seed}.log.gz")
    if not os.path.exists(path):
        t = time.perf_counter()
        synthetic_cloudfront_log(path, lines=args.lines, seed=args.seed)
        print(f"generated {args.lines:,} lines in {time.perf_counter() - t:.0f} s -> {path}")
    print(f"log: {path} ({os.path.getsize(path) / 1e6:,.0f} MB gzip, {args.lines:,} lines, 33 fields)")
    ours, base = [], []
    for _ in range(args.repeats):  # alternate, so both see the same machine load
        base.append(run("pyarrow", path, args.chunksize))
        ours.append(run("cloudgeo", path, args.chunksize))
    b = min(base, key=lambda r: r["seconds"])
    o = min(ours, key=lambda r: r["seconds"])
    assert int(o["rows"]) == int(b["rows"]) == args.lines, (o, b)
    rate_b, rate_o = b["rows"] / b["seconds"], o["rows"] / o["seconds"]
    print(
        f"baseline pyarrow.csv.read_csv ({len(COLUMNS)} columns): {b['seconds']:.1f} s, "
        f"{rate_b:,.0f} rows/s, peak {b['peak_mb']:,.0f} MB"
    )
    print(
        f"cloudgeo read_cloudfront_logs(chunksize={args.chunksize:,}) + edge_traffic: {o['seconds']:.1f} s, "
        f"{rate_o:,.0f} rows/s, peak {o['peak_mb']:,.0f} MB"
    )
    print(
        f"ratio to pyarrow: {rate_o / rate_b:.2f}x (target >= 0.5x); "
        f"peak memory {o['peak_mb']:,.0f} MB (target < 1024 MB)"
    )


if __name__ == "__main__":
    main()
