"""Leave-one-region-out accuracy of cloudgeo's latency models on AWS inter-region round trips.

Usage::

    python benchmarks/bench_latency_accuracy.py /path/to/calibration

For every training region R, the calibrated (backbone) model and the best straight-line model
(great circle, overhead + stretch fitted the same way) are refitted on the pairs that do not
involve R and predict R's pairs (cloudping.co CP2025-07, p50). Prints the absolute percentage
errors per continent pair and overall, against the physics floor (straight fibre along the
great circle, no overhead) as the named baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo import latency

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from fit_latency import read_training


def continent(code: str) -> str:
    """Coarse continent of an AWS region code."""
    if code.startswith(("us-", "ca-", "mx-")):
        return "NA"
    if code.startswith("sa-"):
        return "SA"
    if code.startswith("eu"):
        return "EU"
    if code.startswith(("me-", "il-")):
        return "ME"
    if code.startswith("af-"):
        return "AF"
    if code.startswith("ap-south-"):
        return "IN"
    if code in ("ap-southeast-2", "ap-southeast-4", "ap-southeast-6"):
        return "OC"
    return "AS"


def main(argv: list[str]) -> int:
    """Run the leave-one-region-out evaluation and print the tables."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    train = read_training(Path(argv[1]))
    fit_rows = train[train["source_id"].isin(["CP2025-07", "CP2025-05"]) & (train["stat"] == "p50")]
    test_rows = train[(train["source_id"] == "CP2025-07") & (train["stat"] == "p50")]
    test_rows = test_rows[test_rows["src"] != test_rows["dst"]]
    backbone = latency.LatencyModel(name="calibrated", routing="backbone", n_attach=2, short_haul_km=1000.0)
    straight = latency.LatencyModel(name="straight-line", routing="great-circle")
    regions = sorted(set(train["src"]))
    parts = []
    for region in regions:
        keep = (fit_rows["src"] != region) & (fit_rows["dst"] != region)
        held = test_rows[(test_rows["src"] == region) | (test_rows["dst"] == region)]
        fit_b = latency.calibrate(fit_rows[keep], model=backbone).model
        fit_s = latency.calibrate(fit_rows[keep], model=straight).model
        y = held["rtt_ms"].to_numpy()
        src, dst = list(held["src"]), list(held["dst"])
        pred = {
            "calibrated": latency.region_rtt_ms(src, dst, model=fit_b),
            "straight_line": latency.region_rtt_ms(src, dst, model=fit_s),
            "physics_floor": latency.region_rtt_ms(src, dst, model="physics"),
        }
        frame = held[["src", "dst"]].assign(held_out=region, rtt_ms=y)
        for name, p in pred.items():
            frame[f"{name}_err_pct"] = 100 * np.abs(p - y) / y
            frame[f"{name}_below_floor"] = p < pred["physics_floor"] - 1e-9
        parts.append(frame)
    res = pd.concat(parts, ignore_index=True)
    res["continents"] = [
        "-".join(sorted((continent(a), continent(b)))) for a, b in zip(res["src"], res["dst"], strict=True)
    ]
    cols = ["calibrated_err_pct", "straight_line_err_pct", "physics_floor_err_pct"]
    table = res.groupby("continents")[cols].agg(["median", lambda s: s.quantile(0.9)])
    table.columns = [
        f"{c.replace('_err_pct', '')} {'median' if s == 'median' else 'p90'}" for c, s in table.columns
    ]
    table.insert(0, "n", res.groupby("continents").size())
    pd.set_option("display.width", 200)
    print("Leave-one-region-out absolute % error of p50 RTT (CP2025-07), by continent pair")
    print(table.round(1).to_string())
    print()
    print(f"overall (n = {len(res)} predictions, each pair predicted with one of its regions held out)")
    for c in cols:
        name = c.replace("_err_pct", "")
        e = res[c]
        print(
            f"  {name:14s} median {e.median():5.1f} %   p90 {e.quantile(0.9):5.1f} %   max {e.max():6.1f} %"
        )
    print(f"  calibrated predictions below the physics floor: {int(res['calibrated_below_floor'].sum())}")
    worst = res.sort_values("calibrated_err_pct", ascending=False).head(8)
    print("\nworst calibrated predictions:")
    print(worst[["held_out", "src", "dst", "rtt_ms", "calibrated_err_pct"]].round(1).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
