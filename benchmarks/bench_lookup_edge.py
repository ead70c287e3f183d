"""Benchmark: 1,000,000 CloudFront log codes through lookup_edge_location vs a Python dict loop.

Baseline (same run, same codes): a plain loop ``[table[code[:3]] for code in codes]`` over a
dict of the edge list (prefix -> (city, lat, lon)), i.e. the per-row lookup one would write by
hand. The library call returns a full DataFrame (15 columns) with validation of every code.
Both are timed alternately (same machine load); the best of ``REPEATS`` runs of each is shown.

Run: ``.venv/bin/python benchmarks/bench_lookup_edge.py``
"""

from __future__ import annotations

import time

import numpy as np

from cloudgeo.catalog import load_edge_locations, lookup_edge_location

N = 1_000_000
REPEATS = 5


def make_codes(n: int, seed: int = 0) -> list[str]:
    """Realistic x-edge-location values: listed prefix, PoP number, optional -C1/-P2 suffix."""
    rng = np.random.default_rng(seed)
    edges = load_edge_locations()
    prefixes = edges.index.to_numpy()
    weights = edges["pops"].to_numpy(dtype=float)
    pref = rng.choice(prefixes, size=n, p=weights / weights.sum())
    num = rng.integers(1, 90, size=n)
    suffix = rng.choice(["", "-C1", "-C2", "-P1", "-P2", "-P5"], size=n)
    # a few thousand distinct codes, as in real logs
    return [f"{p}{k}{s}" for p, k, s in zip(pref, num, suffix, strict=True)]


def main() -> None:
    codes = make_codes(N)
    print(f"{N:,} codes, {len(set(codes)):,} distinct")
    edges = load_edge_locations()
    table = {k: (r.city, r.lat, r.lon) for k, r in zip(edges.index, edges.itertuples(), strict=True)}

    lookup_edge_location(codes[:1000])  # warm caches (parsed CSV, airportsdata not needed)
    # interleaved, so both see the same machine load (a shared 2-core box); best of REPEATS each
    t_lib, t_dict = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = lookup_edge_location(codes)
        t_lib.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base = [table[c[:3]] for c in codes]
        t_dict.append(time.perf_counter() - t0)
    assert len(out) == len(base) == N
    assert out["city"].iloc[12345] == base[12345][0]
    lib, dic = min(t_lib), min(t_dict)
    print(f"lookup_edge_location (DataFrame, validated): {lib:.3f} s  (best of {REPEATS})")
    print(f"python dict loop (tuples, no validation):    {dic:.3f} s  (best of {REPEATS})")
    print(f"ratio library / dict loop: {lib / dic:.2f}x")


if __name__ == "__main__":
    main()
