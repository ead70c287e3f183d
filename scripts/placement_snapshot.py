"""Dump placement results (sites, values, methods, summaries) to JSON, to compare two versions.

Runs the cases of ``benchmarks/bench_placement.py`` (the world's cities on the AWS regions) and
a set of small random problems covering every objective, method and constraint, and writes one
JSON object per case. Run it before and after a change and compare the files::

    PYTHONPATH=. python scripts/placement_snapshot.py /tmp/before.json
    PYTHONPATH=. python scripts/placement_snapshot.py /tmp/after.json
    cmp /tmp/before.json /tmp/after.json && echo identical
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo import catalog, latency, population
from cloudgeo.placement import PlacementResult, optimize_placement, placement_frontier


def _digest(series: pd.Series) -> str:
    text = "\n".join(f"{i!r}={v!r}" for i, v in series.items())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _record(res: PlacementResult, failover: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sites": [str(s) for s in res.sites],
        "objective_value": repr(res.objective_value),
        "method": res.method,
        "gap": repr(res.gap),
        "greedy_objective_value": repr(res.greedy_objective_value),
        "summary": {str(k): repr(float(v)) for k, v in res.summary.items()},
        "assignment": _digest(res.assignment),
        "rtt_ms": _digest(res.rtt_ms),
    }
    if failover:
        out["failover"] = res.failover.to_json(double_precision=15)
    return out


def _random_cases() -> dict[str, Any]:
    out: dict[str, Any] = {}
    objectives = ["mean", "p50", "p90", "worst", "coverage"]
    for seed in range(12):
        rng = np.random.default_rng(seed)
        n_users, n_sites = int(rng.integers(20, 400)), int(rng.integers(3, 14))
        cost = pd.DataFrame(
            np.round(rng.uniform(1, 200, (n_users, n_sites)), int(rng.integers(0, 3))),
            columns=[f"s{j}" for j in range(n_sites)],
        )
        users = pd.DataFrame(
            {
                "lat": 0.0,
                "lon": 0.0,
                "weight": rng.integers(0, 5, n_users).astype(float) + (rng.random(n_users) < 0.5),
                "country_code": rng.choice(["DE", "FR", "US"], n_users),
            }
        )
        users.loc[0, "weight"] = 1.0
        sites = pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=cost.columns)
        for k in sorted({1, 2, min(3, n_sites), min(4, n_sites)}):
            for obj in objectives:
                for method in ("exact", "greedy"):
                    kw: dict[str, Any] = {"objective": obj, "method": method, "cost_ms": cost}
                    if obj == "coverage":
                        kw["threshold_ms"] = 40.0
                    name = f"random{seed}/k{k}/{obj}/{method}"
                    out[name] = _record(optimize_placement(users, sites, k, **kw))
        k = min(3, n_sites)
        cons = {
            "must": {"must_include": ["s0"]},
            "exclude": {"exclude": ["s1"]},
            "residency": {"residency": {"DE": ["s0", "s2"]}},
            "min_share": {"threshold_ms": 60.0, "min_share": 0.3},
        }
        for cname, kw in cons.items():
            for obj in ("mean", "p90", "worst"):
                try:
                    res = optimize_placement(users, sites, k, objective=obj, cost_ms=cost, **kw)
                    out[f"random{seed}/{cname}/{obj}"] = _record(res, failover=True)
                except Exception as exc:
                    out[f"random{seed}/{cname}/{obj}"] = f"{type(exc).__name__}: {exc}"
        front = placement_frontier(users, sites, min(4, n_sites), cost_ms=cost, objective="p90")
        out[f"random{seed}/frontier"] = front.astype(str).to_dict()
    return out


def main() -> None:
    path = sys.argv[1]
    regions = catalog.load_regions(partitions="aws")
    cities = population.load_world_cities()
    users = cities[["lat", "lon", "weight", "country_code"]]
    cost = latency.user_rtt_matrix_ms(users, regions[["lat", "lon"]])
    out: dict[str, Any] = {}
    for k in (1, 2, 3, 4, 8):
        out[f"bench/mean/k{k}"] = _record(
            optimize_placement(users, regions, k, cost_ms=cost), failover=k == 4
        )
    for obj in ("p90", "worst"):
        out[f"bench/{obj}/k4"] = _record(optimize_placement(users, regions, 4, cost_ms=cost, objective=obj))
    out["bench/coverage50/k3"] = _record(
        optimize_placement(users, regions, 3, cost_ms=cost, objective="coverage", threshold_ms=50.0)
    )
    for obj in ("mean", "p90", "worst"):
        out[f"bench/greedy/{obj}/k5"] = _record(
            optimize_placement(users, regions, 5, cost_ms=cost, objective=obj, method="greedy")
        )
    top = users["weight"].sort_values(ascending=False, kind="stable").index[:2000]
    for k in (2, 4):
        out[f"bench/spopt2000/k{k}"] = _record(
            optimize_placement(users.loc[top], regions, k, cost_ms=cost.loc[top])
        )
    out.update(_random_cases())
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
    print(f"{len(out)} cases written to {path}")


if __name__ == "__main__":
    main()
