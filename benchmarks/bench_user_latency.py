"""Speed and memory of ``latency.user_latency``: 1,000,000 users to their edge location.

Usage::

    python benchmarks/bench_user_latency.py [n_users]

Baselines measured in the same run on the same points:
Users are drawn from the shipped world cities in proportion to population (about a third are
more than 500 km from the nearest edge location and take the backbone route), each with its
city's ``country_code``, so ``user_latency`` applies the per-country end-user terms (access,
ingress hub: :mod:`cloudgeo.enduser`).

* a bare scipy ``cKDTree`` query (nearest neighbour only) on the unit vectors the library
  uses, built without validation (``geodesy.unit_vectors_trusted``) so the baseline pays
  for nothing but the tree;
* scikit-learn ``BallTree(metric="haversine")`` query (nearest neighbour only).

``user_latency`` runs with its default ``select="rtt"`` (the lowest-RTT edge of each user, exact)
and, for comparison, ``select="distance"`` (the great-circle-nearest edge). Prints
``user_latency`` time / cKDTree time (target <= 1.5), BallTree time / ``user_latency`` time
(target >= 5), both for the default, and the peak memory of the default ``user_latency``
measured in a fresh subprocess (ru_maxrss, target < 400 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd


def users(n: int) -> pd.DataFrame:
    """Users where people live: world cities drawn by population, jittered ~20 km (deterministic)."""
    from cloudgeo import population

    cities = population.load_world_cities()
    rng = np.random.default_rng(42)
    p = cities["population"].to_numpy(dtype=float)
    pick = rng.choice(len(cities), size=n, p=p / p.sum())
    lat = np.clip(cities["lat"].to_numpy()[pick] + rng.normal(0.0, 0.2, n), -89.9, 89.9)
    lon = (cities["lon"].to_numpy()[pick] + rng.normal(0.0, 0.2, n) + 180.0) % 360.0 - 180.0
    # each user carries its city's country (issue 15: the per-country end-user terms apply)
    return pd.DataFrame({"lat": lat, "lon": lon, "country_code": cities["country_code"].to_numpy()[pick]})


def best_of(fns: dict[str, Callable[[], object]], repeat: int = 5) -> dict[str, float]:
    """Best wall time of ``repeat`` calls of each function, interleaved round by round. [s]

    Interleaving gives every method the same share of a busy machine's quiet moments.
    """
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def child(n: int) -> None:
    """Run user_latency once and report peak RSS (run in a fresh interpreter)."""
    import resource

    from cloudgeo import catalog, latency

    sites = catalog.load_edge_locations()
    u = users(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = latency.user_latency(u, sites)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": peak / 1024, "before_mb": before / 1024, "rows": len(out)}))


def main() -> int:
    """Time the three methods and measure memory."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    from scipy.spatial import cKDTree
    from sklearn.neighbors import BallTree  # type: ignore[import-untyped]

    from cloudgeo import catalog, latency
    from cloudgeo.geodesy import unit_vectors_trusted

    sites = catalog.load_edge_locations()
    u = users(n)
    latency.user_latency(u.head(1000), sites)  # warm caches (model JSON, backbone)
    s_lat, s_lon = sites["lat"].to_numpy(float), sites["lon"].to_numpy(float)

    def bare_kdtree() -> None:
        tree = cKDTree(unit_vectors_trusted(s_lat, s_lon))
        tree.query(unit_vectors_trusted(u["lat"].to_numpy(), u["lon"].to_numpy()), k=1)

    def balltree() -> None:
        tree = BallTree(np.radians(np.column_stack([s_lat, s_lon])), metric="haversine")
        tree.query(np.radians(u[["lat", "lon"]].to_numpy()), k=1)

    t = best_of(
        {
            "rtt": lambda: latency.user_latency(u, sites),
            "distance": lambda: latency.user_latency(u, sites, select="distance"),
            "kdtree": bare_kdtree,
        }
    )
    t_ours, t_dist, t_kd = t["rtt"], t["distance"], t["kdtree"]
    t_ball = best_of({"balltree": balltree}, repeat=2)["balltree"]
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True
    )
    mem = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{n:,} users x {len(sites)} edge locations (serving site + RTT)")
    print(f"  user_latency (rtt)     {t_ours:7.3f} s   lowest-RTT edge (default)")
    print(
        f"  user_latency (dist.)   {t_dist:7.3f} s   great-circle-nearest edge, ratio to cKDTree = "
        f"{t_dist / t_kd:5.2f}"
    )
    print(
        f"  bare cKDTree query     {t_kd:7.3f} s   ratio user_latency / cKDTree = {t_ours / t_kd:5.2f} "
        "(target <= 1.5)"
    )
    print(
        f"  sklearn BallTree(hav.) {t_ball:7.3f} s   speed-up vs BallTree = {t_ball / t_ours:5.1f}x "
        "(target >= 5)"
    )
    print(f"  peak memory (ru_maxrss, fresh process): {mem['peak_mb']:.0f} MB (target < 400 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
