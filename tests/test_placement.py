"""Tests for cloudgeo.placement: exact optima checked by brute force, constraints, contracts, errors."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudgeo import placement
from cloudgeo.errors import (
    DataValidationError,
    InfeasibleError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)
from cloudgeo.placement import PlacementResult, optimize_placement, placement_frontier
from cloudgeo.placement import cost as P_cost
from cloudgeo.placement import frontier as P_front
from cloudgeo.placement import greedy as P_greedy
from cloudgeo.placement import objectives as P_obj
from cloudgeo.placement import optimize as P_opt
from cloudgeo.placement import problem as P_prob
from cloudgeo.placement import result as P_result
from cloudgeo.placement import solve as P_solve
from cloudgeo.placement.exact import aggregate as P_agg
from cloudgeo.placement.exact import core as P_core
from cloudgeo.placement.exact import fastpaths as P_fast
from cloudgeo.placement.exact import median as P_median
from cloudgeo.placement.exact import milp as P_milp
from cloudgeo.placement.exact import threshold as P_thr

_PLACEMENT_MODULES = (
    P_obj,
    P_cost,
    P_prob,
    P_agg,
    P_core,
    P_milp,
    P_median,
    P_fast,
    P_thr,
    P_greedy,
    P_solve,
    P_result,
    P_opt,
    P_front,
)


def _patch(monkeypatch: pytest.MonkeyPatch, name: str, value: object) -> None:
    """Set a private placement name in every submodule that holds it (defines or imports it)."""
    found = [m for m in _PLACEMENT_MODULES if name in vars(m)]
    assert found, name
    for module in found:
        monkeypatch.setattr(module, name, value)


# Straight-fibre RTT (MODELS.md §1.1-1.2: haversine R = 6371 km, group index 1.4682).
C_KM_S = 299_792.458
FIBRE_INDEX = 1.4682
R_KM = 6371.0


def physics_rtt_ms(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """2 * great-circle distance / (c / 1.4682), users x sites. [ms]"""
    p1 = np.radians(a["lat"].to_numpy())[:, None]
    p2 = np.radians(b["lat"].to_numpy())[None, :]
    dl = np.radians(b["lon"].to_numpy())[None, :] - np.radians(a["lon"].to_numpy())[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d_km = 2 * R_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    return pd.DataFrame(2 * d_km / (C_KM_S / FIBRE_INDEX) * 1000.0, index=a.index, columns=b.index)


# City centres as in MODELS.md §1.2 where listed; populations are rounded metro figures
# (millions) used only as weights.
CITIES = pd.DataFrame(
    {
        "lat": [35.6762, 51.5074, 19.0760, 40.7128, -23.5505, -33.8688],
        "lon": [139.6503, -0.1278, 72.8777, -74.0060, -46.6333, 151.2093],
        "weight": [14.0, 8.9, 12.4, 8.3, 12.3, 5.3],
        "country_code": ["JP", "GB", "IN", "US", "BR", "AU"],
    },
    index=pd.Index(["Tokyo", "London", "Mumbai", "New York", "Sao Paulo", "Sydney"], name="city"),
)
# Approximate metro locations of five AWS regions.
SITES = pd.DataFrame(
    {"lat": [1.35, 25.2, -23.5, 51.5, 38.9], "lon": [103.8, 55.3, -46.6, -0.1, -77.4]},
    index=pd.Index(["ap-southeast-1", "me-central-1", "sa-east-1", "eu-west-2", "us-east-1"], name="region"),
)
COST = physics_rtt_ms(CITIES, SITES)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """Independent inverted-CDF weighted quantile: smallest x with cumulative weight >= q."""
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order]) / w.sum()
    return float(x[order][np.nonzero(cw >= q - 1e-9)[0][0]])


def objective_of(served: np.ndarray, w: np.ndarray, objective: str, threshold_ms: float = 60.0) -> float:
    if objective == "mean":
        return float(served @ w / w.sum())
    if objective == "coverage":
        return float(w @ (served <= threshold_ms) / w.sum())
    if objective == "worst":
        return float(served[w > 0].max())
    return weighted_quantile(served, w, float(objective[1:]) / 100)


def brute_force(
    cost: np.ndarray,
    w: np.ndarray,
    k: int,
    objective: str,
    *,
    allowed: Callable[[tuple[int, ...]], bool] = lambda s: True,
    threshold_ms: float = 60.0,
) -> float:
    sign = -1.0 if objective == "coverage" else 1.0
    best = math.inf
    for combo in itertools.combinations(range(cost.shape[1]), k):
        if not allowed(combo):
            continue
        served = cost[:, list(combo)].min(axis=1)
        best = min(best, sign * objective_of(served, w, objective, threshold_ms))
    return sign * best


def random_instance(seed: int, n_users: int = 40, n_sites: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    users = pd.DataFrame(
        {
            "lat": rng.uniform(-60, 70, n_users),
            "lon": rng.uniform(-180, 180, n_users),
            "weight": rng.integers(0, 20, n_users).astype(float),
        },
        index=pd.Index([f"u{i}" for i in range(n_users)]),
    )
    users.loc["u0", "weight"] = 5.0
    sites = pd.DataFrame(
        {"lat": rng.uniform(-40, 60, n_sites), "lon": rng.uniform(-180, 180, n_sites)},
        index=pd.Index([f"s{j}" for j in range(n_sites)]),
    )
    return users, sites


OBJECTIVES = ["mean", "p50", "p90", "p95", "p99", "coverage", "worst"]


# ---------------------------------------------------------------------------------------------
# optimum by brute force


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_small_world_case_matches_brute_force(objective: str, k: int) -> None:
    res = optimize_placement(CITIES, SITES, k, objective=objective, cost_ms=COST, threshold_ms=60.0)
    w = CITIES["weight"].to_numpy()
    expected = brute_force(COST.to_numpy(), w, k, objective)
    assert res.objective_value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    served = COST[res.sites].to_numpy().min(axis=1)
    assert objective_of(served, w, objective) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert res.gap == 0.0
    assert res.method == "enumeration"
    assert len(res.sites) == k


@pytest.mark.parametrize("force_milp", [False, True])
@pytest.mark.parametrize("objective", ["mean", "p90", "coverage", "worst"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_instances_match_brute_force(
    objective: str, seed: int, force_milp: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if force_milp:
        _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)
        _patch(monkeypatch, "_FILTER_MAX_COMBOS", 0)  # no listing: the integer program
    users, sites = random_instance(seed)
    cost = physics_rtt_ms(users, sites)
    res = optimize_placement(users, sites, 3, objective=objective, cost_ms=cost, threshold_ms=60.0)
    expected = brute_force(cost.to_numpy(), users["weight"].to_numpy(), 3, objective)
    assert res.objective_value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert res.method == ("milp" if force_milp else "enumeration")
    assert res.gap == 0.0


def test_truncated_radius_depth_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    # force the iterative deepening of the radius formulation (depth 2 at first)
    _patch(monkeypatch, "_MAX_PREFIX_ENTRIES", 1)
    users, sites = random_instance(7, n_users=60, n_sites=10)
    cost = physics_rtt_ms(users, sites)
    for k in (1, 2, 4):
        res = optimize_placement(users, sites, k, cost_ms=cost)
        expected = brute_force(cost.to_numpy(), users["weight"].to_numpy(), k, "mean")
        assert res.objective_value == pytest.approx(expected, rel=1e-12)


def test_optima_are_not_nested() -> None:
    one = optimize_placement(CITIES, SITES, 1, cost_ms=COST)
    two = optimize_placement(CITIES, SITES, 2, cost_ms=COST)
    assert one.sites == ["eu-west-2"]
    assert sorted(two.sites) == ["ap-southeast-1", "sa-east-1"]
    assert one.sites[0] not in two.sites


def test_p_median_and_p_center_differ() -> None:
    median = optimize_placement(CITIES, SITES, 2, objective="mean", cost_ms=COST)
    center = optimize_placement(CITIES, SITES, 2, objective="worst", cost_ms=COST)
    assert sorted(median.sites) == ["ap-southeast-1", "sa-east-1"]
    assert sorted(center.sites) == ["ap-southeast-1", "us-east-1"]
    assert center.summary["worst_rtt_ms"] < median.summary["worst_rtt_ms"]
    assert median.summary["mean_rtt_ms"] < center.summary["mean_rtt_ms"]


def test_constant_access_term_keeps_p_median_argmin() -> None:
    for k in (1, 2, 3):
        base = optimize_placement(CITIES, SITES, k, cost_ms=COST)
        shifted = optimize_placement(CITIES, SITES, k, cost_ms=COST + 24.0)  # FTTH access, MODELS §1.4
        assert shifted.sites == base.sites
        assert shifted.objective_value == pytest.approx(base.objective_value + 24.0)


@pytest.mark.parametrize("objective", ["mean", "p90", "coverage", "worst"])
def test_greedy_never_better_than_exact(objective: str) -> None:
    for seed in range(4):
        users, sites = random_instance(seed)
        cost = physics_rtt_ms(users, sites)
        for k in (2, 3):
            exact = optimize_placement(users, sites, k, objective=objective, cost_ms=cost, threshold_ms=60)
            greedy = optimize_placement(
                users, sites, k, objective=objective, cost_ms=cost, threshold_ms=60, method="greedy"
            )
            assert greedy.method == "greedy"
            assert math.isnan(greedy.gap)
            assert exact.greedy_objective_value == pytest.approx(greedy.objective_value)
            assert exact.greedy_gap is not None
            assert exact.greedy_gap >= 0.0
            if objective == "coverage":
                assert greedy.objective_value <= exact.objective_value + 1e-12
            else:
                assert greedy.objective_value >= exact.objective_value - 1e-12


def test_weight_column_optional() -> None:
    users = CITIES.drop(columns="weight")
    res = optimize_placement(users, SITES, 2, cost_ms=COST)
    expected = brute_force(COST.to_numpy(), np.ones(len(users)), 2, "mean")
    assert res.objective_value == pytest.approx(expected)


def test_zero_weight_users_served_but_not_counted() -> None:
    users = CITIES.copy()
    users.loc["Sydney", "weight"] = 0.0
    res = optimize_placement(users, SITES, 2, objective="worst", cost_ms=COST)
    w = users["weight"].to_numpy()
    assert res.objective_value == pytest.approx(brute_force(COST.to_numpy(), w, 2, "worst"))
    assert res.assignment["Sydney"] in res.sites


# ---------------------------------------------------------------------------------------------
# result contents


def test_summary_uses_the_documented_weighted_percentile() -> None:
    res = optimize_placement(CITIES, SITES, 2, objective="p90", cost_ms=COST)
    w = CITIES["weight"].to_numpy()
    rtt = res.rtt_ms.to_numpy()
    for q, key in ((0.5, "p50_rtt_ms"), (0.9, "p90_rtt_ms"), (0.99, "p99_rtt_ms")):
        assert res.summary[key] == np.quantile(rtt, q, weights=w, method="inverted_cdf")
    assert res.summary["p90_rtt_ms"] == res.objective_value
    assert res.summary["mean_rtt_ms"] == pytest.approx(rtt @ w / w.sum())
    assert res.summary["share_within_50_ms"] == pytest.approx(w[rtt <= 50].sum() / w.sum())


def test_assignment_is_nearest_chosen_site_and_index_kept() -> None:
    users = CITIES.copy()
    before = users.copy()
    cost_before = COST.copy()
    res = optimize_placement(users, SITES, 3, cost_ms=COST)
    pd.testing.assert_frame_equal(users, before)
    pd.testing.assert_frame_equal(COST, cost_before)
    assert res.assignment.index.equals(users.index)
    assert res.rtt_ms.index.equals(users.index)
    for city, site in res.assignment.items():
        assert site == COST.loc[city, res.sites].idxmin()
        assert res.rtt_ms[city] == COST.loc[city, site]
    assert res.per_site["users"].sum() == len(users)
    assert res.per_site["weight_share"].sum() == pytest.approx(1.0)


def test_cost_ms_rows_and_columns_may_be_reordered() -> None:
    shuffled = COST.iloc[::-1, ::-1]
    a = optimize_placement(CITIES, SITES, 2, cost_ms=shuffled)
    b = optimize_placement(CITIES, SITES, 2, cost_ms=COST)
    assert a.sites == b.sites
    assert a.objective_value == b.objective_value


def test_failover_table_on_tiny_case() -> None:
    # 3 users, 3 sites, hand-made RTTs [ms]
    users = pd.DataFrame(
        {"lat": [0.0, 0.0, 0.0], "lon": [0.0, 1.0, 2.0], "weight": [1.0, 1.0, 2.0]}, index=["a", "b", "c"]
    )
    sites = pd.DataFrame({"lat": [0.0, 0.0, 0.0], "lon": [0.0, 1.0, 2.0]}, index=["X", "Y", "Z"])
    cost = pd.DataFrame(
        [[10.0, 30.0, 90.0], [45.0, 20.0, 50.0], [80.0, 60.0, 5.0]], index=users.index, columns=sites.index
    )
    res = optimize_placement(users, sites, 2, cost_ms=cost)
    # {X, Z}: 10 + 45 + 2*5 = 65 / 4; {Y, Z}: 30 + 20 + 10 = 60 / 4; {X, Y}: 10 + 20 + 120 = 150 / 4
    assert res.sites == ["Y", "Z"]
    assert res.objective_value == pytest.approx(15.0)
    fo = res.failover
    assert list(fo.index) == ["Y", "Z"]
    # Y fails: a -> Z (90), b -> Z (50); c stays on Z (5): mean (90 + 50 + 10) / 4
    assert fo.loc["Y", "users_affected"] == 2
    assert fo.loc["Y", "weight_share_affected"] == pytest.approx(0.5)
    assert fo.loc["Y", "mean_rtt_ms"] == pytest.approx(37.5)
    assert fo.loc["Y", "mean_rtt_increase_ms"] == pytest.approx(22.5)
    assert fo.loc["Y", "affected_mean_rtt_ms_before"] == pytest.approx(25.0)
    assert fo.loc["Y", "affected_mean_rtt_ms_after"] == pytest.approx(70.0)
    assert fo.loc["Y", "worst_rtt_ms"] == pytest.approx(90.0)
    # Z fails: c -> Y (60): mean (30 + 20 + 120) / 4; p90: weights .25 .25 .5 -> 60
    assert fo.loc["Z", "users_affected"] == 1
    assert fo.loc["Z", "mean_rtt_ms"] == pytest.approx(42.5)
    assert fo.loc["Z", "p90_rtt_ms"] == pytest.approx(60.0)
    assert (fo["stranded_share"] == 0).all()
    moved = res.failover_assignment("Y")
    assert list(moved.index) == ["a", "b"]
    assert list(moved["site_after"]) == ["Z", "Z"]
    assert list(moved["rtt_ms_after"]) == [90.0, 50.0]
    with pytest.raises(UnknownNameError, match="unknown chosen site 'X'"):
        res.failover_assignment("X")


def test_failover_with_one_site_strands_everyone() -> None:
    res = optimize_placement(CITIES, SITES, 1, cost_ms=COST)
    row = res.failover.iloc[0]
    assert row["stranded_share"] == pytest.approx(1.0)
    assert math.isnan(row["mean_rtt_ms"])
    moved = res.failover_assignment(res.sites[0])
    assert moved["site_after"].isna().all()


def test_repr_html_names_sites_and_method() -> None:
    res = optimize_placement(CITIES, SITES, 2, cost_ms=COST)
    text = res._repr_html_()
    assert "ap-southeast-1" in text
    assert "enumeration" in text
    assert "proven optimum" in text
    assert isinstance(res, PlacementResult)
    assert res.solve_time_s >= 0


# ---------------------------------------------------------------------------------------------
# constraints


def test_must_include_and_exclude_honoured() -> None:
    w = CITIES["weight"].to_numpy()
    site_pos = {s: i for i, s in enumerate(SITES.index)}
    res = optimize_placement(CITIES, SITES, 2, cost_ms=COST, must_include=["eu-west-2"])
    assert "eu-west-2" in res.sites
    expected = brute_force(COST.to_numpy(), w, 2, "mean", allowed=lambda s: site_pos["eu-west-2"] in s)
    assert res.objective_value == pytest.approx(expected)
    res = optimize_placement(CITIES, SITES, 2, cost_ms=COST, exclude=["sa-east-1"])
    assert "sa-east-1" not in res.sites
    expected = brute_force(COST.to_numpy(), w, 2, "mean", allowed=lambda s: site_pos["sa-east-1"] not in s)
    assert res.objective_value == pytest.approx(expected)


@pytest.mark.parametrize("objective", ["mean", "p90", "worst", "coverage"])
def test_residency_constrains_assignment(objective: str) -> None:
    residency = {"BR": ["us-east-1"], "JP": ["ap-southeast-1", "me-central-1"]}
    res = optimize_placement(
        CITIES, SITES, 2, objective=objective, cost_ms=COST, residency=residency, threshold_ms=60.0
    )
    assert res.assignment["Sao Paulo"] == "us-east-1"
    assert res.assignment["Tokyo"] in ("ap-southeast-1", "me-central-1")
    masked = COST.copy()
    masked.loc["Sao Paulo", [s for s in SITES.index if s != "us-east-1"]] = np.inf
    masked.loc["Tokyo", ["sa-east-1", "eu-west-2", "us-east-1"]] = np.inf
    expected = brute_force(masked.to_numpy(), CITIES["weight"].to_numpy(), 2, objective)
    assert res.objective_value == pytest.approx(expected)


def test_min_share_side_constraint() -> None:
    free = optimize_placement(CITIES, SITES, 2, cost_ms=COST)
    share = free.summary.get("share_within_60_ms", None)
    res = optimize_placement(CITIES, SITES, 2, cost_ms=COST, threshold_ms=60.0, min_share=0.5)
    assert res.summary["share_within_60_ms"] >= 0.5
    w = CITIES["weight"].to_numpy()
    c = COST.to_numpy()

    def ok(s: tuple[int, ...]) -> bool:
        return bool(w @ (c[:, list(s)].min(axis=1) <= 60.0) / w.sum() >= 0.5)

    assert res.objective_value == pytest.approx(brute_force(c, w, 2, "mean", allowed=ok))
    assert share is None or share < 0.5 or res.sites == free.sites


def test_frontier_never_worse_with_k() -> None:
    users, sites = random_instance(3, n_users=50, n_sites=7)
    cost = physics_rtt_ms(users, sites)
    for objective in ("mean", "p90", "worst"):
        front = placement_frontier(users, sites, 5, objective=objective, cost_ms=cost)
        assert list(front.index) == [1, 2, 3, 4, 5]
        assert (np.diff(front["objective_value"].to_numpy()) <= 1e-12).all()
        assert all(len(s) == k for k, s in front["sites"].items())
    cov = placement_frontier(users, sites, 4, objective="coverage", threshold_ms=40, cost_ms=cost)
    assert (np.diff(cov["objective_value"].to_numpy()) >= -1e-12).all()


def test_frontier_starts_at_must_include() -> None:
    front = placement_frontier(CITIES, SITES, 3, cost_ms=COST, must_include=["eu-west-2", "us-east-1"])
    assert list(front.index) == [2, 3]
    assert all("eu-west-2" in s for s in front["sites"])


def test_frontier_skips_k_too_small_for_residency() -> None:
    front = placement_frontier(
        CITIES, SITES, 3, cost_ms=COST, residency={"BR": ["sa-east-1"], "GB": ["eu-west-2"]}
    )
    assert list(front.index) == [2, 3]


# ---------------------------------------------------------------------------------------------
# the latency model behind the default path


def test_physics_model_equals_straight_fibre_formula() -> None:
    latency = pytest.importorskip("cloudgeo.latency")
    if not hasattr(latency, "rtt_matrix_ms"):
        pytest.skip("cloudgeo.latency.rtt_matrix_ms not available yet")
    res = optimize_placement(CITIES, SITES, 2, model="physics")
    ref = optimize_placement(CITIES, SITES, 2, cost_ms=COST)
    assert res.sites == ref.sites
    # the formula's radius may be 6371.0 or 6371.0088 km: equal to 2e-6 relative
    assert res.objective_value == pytest.approx(ref.objective_value, rel=1e-5)
    np.testing.assert_allclose(res.rtt_ms.to_numpy(), ref.rtt_ms.to_numpy(), rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# errors


def test_k_out_of_range() -> None:
    with pytest.raises(InvalidInputError, match="k must be >= 1, got 0"):
        optimize_placement(CITIES, SITES, 0, cost_ms=COST)
    with pytest.raises(InvalidInputError, match=r"k=6 is larger than the number of candidate sites \(5\)"):
        optimize_placement(CITIES, SITES, 6, cost_ms=COST)
    with pytest.raises(InvalidTypeError, match="k must be an integer"):
        optimize_placement(CITIES, SITES, 2.0, cost_ms=COST)  # type: ignore[arg-type]


def test_empty_and_bad_users() -> None:
    with pytest.raises(DataValidationError, match=r"(?s)users failed validation.*the table is empty"):
        optimize_placement(CITIES.iloc[:0], SITES, 1, cost_ms=COST.iloc[:0])
    bad = CITIES.copy()
    bad.loc["Tokyo", "weight"] = -1.0
    with pytest.raises(DataValidationError, match="weight is negative in row"):
        optimize_placement(bad, SITES, 1, cost_ms=COST)
    with pytest.raises(InvalidTypeError, match="users must be a pandas DataFrame"):
        optimize_placement([1, 2], SITES, 1, cost_ms=COST)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="candidates must be a pandas DataFrame"):
        optimize_placement(CITIES, ["a"], 1, cost_ms=COST)  # type: ignore[arg-type]
    with pytest.raises(DataValidationError, match=r"(?s)candidates failed validation.*the table is empty"):
        optimize_placement(CITIES, SITES.iloc[:0], 1, cost_ms=COST)
    dup = pd.concat([SITES, SITES.iloc[:1]])
    with pytest.raises(DataValidationError, match="duplicate site id"):
        optimize_placement(CITIES, dup, 1, cost_ms=COST)


def test_must_include_exclude_conflicts() -> None:
    with pytest.raises(InvalidInputError, match=r"\['eu-west-2'\] are both in must_include and in exclude"):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, must_include=["eu-west-2"], exclude=["eu-west-2"])
    with pytest.raises(InfeasibleError, match="must_include binds: it names 3 sites"):
        optimize_placement(
            CITIES, SITES, 2, cost_ms=COST, must_include=["eu-west-2", "us-east-1", "sa-east-1"]
        )
    with pytest.raises(InfeasibleError, match="exclude binds: 3 of 5 candidates are excluded"):
        optimize_placement(CITIES, SITES, 3, cost_ms=COST, exclude=["eu-west-2", "us-east-1", "sa-east-1"])
    with pytest.raises(InvalidTypeError, match="must_include must be a list of candidate ids"):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, must_include="eu-west-2")


def test_unknown_ids_suggest_close_matches() -> None:
    with pytest.raises(
        UnknownRegionError, match=r"unknown region code 'eu-west-9'\. Did you mean 'eu-west-2'"
    ):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, must_include=["eu-west-9"])
    plain = SITES.rename_axis(None)
    with pytest.raises(UnknownNameError, match="unknown candidate site id in exclude 'us-east-l'"):
        optimize_placement(CITIES, plain, 2, cost_ms=COST, exclude=["us-east-l"])
    with pytest.raises(UnknownRegionError, match="unknown region code 'sa-east-2'"):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, residency={"BR": ["sa-east-2"]})


def test_residency_infeasible_names_the_rule() -> None:
    with pytest.raises(
        InfeasibleError, match=r"residency binds: users in BR may only be served from \['sa-east-1'\]"
    ):
        optimize_placement(
            CITIES, SITES, 2, cost_ms=COST, residency={"BR": ["sa-east-1"]}, exclude=["sa-east-1"]
        )
    rules = {"BR": ["sa-east-1"], "GB": ["eu-west-2"], "JP": ["ap-southeast-1"]}
    with pytest.raises(
        InfeasibleError, match=r"residency binds: the rules BR -> \['sa-east-1'\].* need at least 3 site"
    ):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, residency=rules)
    with pytest.raises(InfeasibleError, match="plus the 1 must_include site"):
        optimize_placement(
            CITIES,
            SITES,
            2,
            cost_ms=COST,
            residency={"BR": ["sa-east-1"], "GB": ["eu-west-2"]},
            must_include=["us-east-1"],
        )
    with pytest.raises(DataValidationError, match=r"missing column.*country_code"):
        optimize_placement(
            CITIES.drop(columns="country_code"), SITES, 2, cost_ms=COST, residency={"BR": ["sa-east-1"]}
        )
    with pytest.raises(InvalidTypeError, match="residency must be a mapping"):
        optimize_placement(CITIES, SITES, 2, cost_ms=COST, residency=[("BR", ["sa-east-1"])])  # type: ignore[arg-type]


def test_min_share_infeasible_names_the_constraint() -> None:
    with pytest.raises(
        InfeasibleError,
        match=r"min_share binds: at most 0\.\d+ of the user weight can be within threshold_ms=10 ms",
    ):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, threshold_ms=10.0, min_share=0.9)
    with pytest.raises(InvalidInputError, match="min_share needs threshold_ms"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, min_share=0.9)
    with pytest.raises(InvalidInputError, match=r"min_share must be a fraction in \[0, 1\], got 90"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, threshold_ms=10.0, min_share=90)


def test_bad_choices() -> None:
    with pytest.raises(InvalidInputError, match=r"objective must be one of 'mean', 'p50'.*got 'median'"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, objective="median")
    with pytest.raises(InvalidInputError, match=r"objective must be one of .*got 'p100'"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, objective="p100")
    with pytest.raises(InvalidInputError, match="method must be one of 'exact', 'greedy'; got 'ilp'"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, method="ilp")
    with pytest.raises(InvalidInputError, match="objective='coverage' needs threshold_ms"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, objective="coverage")
    with pytest.raises(InvalidInputError, match="threshold_ms must be > 0 ms, got -5"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, objective="coverage", threshold_ms=-5)
    with pytest.raises(InvalidInputError, match="time_limit_s must be > 0 s"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST, time_limit_s=0)


def test_bad_cost_matrix() -> None:
    nan = COST.copy()
    nan.iloc[0, 0] = np.nan
    with pytest.raises(DataValidationError, match="1 RTT value\\(s\\) are NaN or infinite"):
        optimize_placement(CITIES, SITES, 1, cost_ms=nan)
    with pytest.raises(DataValidationError, match="RTT value\\(s\\) are negative"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST - 1000.0)
    with pytest.raises(DataValidationError, match="columns missing for candidate\\(s\\) \\['us-east-1'\\]"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST.drop(columns="us-east-1"))
    with pytest.raises(DataValidationError, match="its index must hold exactly the users' index labels"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST.iloc[1:])
    with pytest.raises(InvalidTypeError, match="cost_ms must be a pandas DataFrame"):
        optimize_placement(CITIES, SITES, 1, cost_ms=COST.to_numpy())  # type: ignore[arg-type]


def test_greedy_cannot_meet_residency_but_exact_can() -> None:
    # Six countries, each allowed a set of sites; c hits four rules, so greedy takes it first and
    # then needs two more sites; the exact solve finds {a, b}.
    users = pd.DataFrame(
        {"lat": [0.0] * 6, "lon": [0.0] * 6, "country_code": ["C1", "C2", "C3", "C4", "C5", "C6"]},
        index=[f"u{i}" for i in range(6)],
    )
    sites = pd.DataFrame({"lat": [0.0] * 3, "lon": [0.0] * 3}, index=["a", "b", "c"])
    cost = pd.DataFrame(10.0, index=users.index, columns=sites.index)
    rules = {"C1": ["a", "c"], "C2": ["a", "c"], "C3": ["a"], "C4": ["b", "c"], "C5": ["b", "c"], "C6": ["b"]}
    exact = optimize_placement(users, sites, 2, cost_ms=cost, residency=rules)
    assert exact.sites == ["a", "b"]
    assert exact.greedy_objective_value is None
    with pytest.raises(InfeasibleError, match="the greedy method could not meet the constraints"):
        optimize_placement(users, sites, 2, cost_ms=cost, residency=rules, method="greedy")


@pytest.mark.parametrize("objective", ["mean", "p90", "worst"])
def test_more_than_64_candidates(objective: str) -> None:
    # sets wider than one machine word take the byte-wise path
    users, sites = random_instance(11, n_users=30, n_sites=70)
    cost = physics_rtt_ms(users, sites)
    for k in (1, 2):
        res = optimize_placement(users, sites, k, objective=objective, cost_ms=cost)
        expected = brute_force(cost.to_numpy(), users["weight"].to_numpy(), k, objective)
        assert res.objective_value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("objective", ["mean", "p90", "coverage"])
def test_time_limit_returns_a_solution_with_its_gap(objective: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)  # force the integer program
    users, sites = random_instance(5, n_users=80, n_sites=12)
    cost = physics_rtt_ms(users, sites)
    exact = optimize_placement(users, sites, 4, objective=objective, cost_ms=cost, threshold_ms=40)
    res = optimize_placement(
        users, sites, 4, objective=objective, cost_ms=cost, threshold_ms=40, time_limit_s=1e-4
    )
    assert len(res.sites) == 4
    assert res.gap == 0.0 or math.isnan(res.gap) or res.gap > 0.0
    if objective == "coverage":
        assert res.objective_value <= exact.objective_value + 1e-12
    else:
        assert res.objective_value >= exact.objective_value - 1e-12


def test_duplicate_user_labels_are_kept() -> None:
    users = pd.DataFrame(
        {"lat": [0.0, 0.0, 0.0], "lon": [0.0, 1.0, 2.0], "weight": [1.0, 1.0, 3.0]}, index=["a", "a", "b"]
    )
    sites = pd.DataFrame({"lat": [0.0, 0.0], "lon": [0.0, 2.0]}, index=["X", "Y"])
    cost = pd.DataFrame([[1.0, 5.0], [2.0, 4.0], [9.0, 1.0]], index=users.index, columns=sites.index)
    res = optimize_placement(users, sites, 1, cost_ms=cost)
    # X: 1 + 2 + 27 = 30; Y: 5 + 4 + 3 = 12 (/ 5)
    assert res.sites == ["Y"]
    assert res.objective_value == pytest.approx(12.0 / 5.0)
    assert list(res.assignment.index) == ["a", "a", "b"]


def test_frontier_stays_monotone_under_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)
    users, sites = random_instance(9, n_users=80, n_sites=12)
    cost = physics_rtt_ms(users, sites)
    front = placement_frontier(users, sites, 6, cost_ms=cost, time_limit_s=1e-4, exclude=iter(["s0"]))
    assert (np.diff(front["objective_value"].to_numpy()) <= 1e-12).all()
    assert not any("s0" in s for s in front["sites"])


# ---------------------------------------------------------------------------------------------
# the fast paths (greedy, exact mean, result tables) against naive recomputations


def tie_instance(
    seed: int, n_users: int = 40, n_sites: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Users, sites and an integer RTT matrix: many tied RTTs, some zero weights, three countries."""
    rng = np.random.default_rng(seed)
    users = pd.DataFrame(
        {
            "lat": 0.0,
            "lon": 0.0,
            "weight": rng.integers(0, 4, n_users).astype(float),
            "country_code": rng.choice(["AA", "BB", "CC"], n_users),
        },
        index=pd.Index([f"u{i}" for i in range(n_users)]),
    )
    users.loc["u0", "weight"] = 1.0
    sites = pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=pd.Index([f"s{j}" for j in range(n_sites)]))
    cost = pd.DataFrame(
        rng.integers(0, 12, (n_users, n_sites)).astype(float), index=users.index, columns=sites.index
    )
    return users, sites, cost


def masked_cost(users: pd.DataFrame, cost: pd.DataFrame, residency: dict[str, list[str]]) -> np.ndarray:
    out = cost.to_numpy().copy()
    for country, allowed in residency.items():
        rows = (users["country_code"] == country).to_numpy()
        cols = ~cost.columns.isin(allowed)
        out[np.ix_(rows, cols)] = np.inf
    return out


def naive_tables(
    cost: np.ndarray, w: np.ndarray, site_names: list[str], chosen: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """per_site, failover and summary recomputed the obvious way (one full sort per quantity)."""
    cols = [site_names.index(s) for s in chosen]
    served = cost[:, cols].min(axis=1)
    assign = np.array(cols)[cost[:, cols].argmin(axis=1)]
    pos = w > 0
    summary = {"mean_rtt_ms": float(w[pos] @ served[pos] / w[pos].sum())}
    for q in (50, 90, 95, 99):
        summary[f"p{q}_rtt_ms"] = weighted_quantile(served, w, q / 100)
    summary["worst_rtt_ms"] = float(served[pos].max())
    per_site = []
    fail = []
    for c, name in zip(cols, chosen, strict=True):
        mine = assign == c
        per_site.append(
            {
                "site": name,
                "users": int(mine.sum()),
                "weight_share": w[mine].sum() / w.sum(),
                "mean_rtt_ms": w[mine] @ served[mine] / w[mine].sum() if w[mine].sum() > 0 else math.nan,
            }
        )
        others = [o for o in cols if o != c]
        after = served.copy()
        after[mine] = cost[np.ix_(mine, others)].min(axis=1) if others else np.inf
        ok = np.isfinite(after)
        row = {
            "failed_site": name,
            "users_affected": int(mine.sum()),
            "weight_share_affected": w[mine].sum() / w.sum(),
            "stranded_share": w[~ok].sum() / w.sum(),
            "mean_rtt_ms": math.nan,
            "p90_rtt_ms": math.nan,
            "worst_rtt_ms": math.nan,
            "affected_mean_rtt_ms_before": (
                w[mine] @ served[mine] / w[mine].sum() if w[mine].sum() > 0 else math.nan
            ),
            "affected_mean_rtt_ms_after": (
                w[mine & ok] @ after[mine & ok] / w[mine & ok].sum() if w[mine & ok].sum() > 0 else math.nan
            ),
        }
        if w[ok].sum() > 0:
            row["mean_rtt_ms"] = w[ok] @ after[ok] / w[ok].sum()
            row["p90_rtt_ms"] = weighted_quantile(after[ok], w[ok], 0.9)
            row["worst_rtt_ms"] = after[ok & pos].max() if (ok & pos).any() else math.nan
        row["mean_rtt_increase_ms"] = row["mean_rtt_ms"] - summary["mean_rtt_ms"]
        fail.append(row)
    return pd.DataFrame(per_site).set_index("site"), pd.DataFrame(fail).set_index("failed_site"), summary


def assert_close_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(
            got[column].to_numpy(dtype=float), expected[column].to_numpy(dtype=float), rtol=1e-12, atol=1e-12
        )


@pytest.mark.parametrize("seed", range(6))
def test_result_tables_match_naive_recomputation(seed: int) -> None:
    users, sites, cost = tie_instance(seed)
    names = list(sites.index)
    w = users["weight"].to_numpy()
    rules = {"AA": ["s0", "s1"], "BB": ["s2"]}
    for k in (1, 2, 3, 4):
        for method in ("greedy", "exact"):
            for residency in (None, rules):
                if residency is not None and k < 2:
                    continue
                res = optimize_placement(users, sites, k, cost_ms=cost, method=method, residency=residency)
                c = masked_cost(users, cost, residency or {})
                per_site, fail, summary = naive_tables(c, w, names, res.sites)
                assert_close_frame(res.per_site, per_site)
                assert_close_frame(res.failover, fail[res.failover.columns])
                for key, value in summary.items():
                    assert res.summary[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
                assert (
                    res.rtt_ms.to_numpy().tolist()
                    == c[:, [names.index(s) for s in res.sites]].min(axis=1).tolist()
                )


def test_failover_stranded_users_with_residency() -> None:
    users, sites, cost = tie_instance(3)
    rules = {"AA": ["s0"], "BB": ["s1"], "CC": ["s2"]}
    res = optimize_placement(users, sites, 3, cost_ms=cost, residency=rules)
    assert sorted(res.sites) == ["s0", "s1", "s2"]
    w = users["weight"].to_numpy()
    _, fail, _ = naive_tables(masked_cost(users, cost, rules), w, list(sites.index), res.sites)
    assert (res.failover["stranded_share"] > 0).all()
    assert_close_frame(res.failover, fail[res.failover.columns])


def test_first_reaching_is_the_weighted_quantile_of_the_union() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_a, n_b = rng.integers(0, 12, 2)
        if n_a + n_b == 0:
            continue
        a = rng.integers(0, 6, n_a).astype(float)
        b = rng.integers(0, 6, n_b).astype(float)
        wa = rng.integers(0, 3, n_a).astype(float)
        wb = rng.integers(0, 3, n_b).astype(float)
        if wa.sum() + wb.sum() == 0:
            continue
        q = float(rng.choice([0.1, 0.5, 0.9, 0.99]))
        oa, ob = np.argsort(a, kind="stable"), np.argsort(b, kind="stable")
        ca, cb = np.cumsum(wa[oa]), np.cumsum(wb[ob])
        total = wa.sum() + wb.sum()
        got = P_result._first_reaching(a[oa], ca, b[ob], cb, q * total - 1e-9 * total)
        union, wu = np.concatenate([a, b]), np.concatenate([wa, wb])
        assert got == P_obj._weighted_quantile(union, wu, q) == weighted_quantile(union, wu, q)


@pytest.mark.parametrize(
    "ids",
    [["a", "b", "c"], [3, 1, 2], ["a", 1, 2.5], [("x", 1), "y", None], [1.5, 2.5, 3.5]],
)
def test_assignment_series_dtype_as_from_objects(ids: list[object]) -> None:
    cols = np.array([0, 2, 2, 0, 0], dtype=np.intp)
    index = pd.Index(list("vwxyz"))
    got = P_result._id_series(ids, cols, index, "site")
    expected = pd.Series(P_result._object_array(ids)[cols], index=index, name="site")
    assert got.dtype == expected.dtype
    assert got.equals(expected)


def naive_greedy(cost: np.ndarray, w: np.ndarray, k: int) -> list[int]:
    """Add the site with the lowest weighted mean RTT, k times (lowest index on a tie)."""
    chosen: list[int] = []
    cur = np.full(len(cost), np.inf)
    while len(chosen) < k:
        values = [
            (float(w @ np.minimum(cur, cost[:, j])), j) for j in range(cost.shape[1]) if j not in chosen
        ]
        _, best = min(values)
        chosen.append(best)
        cur = np.minimum(cur, cost[:, best])
    return sorted(chosen)


@pytest.mark.parametrize("seed", range(5))
def test_greedy_mean_matches_naive_greedy(seed: int) -> None:
    users, sites = random_instance(seed, n_users=60, n_sites=9)
    cost = physics_rtt_ms(users, sites)
    w = users["weight"].to_numpy() / users["weight"].sum()
    for k in range(1, 7):
        res = optimize_placement(users, sites, k, cost_ms=cost, method="greedy")
        assert res.sites == [sites.index[j] for j in naive_greedy(cost.to_numpy(), w, k)]


@pytest.mark.parametrize("force_milp", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_exact_mean_with_ties_and_zero_weights_matches_brute_force(
    seed: int, force_milp: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if force_milp:
        _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)
    users, sites, cost = tie_instance(seed, n_users=30, n_sites=7)
    c, w = cost.to_numpy(), users["weight"].to_numpy()
    pos = {s: j for j, s in enumerate(sites.index)}
    for k in range(1, 6):
        res = optimize_placement(users, sites, k, cost_ms=cost)
        assert res.objective_value == pytest.approx(brute_force(c, w, k, "mean"), rel=1e-12)
        assert res.gap == 0.0
        res = optimize_placement(users, sites, k, cost_ms=cost, must_include=["s3"], exclude=["s1"])
        expected = brute_force(c, w, k, "mean", allowed=lambda s: pos["s3"] in s and pos["s1"] not in s)
        assert res.objective_value == pytest.approx(expected, rel=1e-12)


def clustered_instance(
    seed: int, n_users: int = 120, n_sites: int = 9
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Users in a few clusters whose RTT rows are positive affine images of one row per cluster.

    Users of a cluster then rank the sites in the same order (the world cities do: 34,000 cities,
    under a thousand orders), so the exact mean solver merges them; integer base rows add ties.
    """
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 30, (5, n_sites)).astype(float)
    cluster = rng.integers(0, 5, n_users)
    scale = rng.uniform(0.5, 2.0, n_users)
    offset = rng.uniform(0.0, 10.0, n_users)
    cost = base[cluster] * scale[:, None] + offset[:, None]
    users = pd.DataFrame(
        {"lat": 0.0, "lon": 0.0, "weight": rng.integers(0, 5, n_users).astype(float)},
        index=pd.Index([f"u{i}" for i in range(n_users)]),
    )
    users.loc["u0", "weight"] = 1.0
    sites = pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=pd.Index([f"s{j}" for j in range(n_sites)]))
    return users, sites, pd.DataFrame(cost, index=users.index, columns=sites.index)


@pytest.mark.parametrize("force_milp", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_exact_mean_on_clustered_users_matches_brute_force(
    seed: int, force_milp: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if force_milp:
        _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)
    users, sites, cost = clustered_instance(seed)
    c, w = cost.to_numpy(), users["weight"].to_numpy()
    for k in range(1, 7):
        res = optimize_placement(users, sites, k, cost_ms=cost)
        assert res.objective_value == pytest.approx(brute_force(c, w, k, "mean"), rel=1e-12)
        assert res.gap == 0.0


@pytest.mark.parametrize("seed", range(4))
def test_user_aggregation_is_exact_for_every_choice_of_k_sites(seed: int) -> None:
    users, _, cost = clustered_instance(seed, n_users=60, n_sites=7)
    c = cost.to_numpy()
    w = users["weight"].to_numpy() / users["weight"].sum()
    for k in (1, 2, 3, 5, 7):
        merged, ones = P_agg._aggregate_users(c, w, c.shape[1] - k + 1)
        assert len(merged) < len(c)
        assert (ones == 1.0).all()
        for combo in itertools.combinations(range(c.shape[1]), k):
            cols = list(combo)
            assert merged[:, cols].min(axis=1).sum() == pytest.approx(w @ c[:, cols].min(axis=1), rel=1e-12)


def test_row_labels_partition_identical_rows() -> None:
    rng = np.random.default_rng(0)
    for n_values, width in ((3, 1), (7, 5), (40, 19), (300, 4)):
        rows = rng.integers(0, n_values, (200, width))
        rows[100:] = rows[rng.integers(0, 100, 100)]  # many repeats
        labels, count = P_agg._row_labels(rows)
        _, expected = np.unique(rows, axis=0, return_inverse=True)
        assert count == expected.max() + 1
        # same partition: a label determines the row and the row determines the label
        pairs = set(zip(labels.tolist(), expected.ravel().tolist(), strict=True))
        assert len(pairs) == count


@pytest.mark.parametrize("seed", range(3))
def test_exact_mean_is_exact_whatever_the_seed_depth(seed: int) -> None:
    # a poor seed starts the radius formulation shallow: the deepening loop must still prove
    # the optimum (exact brute force), also with residency (inf RTTs) and must_include
    users, sites, cost = tie_instance(seed, n_users=50, n_sites=8)
    c, w = cost.to_numpy(), users["weight"].to_numpy()
    for k in (2, 3, 4):
        res = optimize_placement(users, sites, k, cost_ms=cost)
        prob = _mean_problem(users, sites, k, cost)
        worst_first = np.zeros(len(sites), dtype=bool)
        worst_first[np.argsort(-(w @ c))[:k]] = True
        for seed_choice in (worst_first, np.eye(len(sites), dtype=bool)[0]):
            mean = P_median._solve_mean(prob, [], None, None, "auto", seed_choice)
            chosen, proven = mean.chosen, mean.proven
            assert chosen is not None
            assert proven
            value = w @ c[:, chosen].min(axis=1) / w.sum()
            assert value == pytest.approx(brute_force(c, w, k, "mean"), rel=1e-12)
            assert value == pytest.approx(res.objective_value, rel=1e-12)
    rules = {"AA": ["s0", "s1"], "BB": ["s2", "s5"]}
    masked = masked_cost(users, cost, rules)
    for k in (3, 4):
        res = optimize_placement(users, sites, k, cost_ms=cost, residency=rules, must_include=["s7"])
        pos = w > 0  # zero-weight users do not count (and 0 * inf is NaN)
        expected = brute_force(masked[pos], w[pos], k, "mean", allowed=lambda s: 7 in s)
        assert res.objective_value == pytest.approx(expected, rel=1e-12)


def test_prepared_cost_matrix_gives_the_same_results() -> None:
    # the placement explorer validates (and sorts) the RTT matrix once: same results as a frame
    users, sites, cost = tie_instance(4, n_users=60, n_sites=8)
    users.loc["u1", "weight"] = 0.0
    prepared = placement.prepare_cost(users, sites, cost)
    assert not prepared.values.flags.writeable
    cases: list[dict[str, object]] = [
        {"k": 3},
        {"k": 4, "exclude": ["s1", "s6"]},
        {"k": 3, "must_include": ["s2"], "exclude": ["s0"]},
        {"k": 3, "residency": {"AA": ["s0", "s3"]}},
        {"k": 2, "objective": "p90"},
        {"k": 3, "objective": "coverage", "threshold_ms": 4.0},
    ]
    for case in cases:
        for method in ("exact", "greedy"):
            kwargs = {key: v for key, v in case.items() if key != "k"}
            k = int(case["k"])  # type: ignore[call-overload]
            a = optimize_placement(users, sites, k, method=method, cost_ms=cost, **kwargs)  # type: ignore[arg-type]
            b = placement.optimize_placement(users, sites, k, method=method, cost_ms=prepared, **kwargs)  # type: ignore[arg-type]
            assert a.sites == b.sites
            assert a.objective_value == b.objective_value
            pd.testing.assert_series_equal(a.summary, b.summary)
            pd.testing.assert_frame_equal(a.failover, b.failover)
            pd.testing.assert_series_equal(a.assignment, b.assignment)
    # a private copy: changing the caller's frame afterwards changes nothing
    before = placement.optimize_placement(users, sites, 3, cost_ms=prepared)
    cost.iloc[:, :] = 0.0
    after = placement.optimize_placement(users, sites, 3, cost_ms=prepared)
    assert after.sites == before.sites
    assert after.objective_value == before.objective_value > 0
    with pytest.raises(InvalidInputError, match="prepared RTT matrix was made for other users or candidates"):
        placement.optimize_placement(users.iloc[1:], sites, 3, cost_ms=prepared)
    with pytest.raises(InvalidInputError, match="prepared RTT matrix was made for other users or candidates"):
        placement.optimize_placement(users, sites.iloc[::-1], 3, cost_ms=prepared)


def test_allowed_order_is_an_argsort_of_the_allowed_columns() -> None:
    rng = np.random.default_rng(2)
    cost = rng.integers(0, 6, (50, 9)).astype(float)  # ties
    order = np.argsort(cost, axis=1)
    allowed = np.array([0, 2, 3, 7, 8])
    sub = P_cost._allowed_order(order, allowed, 9)
    assert sorted(sub[0].tolist()) == list(range(len(allowed)))
    assert (np.diff(np.take_along_axis(cost[:, allowed], sub, axis=1), axis=1) >= 0).all()


# ---------------------------------------------------------------------------------------------
# fast greedy objectives and the shortened threshold search against the plain computations


def original_greedy(
    cost: np.ndarray,
    w: np.ndarray,
    k: int,
    objective: str,
    q: float | None,
    thr: float | None,
    must: list[int],
) -> list[int]:
    """The greedy loop as first written: users x options matrix, grid bisection, then the mean.

    Options tied on the objective go to the least mean RTT; means (and coverage shares) closer
    than the rounding of their sums (8 eps n relative) are a tie too, then the lowest index (as
    the solver does: its sums are rounded differently, a pick must not depend on that).
    """
    chosen = np.zeros(cost.shape[1], dtype=bool)
    chosen[must] = True
    cur = cost[:, chosen].min(axis=1) if chosen.any() else np.full(len(cost), np.inf)
    grid = np.unique(cost)
    while int(chosen.sum()) < k:
        options = np.flatnonzero(~chosen)
        served = np.minimum(cur[:, None], cost[:, options])
        mean = w @ served
        primary = P_obj._objective_columns(served, w, objective, q, thr, grid if q is not None else None)
        first = np.flatnonzero(primary == primary.min())
        if objective == "coverage":  # shares closer than the rounding of their sums are a tie too
            first = np.flatnonzero(
                primary <= primary.min() + 8.0 * float(np.finfo(np.float64).eps) * len(cost)
            )
        lowest = float(mean[first].min())
        tol = 8.0 * float(np.finfo(np.float64).eps) * len(cost) * abs(lowest)
        best = options[first[np.flatnonzero(mean[first] <= lowest + tol)[0]]]
        chosen[best] = True
        cur = np.minimum(cur, cost[:, best])
    return [int(j) for j in np.flatnonzero(chosen)]


@pytest.mark.parametrize("objective", ["p50", "p90", "p99", "p37", "worst", "coverage"])
@pytest.mark.parametrize("seed", range(4))
def test_greedy_fast_objectives_match_the_original_loop(objective: str, seed: int) -> None:
    users, sites, cost = tie_instance(seed, n_users=50, n_sites=8)
    c = cost.to_numpy()
    w = users["weight"].to_numpy() / users["weight"].sum()
    _, q = P_obj._parse_objective(objective)
    thr = 5.0 if objective == "coverage" else None
    for must in ([], [3]):
        for k in range(max(1, len(must)), 7):
            res = optimize_placement(
                users,
                sites,
                k,
                cost_ms=cost,
                objective=objective,
                method="greedy",
                threshold_ms=thr,
                must_include=[sites.index[j] for j in must],
            )
            expected = original_greedy(c, w, k, objective, q, thr, must)
            assert res.sites == [sites.index[j] for j in expected]


@pytest.mark.parametrize("seed", range(6))
def test_greedy_quantile_columns_equal_the_grid_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_users, n_sites = 400, 9
    # ties (integer RTTs, a few distinct values), zero weights, one dominant user
    cost = rng.integers(0, 30 if seed % 2 else 4000, (n_users, n_sites)).astype(float)
    w = rng.integers(0, 3, n_users).astype(float)
    w[0] = 50.0
    w /= w.sum()
    grid = np.unique(cost)
    for q in (0.01, 0.5, 0.9, 0.99):
        fast = P_greedy._GreedyColumns(cost, w, "p", q)
        cur = np.full(n_users, np.inf)
        for j in (4, 1, 7):
            options = np.flatnonzero(np.arange(n_sites) != j)
            served = np.minimum(cur[:, None], cost[:, options])
            expected = P_obj._quantile_columns_on_grid(served, w, q, grid)
            np.testing.assert_array_equal(fast.columns(cur, options), expected)
            np.testing.assert_array_equal(expected, P_obj._weighted_quantile_columns(served, w, q))
            cur = np.minimum(cur, cost[:, j])
            fast.add(j)


def test_greedy_quantile_near_a_rounding_tie_uses_the_grid_search(monkeypatch: pytest.MonkeyPatch) -> None:
    # a target that is reached exactly by a cumulative weight: decided by the grid search
    cost = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [4.0, 0.0]])
    w = np.full(4, 0.25)
    calls = []
    original = P_obj._quantile_columns_on_grid

    def spy(*args: object) -> np.ndarray:
        calls.append(1)
        return original(*args)  # type: ignore[arg-type]

    _patch(monkeypatch, "_quantile_columns_on_grid", spy)
    _patch(monkeypatch, "_QUANTILE_RTOL", 0.0)
    fast = P_greedy._GreedyColumns(cost, w, "p50", 0.5)
    got = fast.columns(np.full(4, np.inf), np.arange(2))
    assert calls
    np.testing.assert_array_equal(got, P_obj._weighted_quantile_columns(cost, w, 0.5))


def test_greedy_worst_columns_ignore_zero_weight_users() -> None:
    cost = np.array([[1.0, 9.0], [50.0, 60.0], [3.0, 2.0]])
    w = np.array([0.5, 0.0, 0.5])
    fast = P_greedy._GreedyColumns(cost, w, "worst", None)
    np.testing.assert_array_equal(fast.columns(np.full(3, np.inf), np.arange(2)), [3.0, 9.0])


@pytest.mark.parametrize("seed", range(30))
def test_hit_all_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 9
    sets = sorted({int(m) for m in rng.integers(1, 1 << n, rng.integers(1, 12))})
    sets = [m & int(rng.integers(1, 1 << n)) or m for m in sets]
    for r in range(0, 5):
        found = P_fast._hit_all(sets, r, [10_000])
        possible = any(
            all(any(m >> j & 1 for j in combo) for m in sets) for combo in itertools.combinations(range(n), r)
        )
        assert (found is not None) == possible
        if found is not None:
            assert found.bit_count() <= r
            assert all(m & found for m in sets)


def test_hit_all_raises_over_its_budget() -> None:
    # the edges of a complete graph on 6 sites: 3 disjoint ones (the packing bound allows 4
    # sites), but every 4 sites miss an edge, which only a search shows
    sets = [1 << i | 1 << j for i, j in itertools.combinations(range(6), 2)]
    with pytest.raises(P_fast._SearchBudget):
        P_fast._hit_all(sets, 4, [5])
    assert P_fast._hit_all(sets, 4, [10_000]) is None
    assert P_fast._hit_all(sets, 5, [10_000]) is not None


def test_hit_all_stops_at_disjoint_sets() -> None:
    """More pairwise disjoint sets than sites: no hitting set, found without a search."""
    sets = [0b11 << (2 * i) for i in range(8)]
    assert P_fast._hit_all(sets, 7, [1]) is None
    assert P_fast._hit_all(sets, 8, [10_000]) is not None


@pytest.mark.parametrize("n_values", range(1, 40))
def test_last_bisection_step_is_the_bisections_last_threshold(n_values: int) -> None:
    for h in range(n_values):
        lo, hi, last = -1, n_values - 1, n_values - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            last = mid
            lo, hi = (lo, mid) if mid >= h else (mid, hi)
        assert hi == h
        assert P_thr._last_bisection_step(n_values, h) == last


@pytest.mark.parametrize("seed", range(6))
def test_min_worst_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 200 if seed % 2 else 9, (300, 8)).astype(float)
    must = np.zeros(8, dtype=bool)
    if seed >= 3:
        must[2] = True
    for k in range(1 + int(must.any()), 6):
        expected = brute_force(
            cost,
            np.ones(len(cost)),
            k,
            "worst",
            allowed=lambda s: bool(must[list(s)].any()) or not must.any(),
        )
        upper = float(cost.max())
        lower = float(cost.min(axis=1).max())
        got = P_fast._min_worst(cost, lower, upper, np.zeros((0, 8), dtype=bool), must, k - int(must.sum()))
        assert got is not None
        assert got[0] == expected
        chosen = got[1]
        assert int(chosen.sum()) == k
        assert (chosen | ~must).all()  # the must-include site is in
        assert float(cost[:, chosen].min(axis=1).max()) == expected


@pytest.mark.parametrize("force_milp", [False, True])
@pytest.mark.parametrize("objective", ["worst", "p50", "p90", "p99"])
@pytest.mark.parametrize("seed", range(3))
def test_threshold_search_matches_the_full_bisection(
    objective: str, seed: int, force_milp: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if force_milp:
        _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)
        _patch(monkeypatch, "_FILTER_MAX_COMBOS", 0)
    users, sites, cost = tie_instance(seed, n_users=40, n_sites=7)
    cases: list[dict[str, object]] = [
        {},
        {"must_include": ["s1"]},
        {"exclude": ["s0", "s4"]},
        {"residency": {"AA": ["s1", "s2"], "BB": ["s3", "s5", "s6"]}},
    ]
    for extra in cases:
        for k in range(1 + ("must_include" in extra or "residency" in extra), 5):
            args: dict[str, object] = {"cost_ms": cost, "objective": objective, **extra}
            fast = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
            plain = optimize_placement(users, sites, k, time_limit_s=1e6, **args)  # type: ignore[arg-type]
            assert fast.sites == plain.sites
            assert fast.objective_value == plain.objective_value
            assert fast.method == plain.method
            assert fast.gap == plain.gap
            assert fast.greedy_objective_value == plain.greedy_objective_value


def test_swap_cover_fixes_the_greedy_and_stops_at_a_local_optimum() -> None:
    # greedy takes the big middle site 0 (4 sets) first, then a side: 5 of 6; the sides, sites
    # 1 and 2, together cover all 6
    sets = np.array(
        [[0, 1, 0], [1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [0, 0, 1]], dtype=bool
    )  # rows: sets (weight 1 each), columns: sites
    weights = np.ones(len(sets))
    got = P_fast._swap_cover(sets, weights, 2)
    assert got is not None
    assert got.tolist() == [1, 2]
    assert P_fast._swap_cover(sets, weights, 4) is None
    assert P_fast._swap_cover(sets, weights, 0) is not None
    rng = np.random.default_rng(3)
    for _ in range(30):
        m, n = int(rng.integers(5, 40)), int(rng.integers(3, 10))
        sets = rng.random((m, n)) < 0.3
        weights = rng.integers(0, 5, m).astype(float)
        r = int(rng.integers(1, n + 1))
        got = P_fast._swap_cover(sets, weights, r)
        assert got is not None
        assert len(got) == r == len(set(got.tolist()))

        def covered(cols: list[int], sets: np.ndarray = sets, weights: np.ndarray = weights) -> float:
            return float(weights[sets[:, cols].any(axis=1)].sum())

        value = covered(got.tolist())
        # no single swap covers more
        for i in got.tolist():
            for j in set(range(n)) - set(got.tolist()):
                assert covered([c for c in got.tolist() if c != i] + [j]) <= value + 1e-9


@pytest.mark.parametrize("objective", ["p50", "p90", "p99"])
@pytest.mark.parametrize("seed", range(4))
def test_heuristic_feasible_thresholds_give_the_milp_search_result(
    objective: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A threshold shown feasible by a heuristic choice (no MILP) gives the same optimum, tie-break,
    method name and gap as solving every threshold's covering MILP; the value is brute force's."""
    _patch(monkeypatch, "_ENUM_MAX_PAIRS", 0)  # every covering problem goes to the MILP
    _patch(monkeypatch, "_FILTER_MAX_COMBOS", 0)
    users, sites = random_instance(seed, n_users=80, n_sites=9)
    cost = physics_rtt_ms(users, sites)
    swap_cover = P_fast._swap_cover
    hits = []

    def spy(*a: object, **kw: object) -> object:
        out = swap_cover(*a, **kw)  # type: ignore[arg-type]
        hits.append(out is not None)
        return out

    cases: list[dict[str, object]] = [{}, {"must_include": ["s1"]}, {"exclude": ["s0", "s4"]}]
    for extra in cases:
        for k in range(1 + ("must_include" in extra), 6):
            args: dict[str, object] = {"cost_ms": cost, "objective": objective, **extra}
            _patch(monkeypatch, "_swap_cover", spy)
            fast = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
            _patch(monkeypatch, "_swap_cover", lambda *a, **kw: None)
            milp = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
            assert fast.sites == milp.sites
            assert fast.objective_value == milp.objective_value
            assert fast.method == milp.method == "milp"
            assert fast.gap == milp.gap == 0.0
            allowed_sites = [j for j, s in enumerate(sites.index) if s not in extra.get("exclude", [])]
            must = [j for j, s in enumerate(sites.index) if s in extra.get("must_include", [])]
            expected = brute_force(
                cost.to_numpy(),
                users["weight"].to_numpy(),
                k,
                objective,
                allowed=lambda c, a=allowed_sites, m=must: set(c) <= set(a) and set(m) <= set(c),
            )
            assert fast.objective_value == pytest.approx(expected, abs=1e-9)
    assert any(hits)  # the heuristic ran and found choices


@pytest.mark.parametrize("objective", ["mean", "p90", "p50", "worst", "coverage"])
def test_prepared_matrix_site_rows_give_the_same_greedy(objective: str) -> None:
    users, sites, cost = tie_instance(4, n_users=60, n_sites=8)
    prepared = placement.prepare_cost(users, sites, cost)
    for extra in ({}, {"exclude": ["s0", "s5"]}, {"must_include": ["s6"], "exclude": ["s2"]}):
        for k in range(2, 6):
            kw: dict[str, object] = {"objective": objective, "method": "greedy", "threshold_ms": 4.0, **extra}
            a = placement.optimize_placement(users, sites, k, cost_ms=prepared, **kw)  # type: ignore[arg-type]
            b = optimize_placement(users, sites, k, cost_ms=cost, **kw)  # type: ignore[arg-type]
            assert a.sites == b.sites
            assert a.objective_value == b.objective_value


# ---------------------------------------------------------------------------------------------
# exact percentiles, worst and coverage by listing the choices (bit-mask filtering)


@pytest.mark.parametrize(("n", "r"), [(5, 0), (5, 5), (7, 3), (10, 4), (12, 6)])
def test_combo_masks_list_every_choice_once(n: int, r: int) -> None:
    masks = P_fast._combo_masks(n, r)
    expected = {sum(1 << j for j in c) for c in itertools.combinations(range(n), r)}
    assert len(masks) == math.comb(n, r)
    assert set(masks.tolist()) == expected


@pytest.mark.parametrize("seed", range(5))
def test_filter_choices_keeps_exactly_the_choices_within_the_slack(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, r = 9, 3
    sets = rng.random((25, n)) < 0.2
    weights = rng.integers(0, 5, 25).astype(float) / 32.0  # binary fractions: exact sums
    hard = rng.random((2, n)) < 0.4
    slack = float(rng.choice([0.0, 0.125, 0.3, 1.0]))
    combos = P_fast._combo_masks(n, r)
    surv, missed = P_fast._filter_choices(
        combos, P_fast._set_masks(hard), P_fast._set_masks(sets), weights, slack
    )
    expected = {}
    for c in itertools.combinations(range(n), r):
        chosen = np.zeros(n, dtype=bool)
        chosen[list(c)] = True
        lost = float(weights[~(sets & chosen).any(axis=1)].sum())
        if (hard & chosen).any(axis=1).all() and lost <= slack:
            expected[sum(1 << j for j in c)] = lost
    assert dict(zip(surv.tolist(), missed.tolist(), strict=True)) == pytest.approx(expected, abs=1e-12)


def _listing_instances() -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    out = []
    for seed in range(3):
        users, sites = random_instance(seed, n_users=60, n_sites=9)
        users["country_code"] = np.random.default_rng(seed).choice(["AA", "BB", "CC"], len(users))
        out.append((users, sites, physics_rtt_ms(users, sites)))
    out.extend(tie_instance(seed, n_users=40, n_sites=8) for seed in range(2))
    return out


@pytest.mark.parametrize("objective", ["p50", "p90", "p99", "worst", "coverage"])
def test_listing_the_choices_gives_the_search_result(objective: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same sites, value, gap and method name with and without the listing (ties, zero weights,
    must_include, exclude, residency), the value also by brute force."""
    decided = []
    threshold_fn, coverage_fn = P_fast._threshold_by_filter, P_fast._coverage_by_filter

    def spy_threshold(*a: object) -> object:
        out = threshold_fn(*a)  # type: ignore[arg-type]
        decided.append(out is not None)
        return out

    def spy_coverage(*a: object) -> object:
        out = coverage_fn(*a)  # type: ignore[arg-type]
        decided.append(out is not None)
        return out

    _patch(monkeypatch, "_threshold_by_filter", spy_threshold)
    _patch(monkeypatch, "_coverage_by_filter", spy_coverage)
    cases: list[dict[str, object]] = [
        {},
        {"must_include": ["s1"]},
        {"exclude": ["s0", "s4"]},
        {"residency": {"AA": ["s1", "s2"], "BB": ["s3", "s5", "s6"]}},
    ]
    for users, sites, cost in _listing_instances():
        c, w = cost.to_numpy(), users["weight"].to_numpy()
        pos = {s: j for j, s in enumerate(sites.index)}
        thr = float(np.median(c))
        for extra in cases:
            for k in range(1 + ("must_include" in extra or "residency" in extra), 5):
                args: dict[str, object] = {
                    "cost_ms": cost,
                    "objective": objective,
                    "threshold_ms": thr,
                    **extra,
                }
                listed = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
                with monkeypatch.context() as m:
                    m.setattr(P_fast, "_FILTER_MAX_COMBOS", 0)
                    searched = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
                assert listed.sites == searched.sites
                assert listed.objective_value == searched.objective_value
                assert listed.method == searched.method
                assert listed.gap == searched.gap == 0.0
                if "residency" in extra:
                    continue
                inc = {pos[s] for s in extra.get("must_include", [])}  # type: ignore[attr-defined]
                exc = {pos[s] for s in extra.get("exclude", [])}  # type: ignore[attr-defined]

                def allowed(s: tuple[int, ...], inc: set[int] = inc, exc: set[int] = exc) -> bool:
                    return inc <= set(s) and not exc & set(s)

                expected = brute_force(c, w, k, objective, threshold_ms=thr, allowed=allowed)
                assert listed.objective_value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert sum(decided) >= len(decided) // 2  # the listing decides most cases (not only near ties)


def _mean_problem(users: pd.DataFrame, sites: pd.DataFrame, k: int, cost: pd.DataFrame) -> P_prob._Problem:
    """The private problem object of a plain mean placement (no constraints) on ``cost``."""
    return P_prob._prepare(
        users,
        sites,
        k,
        objective="mean",
        model=None,
        stat="p50",
        must_include=(),
        exclude=(),
        residency=None,
        cost_ms=cost,
    ).prob


def test_least_mean_gives_up_on_a_near_tie() -> None:
    users, sites, cost = tie_instance(0, n_users=20, n_sites=5)
    prob = _mean_problem(users, sites, 2, cost)
    a = np.array([True, True, False, False, False])
    b = np.array([False, False, True, True, False])
    assert P_fast._least_mean(prob, [a]) is a
    assert P_fast._least_mean(prob, [a, a.copy()]) is None  # same mean: the solver decides
    va, vb = (P_prob._value(prob, x, "mean", None, None) for x in (a, b))
    if abs(va - vb) > 1e-3:
        assert P_fast._least_mean(prob, [a, b]) is (a if va < vb else b)


@pytest.mark.parametrize("seed", range(4))
def test_bounded_combos_keep_every_choice_whose_sites_may_cover_enough(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, r = 10, 4
    share = rng.integers(0, 6, n).astype(float) / 8.0  # ties included
    need = float(rng.choice([1.75, 2.0, 2.25]))  # few choices reach it: the bound prunes
    got = P_fast._bounded_combos(share, r, need, cap=10**6)
    assert got is not None
    expected = {
        sum(1 << j for j in c) for c in itertools.combinations(range(n), r) if share[list(c)].sum() >= need
    }
    assert len(got) == len(expected)
    assert set(got.tolist()) == expected
    assert P_fast._bounded_combos(share, r, 0.0, cap=10) is None  # too many: list them all instead


def test_highs_options_unknown_to_the_solver_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extra HiGHS option this scipy's HiGHS lacks is left out (found once); the solve goes on."""
    monkeypatch.setattr(
        P_milp,
        "_HIGHS_EXTRA_OPTIONS",
        {"no_such_highs_option": True, "mip_heuristic_run_feasibility_jump": False},
    )
    P_milp._highs_extra_options.cache_clear()
    try:
        assert P_milp._highs_extra_options() == {"mip_heuristic_run_feasibility_jump": False}
        sets = np.array([[True, False], [False, True]])
        core = P_milp._milp_core(
            2, 1, (sets, np.array([1.0, 2.0])), np.zeros((0, 2), dtype=bool), [], time_limit_s=None
        )
        assert core.chosen is not None
        assert core.chosen.tolist() == [False, True]
    finally:
        P_milp._highs_extra_options.cache_clear()


def test_highs_extra_options_are_kept_and_reach_the_solver() -> None:
    """The feasibility-jump switch is known to this HiGHS: passed to every solve, read-only."""
    seen: list[dict[str, object]] = []

    def spy(*args: object, options: dict[str, object], **kw: object) -> object:
        seen.append(options)
        from scipy.optimize import milp

        return milp(*args, options=options, **kw)  # type: ignore[arg-type]

    P_milp._run_milp(spy, np.ones(1), np.ones(1, dtype=np.int64), (0, 1), [], {"mip_rel_gap": 0.0})
    assert seen == [{"mip_rel_gap": 0.0, "mip_heuristic_run_feasibility_jump": False}]
    with pytest.raises(TypeError):
        P_milp._highs_extra_options()["x"] = 1  # type: ignore[index]


def test_greedy_picks_are_kept_per_objective_sites_and_weights() -> None:
    """A prepared matrix keeps the greedy's picks: another k continues them, and the same
    objective with other sites, must-include sites or weights starts afresh."""
    users, sites = random_instance(3, n_users=70, n_sites=9)
    cost = physics_rtt_ms(users, sites)
    heavier = users.assign(weight=users["weight"] + np.arange(len(users)) % 5)
    prepared = placement.prepare_cost(users, sites, cost)
    cases: list[tuple[pd.DataFrame, dict[str, object]]] = [
        (users, {}),
        (users, {"must_include": ["s2"]}),
        (users, {"exclude": ["s0", "s3"]}),
        (heavier, {}),
    ]
    for objective in ("mean", "p90", "worst", "coverage"):
        for frame, extra in cases:
            for k in (4, 2, 6, 3, 5):
                kw: dict[str, object] = {
                    "objective": objective,
                    "method": "greedy",
                    "threshold_ms": 60.0,
                    **extra,
                }
                a = placement.optimize_placement(frame, sites, k, cost_ms=prepared, **kw)  # type: ignore[arg-type]
                b = optimize_placement(frame, sites, k, cost_ms=cost, **kw)  # type: ignore[arg-type]
                assert a.sites == b.sites, (objective, extra, k)
                assert a.objective_value == b.objective_value
    assert len(prepared._paths) == 4 * len(cases)


@pytest.mark.parametrize("seed", range(6))
def test_covering_choices_lists_every_choice_within_the_budget(seed: int) -> None:
    """The branch and bound lists exactly the choices brute force finds (no more, no repeats),
    whether it branches on sets or on sites."""
    rng = np.random.default_rng(seed)
    n_sets, n = 14, 9
    sets = rng.random((n_sets, n)) < rng.uniform(0.1, 0.4)
    sets[0] = False  # a set no choice hits
    weights = rng.integers(1, 30, n_sets).astype(float)
    weights /= weights.sum()
    for r in range(1, 6):
        # budgets off any sum of the weights by far more than its rounding
        for budget in (0.0, 0.05 + 1e-9, 0.2 - 1e-9, 0.5 + 1e-9, 1.0 + 1e-9):
            expected = [
                c
                for c in itertools.combinations(range(n), r)
                if weights[~sets[:, list(c)].any(axis=1)].sum() <= budget
            ]
            for by in ("sets", "sites", None):  # branching on sets, on sites, by the budget
                got = P_fast._covering_choices(sets, weights, r, budget, by=by)
                assert got is not None
                listed = sorted(tuple(np.flatnonzero(row).tolist()) for row in got)
                assert listed == expected, (r, budget, by)


def test_covering_choices_gives_up_beyond_its_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    sets = np.ones((3, 30), dtype=bool)  # any choice hits every set
    weights = np.array([0.5, 0.3, 0.2])
    assert P_fast._covering_choices(sets, weights, 8, 0.0) is None  # C(30, 8): 5.9 million
    assert P_fast._covering_choices(sets[:, :13], weights, 3, 0.0) is None  # C(13, 3) = 286
    got = P_fast._covering_choices(sets[:, :12], weights, 3, 0.0)
    assert got is not None
    assert len(got) == math.comb(12, 3) == 220
    _patch(monkeypatch, "_COVERING_MAX_NODES", 5)
    assert P_fast._covering_choices(sets[:, :12], weights, 3, 0.0) is None


@pytest.mark.parametrize("objective", ["p50", "p90", "p99", "worst", "coverage"])
@pytest.mark.parametrize("seed", range(4))
def test_listed_tie_break_gives_the_milp_tie_break(
    objective: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lowest-mean optimal choice found by listing the optimal choices is the one the MILP
    tie-break finds; the objective is brute force's and no other optimal choice has a lower mean."""
    _patch(monkeypatch, "_FILTER_MAX_COMBOS", 0)  # not the small-problem shortcut
    users, sites = random_instance(seed, n_users=80, n_sites=9)
    cost = physics_rtt_ms(users, sites)
    tie_break = P_fast._covering_tie_break
    listed: list[bool] = []

    def spy(*a: object, **kw: object) -> object:
        out = tie_break(*a, **kw)  # type: ignore[arg-type]
        listed.append(out is not None)
        return out

    w = users["weight"].to_numpy()
    for extra in ({}, {"must_include": ["s1"]}, {"exclude": ["s0", "s4"]}):
        for k in range(1 + ("must_include" in extra), 6):
            args: dict[str, object] = {"cost_ms": cost, "objective": objective, "threshold_ms": 60.0, **extra}
            _patch(monkeypatch, "_covering_tie_break", spy)
            fast = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
            _patch(monkeypatch, "_covering_tie_break", lambda *a, **kw: None)
            milp = optimize_placement(users, sites, k, **args)  # type: ignore[arg-type]
            assert fast.sites == milp.sites
            assert fast.objective_value == milp.objective_value
            assert (fast.method, fast.gap) == (milp.method, milp.gap)
            excluded = set(extra.get("exclude", []))  # type: ignore[arg-type]
            must = set(extra.get("must_include", []))  # type: ignore[arg-type]
            best = (math.inf, math.inf)
            for combo in itertools.combinations(range(len(sites)), k):
                ids = {sites.index[j] for j in combo}
                if ids & excluded or not must <= ids:
                    continue
                served = cost.to_numpy()[:, list(combo)].min(axis=1)
                sign = -1.0 if objective == "coverage" else 1.0  # coverage: the largest share
                value = sign * objective_of(served, w, objective)
                best = min(best, (round(value, 9), float(served @ w / w.sum())))
            assert fast.objective_value == pytest.approx(abs(best[0]), abs=1e-9)
            assert fast.summary["mean_rtt_ms"] == pytest.approx(best[1], rel=1e-9)
    assert any(listed)  # the listing ran and decided


@pytest.mark.parametrize("prepared", [False, True])
@pytest.mark.parametrize("objective", ["p50", "p90", "p99", "worst"])
@pytest.mark.parametrize("seed", range(5))
def test_pruned_greedy_columns_keep_the_best_options_exact(objective: str, seed: int, prepared: bool) -> None:
    """Options skipped as surely worse are worse; the best value and all options tied with it
    are evaluated exactly, at every step of a greedy run (ties made likely by rounded RTTs),
    also when a prepared matrix gives each site's users in RTT order."""
    rng = np.random.default_rng(seed)
    n_users, n_sites = 6000, 12  # long enough for the binned counts
    cost = np.round(rng.uniform(5, 200, (n_users, n_sites)), 0 if seed % 2 else 3)
    w = rng.integers(0, 5, n_users).astype(float)
    w /= w.sum()
    q = None if objective == "worst" else float(objective[1:]) / 100
    if prepared:
        frame = pd.DataFrame(
            cost, index=[f"u{i}" for i in range(n_users)], columns=[f"s{j}" for j in range(n_sites)]
        )
        sites = pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=frame.columns)
        matrix = placement.prepare_cost(pd.DataFrame(index=frame.index), sites, frame)
        rows = (matrix.transposed(), np.arange(n_sites))
        pruned = P_greedy._GreedyColumns(cost, w, objective, q, rows, matrix.site_orders)
    else:
        pruned = P_greedy._GreedyColumns(cost, w, objective, q)
    full = P_greedy._GreedyColumns(cost, w, objective, q)
    cur = np.full(n_users, np.inf)
    chosen: list[int] = []
    skipped = 0
    for _ in range(6):
        options = np.array([j for j in range(n_sites) if j not in chosen])
        got = pruned.columns(cur, options, prune=True)
        exact = full.columns(cur, options)
        best = exact.min()
        evaluated = np.isfinite(got)
        np.testing.assert_array_equal(got[evaluated], exact[evaluated])
        assert got.min() == best
        assert evaluated[exact == best].all()
        assert (exact[~evaluated] > best).all()
        skipped += int((~evaluated).sum())
        j = int(options[np.flatnonzero(exact == best)[0]])
        chosen.append(j)
        cur = np.minimum(cur, cost[:, j])
        pruned.add(j)
        full.add(j)
    assert skipped > 0


def test_failover_table_is_computed_on_first_access_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    failover = P_result._failover

    def spy(*a: object, **kw: object) -> object:
        calls.append(1)
        return failover(*a, **kw)  # type: ignore[arg-type]

    _patch(monkeypatch, "_failover", spy)
    res = optimize_placement(CITIES, SITES, 3, cost_ms=COST)
    assert calls == []
    table = res.failover
    assert res.failover is table
    assert calls == [1]
    assert list(table.index) == res.sites
    # the table's mean after the first site fails, from the users' RTTs and the moved users
    moved = res.failover_assignment(res.sites[0])
    rtt = res.rtt_ms.copy()
    rtt[moved.index] = moved["rtt_ms_after"]
    w = CITIES["weight"]
    assert table.loc[res.sites[0], "mean_rtt_ms"] == pytest.approx(float(w @ rtt / w.sum()), rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_cover_sets_from_site_orders_are_the_matrix_ones(seed: int) -> None:
    """Cover sets built from a prepared matrix's site orders (prefix bits) are the sets, weights
    and order of the users x sites comparison: with zero weights, exclusions, tied RTTs."""
    users, sites, cost = tie_instance(seed, n_users=300, n_sites=11)
    prepared = placement.prepare_cost(users, sites, cost)
    thresholds = np.unique(cost.to_numpy())
    for extra in ({}, {"exclude": ["s1", "s4"]}):
        prob = P_prob._prepare(
            users, sites, 3, objective="p90", model=None, stat="p50", must_include=(),
            exclude=extra.get("exclude", ()), residency=None, cost_ms=prepared,
        ).prob  # fmt: skip
        assert prob.reuse is not None
        bare = P_prob._Problem(
            prob.cost, prob.w, prob.site_ids, prob.must, prob.hard, prob.hard_names, prob.k
        )
        for t in [*thresholds[:: max(1, len(thresholds) // 12)], thresholds[0] - 1.0, thresholds[-1] + 1.0]:
            for positive_only in (False, True):
                fast = P_prob._cover_sets_of(prob, float(t), positive_only=positive_only)
                slow = P_prob._cover_sets_of(bare, float(t), positive_only=positive_only)
                np.testing.assert_array_equal(fast[0], slow[0])
                np.testing.assert_array_equal(fast[1], slow[1])


def test_min_worst_fills_its_choice_up_to_k_sites() -> None:
    """One site serves every user best: the hitting set has one site; the choice has k."""
    cost = np.full((5, 4), 5.0)
    cost[:, 0] = 1.0
    found = P_fast._min_worst(cost, 1.0, 5.0, np.zeros((0, 4), dtype=bool), np.zeros(4, dtype=bool), 3)
    assert found is not None
    assert found[0] == 1.0
    assert found[1].tolist() == [True, True, True, False]
    res = optimize_placement(
        pd.DataFrame({"lat": np.zeros(5), "lon": np.zeros(5)}),
        pd.DataFrame({"lat": np.zeros(4), "lon": np.zeros(4)}, index=["a", "b", "c", "d"]),
        3,
        objective="worst",
        cost_ms=pd.DataFrame(cost, columns=["a", "b", "c", "d"]),
    )
    assert len(res.sites) == 3
    assert res.objective_value == 1.0


# ---- issue 17: thread safety of a prepared matrix, residency rules that match nobody ----------


def test_prepared_matrix_is_thread_safe() -> None:
    """4 threads x 30 mixed solves on one prepared matrix give the serial results (the greedy's
    picks, kept by the matrix, once came back short of k when two threads extended one list)."""
    import concurrent.futures as cf

    users, sites = random_instance(7, n_users=400, n_sites=12)
    cost = physics_rtt_ms(users, sites)
    cases = [
        (k, objective, method, must)
        for k in (2, 3, 4, 5, 6)
        for objective in ("mean", "p90", "worst")
        for method, must in (("greedy", ()), ("greedy", ("s3",)))
    ]
    cases += [(k, "mean", "exact", ()) for k in (2, 3, 4)] * 2
    assert len(cases) == 36

    def solve(matrix: object, case: tuple[int, str, str, tuple[str, ...]]) -> tuple[list[object], float]:
        k, objective, method, must = case
        res = optimize_placement(
            users, sites, k, objective=objective, method=method, must_include=must, cost_ms=matrix
        )  # type: ignore[arg-type]
        return list(res.sites), res.objective_value

    serial = {case: solve(cost, case) for case in cases}
    for round_ in range(3):
        shared = placement.prepare_cost(users, sites, cost)
        rng = np.random.default_rng(round_)
        plans = [[cases[i] for i in rng.permutation(len(cases))[:30]] for _ in range(4)]
        with cf.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(lambda p=p, m=shared: [(c, solve(m, c)) for c in p]) for p in plans]
            for fut in futures:
                for case, got in fut.result():
                    assert got == serial[case], case
                    assert len(got[0]) == case[0]
        # what the matrix kept is still right: serial solves on it after the threads
        for case in cases:
            assert solve(shared, case) == serial[case]


@pytest.mark.parametrize("country", ["DEU", "Germany", "XX", "de "])
def test_residency_rule_matching_no_user_is_an_error_naming_it(country: str) -> None:
    users = pd.DataFrame(
        {"lat": [50.1, 48.9, 40.7], "lon": [8.7, 2.4, -74.0], "country_code": ["DE", "FR", "US"]}
    )
    sites = pd.DataFrame({"lat": [50.1, 38.9], "lon": [8.7, -77.4]}, index=["fra", "iad"])
    cost = pd.DataFrame([[1.0, 80.0], [10.0, 85.0], [75.0, 5.0]], index=users.index, columns=sites.index)
    if country == "de ":  # a wrong case or spaces is the same code: the rule applies
        res = optimize_placement(users, sites, 1, cost_ms=cost, residency={country: ["fra"]})
        assert res.sites == ["fra"]
        return
    with pytest.raises(UnknownNameError, match=re.escape(repr(country))):
        optimize_placement(users, sites, 1, cost_ms=cost, residency={country: ["fra"]})


def test_country_codes_are_normalised_on_both_sides() -> None:
    """Users' codes in lower case or with spaces match an upper-case rule (one normalisation)."""
    users = pd.DataFrame({"lat": [50.1, 40.7], "lon": [8.7, -74.0], "country_code": [" de", "us"]})
    sites = pd.DataFrame({"lat": [50.1, 38.9], "lon": [8.7, -77.4]}, index=["fra", "iad"])
    cost = pd.DataFrame([[70.0, 60.0], [75.0, 5.0]], index=users.index, columns=sites.index)
    free = optimize_placement(users, sites, 1, cost_ms=cost)
    assert free.sites == ["iad"]
    ruled = optimize_placement(users, sites, 1, cost_ms=cost, residency={"DE": ["fra"]})
    assert ruled.sites == ["fra"]


def test_private_placement_names_stay_inside_the_subpackage() -> None:
    """No module outside cloudgeo.placement imports a private name from it, and placement imports
    no private name from another cloudgeo module."""
    import ast
    from pathlib import Path

    root = Path(placement.__file__).parent.parent
    crossings = []
    for path in sorted(root.rglob("*.py")):
        inside = "placement" in path.relative_to(root).parts
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cloudgeo")):
                continue
            target_inside = node.module.startswith("cloudgeo.placement")
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and inside != target_inside and (inside or target_inside):
                crossings.append(f"{path}: from {node.module} import {private}")
    assert crossings == []


# ---- the exact fast paths against the plain path ---------------------------------------------

_ALL_OFF = {"listing": False, "covering": False, "swap": False, "hitting_set": False, "jump": False}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**6),
    st.integers(5, 11),
    st.integers(1, 4),
    st.sampled_from(["p50", "p90", "p99", "worst", "coverage"]),
    st.sampled_from([None, "must", "exclude", "residency"]),
    st.sampled_from([None, *_ALL_OFF]),
    st.booleans(),
)
def test_fast_paths_give_the_plain_paths_result(
    seed: int, n_sites: int, k: int, objective: str, constraint: str | None, only_off: str | None, milp: bool
) -> None:
    """Every exact fast path (each one off, or all off) gives the plain bisection's sites, value,
    gap and method on random problems with ties and zero weights."""
    users, sites, cost = tie_instance(seed % 1000, n_users=60, n_sites=n_sites)
    kw: dict[str, object] = {"cost_ms": cost, "objective": objective, "threshold_ms": float(np.median(cost))}
    if constraint == "must":
        kw["must_include"] = ["s1"]
        k = max(k, 2)
    elif constraint == "exclude":
        kw["exclude"] = ["s0"]
    elif constraint == "residency":
        kw["residency"] = {str(users["country_code"].iloc[0]): ["s1", "s2"]}
    switches = {only_off: False} if only_off is not None else _ALL_OFF
    with pytest.MonkeyPatch.context() as m:
        if milp:  # the covering problems go to the integer program (where the swap path runs);
            # the listing, an enumeration and so named, is then off in both
            _patch(m, "_ENUM_MAX_PAIRS", 0)
            _patch(m, "_FILTER_MAX_COMBOS", 0)
        _compare_fast_and_plain(users, sites, k, kw, switches)


def _compare_fast_and_plain(
    users: pd.DataFrame, sites: pd.DataFrame, k: int, kw: dict[str, object], switches: dict[str, bool]
) -> None:
    try:
        fast = optimize_placement(users, sites, k, **kw)  # type: ignore[arg-type]
    except InfeasibleError:
        with P_fast.fast_paths(**switches), pytest.raises(InfeasibleError):
            optimize_placement(users, sites, k, **kw)  # type: ignore[arg-type]
        return
    with P_fast.fast_paths(**switches):
        plain = optimize_placement(users, sites, k, **kw)  # type: ignore[arg-type]
    assert (fast.sites, fast.objective_value, fast.gap) == (plain.sites, plain.objective_value, plain.gap)
    assert fast.method == plain.method


def test_fast_paths_switch_per_thread() -> None:
    import threading

    seen: list[bool] = []
    with P_fast.fast_paths(listing=False):
        assert not P_fast.enabled().listing
        thread = threading.Thread(target=lambda: seen.append(P_fast.enabled().listing))
        thread.start()
        thread.join()
    assert seen == [True]
    assert P_fast.enabled() == P_fast.FastPaths()


def test_placement_result_repr_is_one_short_line() -> None:
    import pandas as pd

    from cloudgeo import catalog, placement

    users = pd.DataFrame({"lat": [14.6, 40.7, 51.5], "lon": [121.0, -74.0, -0.1], "weight": [1.0, 2.0, 3.0]})
    result = placement.optimize_placement(users, catalog.load_regions(partitions="aws"), 2)
    text = repr(result)
    assert "\n" not in text
    assert len(text) < 300
    assert text.startswith("PlacementResult(k=2, sites=[")
    assert "users=3" in text
