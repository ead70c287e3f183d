"""Leave-one-region-out accuracy of cloudgeo's latency models on AWS inter-region round trips.

Usage::

    python benchmarks/bench_latency_accuracy.py /path/to/calibration [--select] [--held-out FILE]

For every training region R, the calibrated (backbone) model and the best straight-line model
(great circle, overhead + stretch fitted the same way) are refitted on the pairs that do not
involve R and predict R's pairs (cloudping.co CP2025-07, p50). Prints the absolute percentage
errors per continent pair and overall, against the physics floor (straight fibre along the
great circle, no overhead) as the named baseline.

``--select`` also prints the leave-one-region-out error over a grid of the two routing choices
that are not fitted by :func:`cloudgeo.latency.calibrate` (``short_haul_km`` and
``hop_penalty_km``); the shipped model uses the grid's best (``scripts/fit_latency.py``).

``--held-out FILE`` evaluates the shipped calibrated model on a cloudping.co p50 matrix (the
API's JSON, read with :func:`cloudgeo.measurements.read_cloudping_json`) for the pairs that
involve a region absent from the training data (the regions opened after 2019).

End-user tables (issue 15; ``--no-enduser`` skips them): the RIPE Atlas country pairs of the
training half (``ripe_country_rtt_2025_train.csv``, cleaned by ``scripts/fit_enduser.py``'s
physical rule), predicted by the end-user path model refitted without them, in 5-fold
cross-validation over the pairs and leave-one-country-out (every pair of the held-out country;
it gets its continent's defaults). Beside it: the old model (the calibrated site-to-site RTT
between the countries' centres plus its one access term) and a straight line
``a + b x great circle`` fitted on the same folds. Prints median and p90 absolute % error,
overall and per continent pair, and the number of predictions below the vacuum-light RTT.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo import latency

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import fit_enduser
from fit_latency import HOP_PENALTY_KM, SHORT_HAUL_KM, read_training

from cloudgeo import measurements

#: Selection margin: settings this close to the best leave-one-region-out error count as equal. [pp]
MARGIN_PP = 0.25


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


def leave_one_region_out(train: pd.DataFrame, backbone: latency.LatencyModel) -> pd.DataFrame:
    """Predict each region's CP2025-07 p50 pairs with models fitted without that region."""
    fit_rows = train[train["source_id"].isin(["CP2025-07", "CP2025-05"]) & (train["stat"] == "p50")]
    test_rows = train[(train["source_id"] == "CP2025-07") & (train["stat"] == "p50")]
    test_rows = test_rows[test_rows["src"] != test_rows["dst"]]
    straight = latency.LatencyModel(name="straight-line", routing="great-circle")
    parts = []
    for region in sorted(set(train["src"])):
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
    return pd.concat(parts, ignore_index=True)


def template(
    short_haul_km: float = SHORT_HAUL_KM, hop_penalty_km: float = HOP_PENALTY_KM
) -> latency.LatencyModel:
    """The calibrated model's structure (parameters to be fitted)."""
    return latency.LatencyModel(
        name="calibrated",
        routing="backbone",
        n_attach=2,
        short_haul_km=short_haul_km,
        hop_penalty_km=hop_penalty_km,
    )


def select(train: pd.DataFrame) -> None:
    """Print the leave-one-region-out error over the grid of routing choices and the pick.

    Rule (``scripts/fit_latency.py``): among the settings whose median and p90 error are within
    ``MARGIN_PP`` percentage points of the grid's best, the largest ``short_haul_km`` (fewest
    users routed over the backbone), then the smallest p90.
    """
    print("Model selection: leave-one-region-out abs % error of the calibrated model (p50)")
    print(f"{'short_haul_km':>14} {'hop_penalty_km':>15} {'median':>7} {'p90':>6} {'max':>6}")
    rows = []
    for short in (300.0, 500.0, 700.0, 1000.0, 1500.0):
        for hop in (0.0, 50.0, 100.0, 150.0, 200.0):
            e = leave_one_region_out(train, template(short, hop))["calibrated_err_pct"]
            rows.append((short, hop, float(e.median()), float(e.quantile(0.9)), float(e.max())))
            mark = "  <- shipped" if (short, hop) == (SHORT_HAUL_KM, HOP_PENALTY_KM) else ""
            print(f"{short:14.0f} {hop:15.0f} {rows[-1][2]:7.2f} {rows[-1][3]:6.2f} {rows[-1][4]:6.1f}{mark}")
    best_med, best_p90 = min(r[2] for r in rows), min(r[3] for r in rows)
    near = [r for r in rows if r[2] <= best_med + MARGIN_PP and r[3] <= best_p90 + MARGIN_PP]
    pick = max(near, key=lambda r: (r[0], -r[3]))
    print(
        f"best median {best_med:.2f} %, best p90 {best_p90:.2f} %; within {MARGIN_PP} pp of both: "
        f"{[(int(r[0]), int(r[1])) for r in near]}; rule picks short_haul_km {pick[0]:.0f}, "
        f"hop_penalty_km {pick[1]:.0f} (shipped: {SHORT_HAUL_KM:.0f}, {HOP_PENALTY_KM:.0f})"
    )
    print()


def held_out(path: Path, train: pd.DataFrame) -> None:
    """Evaluate the shipped model on pairs of a cloudping p50 matrix that involve new regions."""
    known = set(train["src"]) | set(train["dst"])
    m = measurements.read_cloudping_json(path)
    m = m[(m["src"] != m["dst"]) & (m["stat"] == "p50")].reset_index(drop=True)
    src, dst = list(m["src"]), list(m["dst"])
    pred = latency.region_rtt_ms(src, dst)
    floor = latency.region_rtt_ms(src, dst, model="physics")
    y = m["rtt_ms"].to_numpy()
    m = m.assign(predicted_ms=pred, err_pct=100 * np.abs(pred - y) / y, below_floor=pred < floor - 1e-9)
    new_src, new_dst = ~m["src"].isin(known), ~m["dst"].isin(known)
    print(
        f"Held-out pairs from {path.name}: regions not in the training data: "
        f"{sorted(set(m['src'][new_src]) | set(m['dst'][new_dst]))}"
    )
    for label, sel in (
        ("source region new", new_src),
        ("either region new", new_src | new_dst),
        ("both regions new", new_src & new_dst),
    ):
        e = m.loc[sel, "err_pct"]
        print(
            f"  {label:18s} n {len(e):4d}   median {e.median():5.1f} %   p90 {e.quantile(0.9):5.1f} %   "
            f"max {e.max():5.1f} %   below floor {int(m.loc[sel, 'below_floor'].sum())}"
        )
    worst = m[new_src | new_dst].sort_values("err_pct", ascending=False).head(10)
    print(worst[["src", "dst", "rtt_ms", "predicted_ms", "err_pct"]].round(1).to_string(index=False))
    print()


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """y ~ a + b x by least absolute relative error (IRLS), a >= 0, b >= 0."""
    w = 1.0 / y
    a, b = 0.0, 1.0
    for _ in range(30):
        sw = np.sqrt(w) / y
        coef, *_ = np.linalg.lstsq(np.column_stack([sw, sw * x]), sw * y, rcond=None)
        a, b = max(0.0, float(coef[0])), max(0.0, float(coef[1]))
        w = 1.0 / np.maximum(np.abs(a + b * x - y) / y, 1e-3)
    return a, b


def enduser_tables(calibration: Path) -> None:
    """5-fold CV and leave-one-country-out of the end-user model on the RIPE training pairs."""
    raw = fit_enduser.read_pairs(calibration)
    df = fit_enduser.clean(raw)
    g = fit_enduser.geometry()
    ia, ib, y = fit_enduser.indices(g, df)
    gc = df["gc_km"].to_numpy()
    vac = df["vacuum_rtt_ms"].to_numpy()
    cal = latency.get_model()
    cent = g.countries
    lat = latency.ingress_table().reindex(cent)
    pa, pb = lat.iloc[ia], lat.iloc[ib]
    old = (
        latency.rtt_ms(
            pd.DataFrame({"lat": pa["lat"].to_numpy(), "lon": pa["lon"].to_numpy()}),
            pd.DataFrame({"lat": pb["lat"].to_numpy(), "lon": pb["lon"].to_numpy()}),
        ).to_numpy()
        + cal.user_access_rtt_ms
    )
    print(
        f"End-user model: RIPE Atlas country pairs (training half), {len(raw)} raw, {len(df)} kept "
        f"(>= {fit_enduser.MIN_PINGS} pings, mean >= vacuum-light RTT between centres, min >= vacuum-light "
        "RTT between the closest cities)"
    )
    cont = dict(zip(cent, g.continent, strict=True))
    pairs = np.array(
        ["-".join(sorted((cont[a], cont[b]))) for a, b in zip(df["cty1"], df["cty2"], strict=True)]
    )

    def report(title: str, rows: np.ndarray, pred: dict[str, np.ndarray]) -> None:
        yy = y[rows]
        res = pd.DataFrame({"continents": pairs[rows]})
        for name, p in pred.items():
            res[name] = 100 * np.abs(p - yy) / yy
        cols = list(pred)
        table = res.groupby("continents")[cols].agg(["median", lambda s: s.quantile(0.9)])
        table.columns = [f"{c} {'median' if s == 'median' else 'p90'}" for c, s in table.columns]
        table.insert(0, "n", res.groupby("continents").size())
        print(f"\n{title}: absolute % error of the mean RTT, by continent pair")
        print(table.round(1).to_string())
        print(f"overall (n = {len(rows)} predictions)")
        for c in cols:
            e = res[c]
            print(
                f"  {c:14s} median {e.median():5.1f} %   p90 {e.quantile(0.9):5.1f} %   max {e.max():7.1f} %"
            )
        below = int((pred["end-user"] < vac[rows] - 1e-9).sum())
        print(f"  end-user predictions below the vacuum-light RTT: {below}")

    rng = np.random.default_rng(2025)
    fold = rng.permutation(np.arange(len(y)) % 5)
    pred_e = np.empty(len(y))
    pred_l = np.empty(len(y))
    for k in range(5):
        tr, te = fold != k, fold == k
        f = fit_enduser.fit(g, ia[tr], ib[tr], y[tr])
        pred_e[te] = fit_enduser.predict(g, f, ia[te], ib[te])
        a, b = _line(gc[tr], y[tr])
        pred_l[te] = a + b * gc[te]
    allrows = np.arange(len(y))
    report(
        "5-fold cross-validation", allrows, {"end-user": pred_e, "old model": old, "straight line": pred_l}
    )
    rows_l, pe, pl = [], [], []
    for c in np.unique(np.concatenate([ia, ib])):
        held = (ia == c) | (ib == c)
        tr = ~held
        f = fit_enduser.fit(g, ia[tr], ib[tr], y[tr])
        a, b = _line(gc[tr], y[tr])
        idx = np.flatnonzero(held)
        rows_l.append(idx)
        pe.append(fit_enduser.predict(g, f, ia[idx], ib[idx]))
        pl.append(a + b * gc[idx])
    rl = np.concatenate(rows_l)
    report(
        "Leave-one-country-out (each pair once per held-out end)",
        rl,
        {"end-user": np.concatenate(pe), "old model": old[rl], "straight line": np.concatenate(pl)},
    )
    print()


def main(argv: list[str]) -> int:
    """Run the leave-one-region-out evaluation and print the tables."""
    args = argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__)
        return 2
    train = read_training(Path(args[0]))
    if "--no-enduser" not in args:
        enduser_tables(Path(args[0]))
    if "--select" in args:
        select(train)
    if "--held-out" in args:
        held_out(Path(args[args.index("--held-out") + 1]), train)
    res = leave_one_region_out(train, template())
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
