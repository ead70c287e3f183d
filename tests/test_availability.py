"""Tests for cloudgeo.availability.

Reference values (IDs as in the project's model notes):
- A-01, A-02: AWS Well-Architected Reliability Pillar, "Calculating availability with hard
  dependencies" / "... with redundant components"; AWS whitepaper "Availability and Beyond",
  availability-with-redundancy (two 99 % subsystems -> 99.99 %; spares approximation).
- A-07 and the downtime table: AWS Reliability Pillar availability table (365-day year) and the
  uptime.is API schema example (365.2425-day year: 31 556.952 s, "8h 45m 57s", monthly
  "43m 50s", weekly "10m 4.8s").
- A-08 and SLA products: Cloud Academy "Architecting with SLAs in mind" (99.93 %),
  factualminds.com SLA/SLO article (99.83 %); SLA figures from aws.amazon.com/*/sla.
- A-09..A-11 and the three-level HA example: our own derivations from the formulas [DER].
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import availability as av
from cloudgeo.availability import (
    Component,
    Domain,
    downtime,
    downtime_table,
    failover_unavailability,
    k_of_n,
    parallel,
    series,
)
from cloudgeo.errors import InvalidInputError, InvalidTypeError, UnknownNameError

# ------------------------------------------------------------------ AWS worked examples


def test_a01_three_hard_dependencies() -> None:
    assert series(0.9999, 0.9999, 0.9999).availability == pytest.approx(0.99970003, abs=1e-12)


def test_a02_redundant_pairs() -> None:
    assert parallel(0.999, 0.999).availability == pytest.approx(0.999999, abs=1e-12)
    assert parallel(0.99, 0.99).availability == pytest.approx(0.9999, abs=1e-12)


def test_a03_spares_approximation_vs_exact_binomial() -> None:
    # Availability and Beyond: A ~ 1 - C(n, s+1)(1-a)^(s+1); exact is k-of-n with k = n - s
    approx = 1 - math.comb(3, 2) * 0.01**2
    assert approx == pytest.approx(0.9997)
    assert k_of_n(2, [0.99] * 3).availability == pytest.approx(0.999702, abs=1e-12)
    assert k_of_n(3, [0.99] * 4).availability == pytest.approx(0.99940797, abs=1e-8)
    assert k_of_n(1, [0.99] * 3).availability == pytest.approx(0.999999, abs=1e-12)


def test_two_of_three_at_097() -> None:
    assert k_of_n(2, [0.97] * 3).availability == pytest.approx(0.997354, abs=1e-12)


def test_a08_and_sla_products() -> None:
    assert series(0.9999, 0.9999, 0.9995).availability == pytest.approx(0.99930011, abs=1e-8)
    assert series(0.9999, 0.9999, 0.9999, 0.9995).availability == pytest.approx(0.99920018, abs=1e-8)
    assert series(0.9999, 0.9999, 0.9995, 0.999).availability == pytest.approx(0.99830081, abs=1e-8)
    assert series(0.9995, 0.9999, 0.999).availability == pytest.approx(0.99840065, abs=1e-8)
    # level 1 of the HA example: Route 53 100 % x ELB x EC2 region x RDS Multi-AZ
    assert series(1.0, 0.9999, 0.9999, 0.9995).availability == pytest.approx(0.99930011, abs=1e-8)


def test_sla_products_from_the_catalogue() -> None:
    parts = [Component.from_sla(s) for s in ("elb-multi-az", "ec2-region", "ec2-region", "rds-multi-az")]
    assert all(p.basis == "sla" for p in parts)
    assert "SLA floor" in parts[-1].source
    assert series(*parts).availability == pytest.approx(0.99920018, abs=1e-8)
    lam = Component.from_sla("api-gateway")
    assert series(lam, Component.from_sla("dynamodb"), 0.999).availability == pytest.approx(
        0.99840065, abs=1e-8
    )


def test_a09_multi_az_pair_is_parallel_not_product() -> None:
    assert parallel(0.995, 0.995).availability == pytest.approx(0.999975, abs=1e-12)
    assert series(0.995, 0.995).availability == pytest.approx(0.990025, abs=1e-12)  # the common error


def test_a10_beta_factor() -> None:
    # U = 0.001, n = 2, beta = 0.05: ((1-b)U)^2 + bU = 5.09025e-5 -> A = 0.9999490975
    g = parallel(0.999, 0.999, beta=0.05)
    assert g.availability == pytest.approx(0.9999490975, abs=1e-10)
    # exact form used: q = beta U, U' = (U - q)/(1 - q), U_sys = q + (1 - q) U'^2
    q = 0.05 * 0.001
    up = (0.001 - q) / (1 - q)
    assert g.unavailability == pytest.approx(q + (1 - q) * up**2, rel=1e-12)
    assert parallel(0.999, 0.999, beta=0.0).availability == pytest.approx(0.999999, abs=1e-12)
    # the common-cause event caps the gain of redundancy near 1/beta
    assert 0.001 / g.unavailability < 1 / 0.05


def test_beta_keeps_each_part_marginal_and_applies_to_k_of_n() -> None:
    a, b, c = Component(0.99, "a"), Component(0.99, "b"), Component(0.99, "c")
    g = k_of_n(2, [a, b, c], beta=0.1)
    # a alone in series with the group must still be the same random variable
    assert series(a).availability == pytest.approx(0.99)
    assert g.availability < k_of_n(2, [0.99] * 3).availability
    imp = av.importance(g)
    assert "common cause" in imp.index
    assert imp.loc["common cause", "kind"] == "common-cause"


def test_a11_az_correlated_replicas_are_not_independent() -> None:
    az = Domain("AZ a", 0.999, kind="az")
    pair = parallel(Component(0.99, "r1", in_domain=az), Component(0.99, "r2", in_domain=az))
    assert pair.availability == pytest.approx(0.999 * (1 - 0.01**2), abs=1e-15)
    assert pair.availability != pytest.approx(1 - (1 - 0.999 * 0.99) ** 2, abs=1e-6)


def _ha_level3(z: float) -> tuple[av.Series, av.Series]:
    a, b = Domain("AZ a", z), Domain("AZ b", z)
    web = parallel(Component(0.995, "web a", in_domain=a), Component(0.995, "web b", in_domain=b))
    db = parallel(Component(0.995, "db a", in_domain=a), Component(0.995, "db b", in_domain=b))
    tiers = series(web, db)
    return tiers, series(Component(1.0, "dns"), Component(0.9999, "lb"), tiers)


@pytest.mark.parametrize(
    ("z", "tiers", "system"),
    [(0.9995, 0.999939831, 0.999839837), (0.999, 0.999929171, 0.999829178)],
)
def test_ha_level3_az_correlated_enumeration(z: float, tiers: float, system: float) -> None:
    t, s = _ha_level3(z)
    assert t.availability == pytest.approx(tiers, abs=1e-9)
    assert s.availability == pytest.approx(system, abs=1e-9)


def test_ha_level3_via_preset() -> None:
    r = av.multi_az(region_availability=1.0, db_failovers_per_year=0)
    assert r.availability == pytest.approx(0.999839837, abs=1e-9)


def test_ha_level2_independent_and_failover() -> None:
    base = series(1.0, 0.9999, parallel(0.995, 0.995), parallel(0.995, 0.995))
    assert base.availability == pytest.approx(0.99985001, abs=1e-8)
    db = parallel(0.995, 0.995, failover_s=120, failovers_per_year=4, year_days=365)
    with_fo = series(1.0, 0.9999, parallel(0.995, 0.995), db)
    assert with_fo.availability == pytest.approx(0.99983479, abs=1e-8)
    assert failover_unavailability(4, 120, year_days=365) == pytest.approx(1.522e-5, rel=1e-3)
    # with_failover wrapper gives the same
    wrapped = series(
        1.0,
        0.9999,
        parallel(0.995, 0.995),
        av.with_failover(parallel(0.995, 0.995), seconds_per_event=120, events_per_year=4, year_days=365),
    )
    assert wrapped.availability == pytest.approx(with_fo.availability, abs=1e-15)


def test_failover_unavailability_examples() -> None:
    assert failover_unavailability(1, 90 + 60, year_days=365) == pytest.approx(4.756e-6, rel=1e-3)
    assert failover_unavailability(12, 35, year_days=365) == pytest.approx(1.332e-5, rel=1e-3)
    assert failover_unavailability(1, 31556.952) == pytest.approx(1e-3)
    assert failover_unavailability(0, 100) == 0.0


# ------------------------------------------------------------------ components


def test_mtbf_mttr_steady_state() -> None:
    assert Component.from_mtbf(mtbf_hours=50, mttr_hours=10).availability == pytest.approx(0.8333, abs=1e-4)
    c = Component.from_mtbf(mtbf_hours=720, mttr_hours=1, name="x")
    assert c.availability == pytest.approx(0.998613, abs=1e-6)
    assert c.unavailability == pytest.approx(1 / 721, rel=1e-15)
    assert c.basis == "mtbf-mttr"


def test_time_dependent_availability() -> None:
    c = Component.from_mtbf(mtbf_hours=100, mttr_hours=5)
    lam, mu = 1 / 100, 1 / 5
    assert c.availability_at(0.0) == pytest.approx(1.0)
    t = np.array([0.0, 1.0, 10.0, 1e4])
    expected = mu / (lam + mu) + lam / (lam + mu) * np.exp(-(lam + mu) * t)
    np.testing.assert_allclose(c.availability_at(t), expected, rtol=1e-13)
    assert c.availability_at(1e4) == pytest.approx(c.availability, abs=1e-12)
    # given as availability + MTTR
    d = Component(c.availability, mttr_hours=5)
    assert d.availability_at(7.0) == pytest.approx(c.availability_at(7.0), rel=1e-12)
    assert Component(1.0, mttr_hours=1).availability_at(3.0) == 1.0


def test_domains_and_in_domain() -> None:
    az, region = Domain("AZ a", 0.9995, kind="az"), Domain("r", 0.9999, kind="region")
    c = Component(0.995, "i", domains=(az,), in_domain=region)
    assert c.domains == (az, region)
    assert series(c).availability == pytest.approx(0.995 * 0.9995 * 0.9999, abs=1e-15)
    assert Component(0.9, domains=az).domains == (az,)


def test_repeated_component_is_one_random_variable() -> None:
    a, b, c = Component(0.9, "a"), Component(0.8, "b"), Component(0.7, "c")
    # (a or b) and (a or c) = a or (b and c)
    s = series(parallel(a, b), parallel(a, c))
    assert s.availability == pytest.approx(0.9 + 0.1 * 0.8 * 0.7, abs=1e-15)
    assert series(a, a).availability == pytest.approx(0.9)
    assert parallel(a, a).availability == pytest.approx(0.9)


def _brute_force(vars_: list[float], structure: object) -> float:
    total = 0.0
    for states in itertools.product((0, 1), repeat=len(vars_)):
        w = math.prod(p if s else 1 - p for p, s in zip(vars_, states, strict=True))
        total += w * structure(states)  # type: ignore[operator]
    return total


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=7, max_size=7))
def test_exact_matches_brute_force_enumeration(p: list[float]) -> None:
    # 2 AZ domains, 4 replicas, one component repeated in two groups
    az1, az2 = Domain("az1", p[0]), Domain("az2", p[1])
    w1, w2 = Component(p[2], "w1", in_domain=az1), Component(p[3], "w2", in_domain=az2)
    d1, d2 = Component(p[4], "d1", in_domain=az1), Component(p[5], "d2", in_domain=az2)
    x = Component(p[6], "x")
    system = series(parallel(w1, w2, x), k_of_n(1, [d1, d2]), parallel(x, d1, w2))

    def structure(s: tuple[int, ...]) -> int:
        z1, z2, a, b, c, d, e = s
        web = (a and z1) or (b and z2) or e
        db = (c and z1) or (d and z2)
        third = e or (c and z1) or (b and z2)
        return int(bool(web and db and third))

    assert system.availability == pytest.approx(_brute_force(p, structure), abs=1e-12)
    assert system.availability + system.unavailability == pytest.approx(1.0, abs=1e-12)


def test_precision_of_many_nines() -> None:
    g = parallel(0.999, 0.999, 0.999, 0.999)
    assert g.unavailability == pytest.approx(1e-12, rel=1e-9)
    assert series(1 - 1e-13, 1 - 1e-13).unavailability == pytest.approx(2e-13, rel=1e-6)


# ------------------------------------------------------------------ invariants (hypothesis)

probs = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(probs)
def test_invariants_bounds_parallel_series(p: list[float]) -> None:
    a_par = parallel(*p).availability
    a_ser = series(*p).availability
    assert 0.0 <= a_ser <= 1.0
    assert 0.0 <= a_par <= 1.0
    assert a_par >= max(p) - 1e-12
    assert a_ser <= min(p) + 1e-12


@settings(max_examples=60, deadline=None)
@given(probs)
def test_k_of_n_monotone_in_k(p: list[float]) -> None:
    values = [k_of_n(k, p).availability for k in range(1, len(p) + 1)]
    assert all(0.0 <= v <= 1.0 + 1e-12 for v in values)
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(values))
    assert values[0] == pytest.approx(parallel(*p).availability, abs=1e-12)
    assert values[-1] == pytest.approx(series(*p).availability, abs=1e-12)


# ------------------------------------------------------------------ downtime budgets


@pytest.mark.parametrize(
    ("a", "minutes"),
    [(0.99, 5256), (0.995, 2628), (0.999, 525.6), (0.9995, 262.8), (0.9999, 52.56), (0.99999, 5.256)],
)
def test_downtime_aws_365_day_year(a: float, minutes: float) -> None:
    assert downtime(a, year_days=365).total_seconds() / 60 == pytest.approx(minutes, rel=1e-9)
    assert downtime(a, period="month", month="30-day").total_seconds() / 60 == pytest.approx(
        minutes * 30 / 365, rel=1e-9
    )


def test_a07_uptime_is_figures() -> None:
    year = downtime(0.999)
    assert year.total_seconds() == pytest.approx(31556.952, abs=1e-6)
    assert av.format_duration(year) == "8h 45m 57s"
    assert downtime(0.999, year_days=365) == dt.timedelta(hours=8, minutes=45, seconds=36)
    month = downtime(0.999, period="month")
    assert round(month.total_seconds()) == 43 * 60 + 50
    assert month.total_seconds() == pytest.approx(2629.746, abs=1e-6)
    assert av.format_duration(downtime(0.999, period="week")) == "10m 4.8s"
    assert downtime(0.999, period="day").total_seconds() == pytest.approx(86.4)
    assert downtime(0.99).total_seconds() == pytest.approx(315569.52)
    assert downtime(0.9999).total_seconds() == pytest.approx(3155.6952)
    assert av.format_duration(downtime(0.99, year_days=365)) == "3d 15h 36m"


def test_downtime_accepts_blocks_and_results() -> None:
    g = parallel(0.99, 0.99)
    assert downtime(g) == downtime(g.availability)
    r = av.single_instance()
    assert downtime(r) == r.downtime_per_year


def test_downtime_table_matches_and_keeps_index() -> None:
    s = pd.Series([0.99, 0.999, 0.9999], index=["two", "three", "four"])
    before = s.copy()
    t = downtime_table(s)
    pd.testing.assert_series_equal(s, before)
    assert list(t.index) == ["two", "three", "four"]
    assert t.loc["three", "downtime_per_year_s"] == pytest.approx(31556.952)
    assert t.loc["three", "downtime_per_year_text"] == "8h 45m 57s"
    assert t.loc["three", "downtime_per_week_text"] == "10m 4.8s"
    assert t.loc["four", "nines"] == pytest.approx(4.0)
    t365 = downtime_table([0.999], year_days=365, month="30-day")
    assert t365.loc[0, "downtime_per_month_s"] == pytest.approx(43.2 * 60)
    assert t365.loc[0, "downtime_per_year_text"] == "8h 45m 36s"


# ------------------------------------------------------------------ importance, SPOF


def test_birnbaum_importance_simple_cases() -> None:
    a, b = Component(0.9, "a"), Component(0.8, "b")
    imp = av.importance(series(a, b))
    assert imp.loc["a", "birnbaum"] == pytest.approx(0.8)
    assert imp.loc["b", "birnbaum"] == pytest.approx(0.9)
    imp = av.importance(parallel(a, b))
    assert imp.loc["a", "birnbaum"] == pytest.approx(0.2)
    assert imp.loc["b", "birnbaum"] == pytest.approx(0.1)


def test_birnbaum_equals_numeric_derivative_with_shared_domain() -> None:
    def build(za: float) -> tuple[av.Series, Domain]:
        z = Domain("AZ a", za)
        s = series(
            parallel(Component(0.99, "w1", in_domain=z), Component(0.99, "w2")),
            parallel(Component(0.98, "d1", in_domain=z), Component(0.98, "d2")),
        )
        return s, z

    s, _ = build(0.999)
    h = 1e-6
    deriv = (build(0.999 + h)[0].availability - build(0.999 - h)[0].availability) / (2 * h)
    assert av.importance(s).loc["AZ a", "birnbaum"] == pytest.approx(deriv, rel=1e-6)


def test_single_points_of_failure() -> None:
    r = av.multi_az()
    assert set(r.single_points_of_failure) == {"Route 53", "ELB", "region"}
    assert set(av.single_points_of_failure(av.single_instance())) == {
        "Route 53",
        "EC2 instance",
        "AZ a",
        "region",
    }
    az = Domain("only AZ", 0.999)
    both_in_one_az = parallel(Component(0.99, "r1", in_domain=az), Component(0.99, "r2", in_domain=az))
    assert av.single_points_of_failure(both_in_one_az) == ("only AZ",)
    imp = av.importance(r)
    assert imp["single_point_of_failure"].sum() == 3
    assert imp.loc["RDS Multi-AZ failover", "kind"] == "failover"


def test_duplicate_names_get_distinct_labels() -> None:
    imp = av.importance(parallel(Component(0.9, "web"), Component(0.9, "web"), 0.5))
    assert set(imp.index) == {"web", "web #2", "component-3"}


# ------------------------------------------------------------------ presets


def test_presets_structure_and_steps() -> None:
    results = [av.single_instance(), av.app_and_rds(), av.multi_az(), av.multi_region()]
    values = [r.availability for r in results]
    assert values[1] < values[0] < values[2] < values[3]  # RDS alone adds a dependency
    for r in results:
        assert r.steps["availability"].iloc[-1] == pytest.approx(r.availability)
        assert r.downtime_per_year.total_seconds() == pytest.approx(r.unavailability * 365.2425 * 86400)
        assert "<table>" in r._repr_html_()
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.availability = 1.0  # type: ignore[misc]
    m = results[2]
    assert len(m.steps) == 4
    assert m.steps["delta_downtime_per_year_h"].iloc[2] < 0  # the standby buys downtime back
    assert m.steps["delta_availability"].iloc[3] < 0  # failover time costs a little
    assert av.single_instance().availability == pytest.approx(0.995 * 0.9995 * 0.9999, abs=1e-15)


def test_preset_parameters() -> None:
    three = av.multi_az(az_count=3, instances_per_az=2, instances_needed=3)
    assert three.parameters["az_count"] == 3
    assert av.multi_az(az_count=3).availability > av.multi_az().availability
    assert av.multi_az(db_failover_s=35, db_failovers_per_year=12).availability > 0.999
    assert av.app_and_rds(same_az=False).availability < av.app_and_rds().availability
    assert av.multi_az(db_standbys=2, az_count=3).availability > av.multi_az(az_count=3).availability
    fast = av.multi_region(health_check_interval_s=10, dns_ttl_s=0)
    assert fast.availability > av.multi_region().availability


def test_compare_architectures() -> None:
    df = av.compare_architectures()
    assert list(df.index) == ["single_instance", "app_and_rds", "multi_az", "multi_region"]
    assert {"availability", "downtime_per_year_h", "adds", "single_points_of_failure"} <= set(df.columns)
    assert df.loc["multi_az", "downtime_per_year_h"] < df.loc["single_instance", "downtime_per_year_h"]
    one = av.compare_architectures(av.multi_az(az_count=3))
    assert len(one) == 1


# ------------------------------------------------------------------ Monte Carlo


@pytest.mark.parametrize("preset", ["single_instance", "app_and_rds", "multi_az", "multi_region"])
def test_monte_carlo_agrees_with_exact_for_every_preset(preset: str) -> None:
    r = getattr(av, preset)()
    mc = av.monte_carlo(r, years=1, n_runs=2000, seed=7, confidence=0.99)
    assert mc.exact_availability == pytest.approx(r.availability, abs=1e-15)
    assert mc.ci_low <= r.availability <= mc.ci_high
    assert mc.agrees
    assert mc.n_runs == 2000
    assert "Monte Carlo" in mc._repr_html_()


def test_monte_carlo_lognormal_and_beta_and_mtbf() -> None:
    mc = av.monte_carlo(
        av.multi_az(), years=1, n_runs=2000, seed=3, distribution="lognormal", confidence=0.99
    )
    assert mc.agrees
    g = parallel(Component.from_mtbf(mtbf_hours=999, mttr_hours=1), Component(0.999, mttr_hours=2), beta=0.05)
    mc = av.monte_carlo(g, years=5, n_runs=1000, seed=11, confidence=0.99)
    assert mc.agrees
    assert mc.component_years == 3 * 1000 * 5  # two parts + the hidden common-cause event


def test_monte_carlo_degenerate_and_seeded() -> None:
    assert av.monte_carlo(series(1.0), n_runs=10, seed=1).availability == 1.0
    assert av.monte_carlo(series(0.0), n_runs=10, seed=1).availability == pytest.approx(0.0, abs=1e-12)
    a = av.monte_carlo(parallel(0.99, 0.99), n_runs=50, seed=5)
    b = av.monte_carlo(parallel(0.99, 0.99), n_runs=50, seed=5)
    assert a.availability == b.availability


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (
            lambda: Component(99.9),
            InvalidInputError,
            r"looks like a percentage: pass 0\.999 instead of 99\.9",
        ),
        (
            lambda: Component(-0.1),
            InvalidInputError,
            r"Component availability must be a fraction in \[0, 1\]",
        ),
        (lambda: Component(0.9, 5), InvalidTypeError, "Component name must be a string or None"),  # type: ignore[arg-type]
        (lambda: Component(0.9, basis="guess"), InvalidInputError, "basis must be one of"),
        (lambda: Component(0.9, domains=("az",)), InvalidTypeError, "domains must contain Domain objects"),  # type: ignore[arg-type]
        (lambda: Component(0.9, domains=5), InvalidTypeError, "domains must be a tuple of Domain objects"),  # type: ignore[arg-type]
        (lambda: Component(0.9, mttr_hours=0), InvalidInputError, "mttr_hours is 0 but availability"),
        (
            lambda: Component.from_mtbf(mtbf_hours=-1, mttr_hours=1),
            InvalidInputError,
            "mtbf_hours must be > 0 h",
        ),
        (
            lambda: Component.from_mtbf(mtbf_hours=10, mttr_hours=-1),
            InvalidInputError,
            "mttr_hours must be >= 0 h",
        ),
        (
            lambda: Component(0.9).availability_at(1.0),
            InvalidInputError,
            "availability_at needs a repair time",
        ),
        (
            lambda: Component(0.9, mttr_hours=1).availability_at(-1.0),
            InvalidInputError,
            r"t_hours must be finite and >= 0",
        ),
        (lambda: Domain("", 0.9), InvalidTypeError, "Domain name must be a non-empty string"),
        (lambda: Domain("az", 99.95), InvalidInputError, r"Domain availability .* pass 0\.9995"),
        (lambda: Domain("az", 0.9, mttr_hours=-2), InvalidInputError, "mttr_hours must be > 0 h"),
        (lambda: series(), InvalidInputError, "series needs at least one part"),
        (lambda: parallel(), InvalidInputError, "parallel needs at least one part"),
        (lambda: parallel("x"), InvalidTypeError, "part 1 must be a Component"),  # type: ignore[arg-type]
        (lambda: series(0.9, 99.0), InvalidInputError, r"part 2 availability .* pass 0\.99"),
        (lambda: k_of_n(4, [0.9] * 3), InvalidInputError, r"k must be between 1 and n = 3 .* got k = 4"),
        (lambda: k_of_n(0, [0.9] * 3), InvalidInputError, "k must be between 1 and n = 3"),
        (lambda: k_of_n(1.5, [0.9] * 3), InvalidTypeError, "k must be an integer"),  # type: ignore[arg-type]
        (lambda: k_of_n(1, []), InvalidInputError, "k_of_n needs at least one part"),
        (lambda: k_of_n(1, Component(0.9)), InvalidTypeError, "k_of_n takes k and a sequence of parts"),  # type: ignore[arg-type]
        (lambda: parallel(0.9, 0.9, beta=1.0), InvalidInputError, r"beta must be a fraction in \[0, 1\)"),
        (lambda: parallel(0.9, 0.9, beta=5), InvalidInputError, r"beta must be a fraction .* pass 0\.05"),
        (
            lambda: parallel(series(0.9), 0.9, beta=0.1),
            InvalidInputError,
            "beta= applies to a group of Components, but part 1 is a Series",
        ),
        (lambda: parallel(0.9, 0.9, failover_s=60), InvalidInputError, "failover needs both failover_s and"),
        (
            lambda: parallel(0.9, 0.9, failover_s=-1, failovers_per_year=1),
            InvalidInputError,
            "failover_s must be >= 0 s",
        ),
        (lambda: failover_unavailability(-1, 10), InvalidInputError, "events_per_year must be >= 0"),
        (lambda: failover_unavailability(1, 10, year_days=0), InvalidInputError, "year_days must be > 0 d"),
        (lambda: failover_unavailability(1e6, 1e3), InvalidInputError, "more than the year"),
        (
            lambda: av.with_failover("x", seconds_per_event=1, events_per_year=1),
            InvalidTypeError,
            "part 1 must be",
        ),  # type: ignore[arg-type]
        (lambda: downtime(99.9), InvalidInputError, r"pass 0\.999 instead of 99\.9"),
        (lambda: downtime(0.999, period="decade"), InvalidInputError, "period must be one of 'year'"),  # type: ignore[arg-type]
        (lambda: downtime(0.999, month="31-day"), InvalidInputError, "month must be one of 'average'"),  # type: ignore[arg-type]
        (lambda: downtime(0.999, year_days=-365), InvalidInputError, "year_days must be > 0 d"),
        (lambda: downtime_table([]), InvalidInputError, "availabilities is empty"),
        (lambda: downtime_table("0.99"), InvalidTypeError, "availabilities must be a sequence"),
        (lambda: downtime_table([0.9, 99.0]), InvalidInputError, r"availabilities\[1\] must be a fraction"),
        (lambda: av.importance("x"), InvalidTypeError, "system must be a Component, Domain, a block"),  # type: ignore[arg-type]
        (lambda: av.single_points_of_failure(3), InvalidTypeError, "system must be a Component"),  # type: ignore[arg-type]
        (lambda: av.monte_carlo(series(0.9), n_runs=1), InvalidInputError, "n_runs must be >= 2"),
        (lambda: av.monte_carlo(series(0.9), years=0), InvalidInputError, "years must be > 0 yr"),
        (
            lambda: av.monte_carlo(series(0.9), distribution="weibull"),  # type: ignore[arg-type]
            InvalidInputError,
            "distribution must be one of 'exponential', 'lognormal'",
        ),
        (
            lambda: av.monte_carlo(series(0.9), default_mttr_hours=0),
            InvalidInputError,
            "default_mttr_hours must be > 0",
        ),
        (lambda: av.single_instance(instance_availability=99.5), InvalidInputError, r"pass 0\.995"),
        (lambda: av.multi_az(az_count=1), InvalidInputError, "az_count must be >= 2"),
        (
            lambda: av.multi_az(instances_needed=5),
            InvalidInputError,
            "instances_needed = 5 exceeds the 2 instances",
        ),
        (lambda: av.multi_az(db_standbys=2), InvalidInputError, "db_standbys = 2 needs 3 AZs"),
        (lambda: av.multi_az(instances_per_az=-1), InvalidInputError, "instances_per_az must be >= 1"),
        (lambda: av.multi_az(db_failover_s=-5), InvalidInputError, "db_failover_s must be >= 0 s"),
        (lambda: av.app_and_rds(same_az="yes"), InvalidTypeError, "same_az must be True or False"),  # type: ignore[arg-type]
        (lambda: av.multi_region(region_count=1), InvalidInputError, "region_count must be >= 2"),
        (lambda: av.multi_region(dns_ttl_s=-1), InvalidInputError, "dns_ttl_s must be >= 0 s"),
        (lambda: av.compare_architectures(0.5), InvalidTypeError, "argument 1 is float"),  # type: ignore[arg-type]
    ],
)
def test_error_messages(call: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()  # type: ignore[operator]


def test_component_in_two_beta_groups_is_rejected() -> None:
    a = Component(0.9, "shared")
    g = series(parallel(a, Component(0.9), beta=0.1), parallel(a, Component(0.9), beta=0.1))
    with pytest.raises(InvalidInputError, match="component 'shared' is in two beta"):
        _ = g.availability


def test_too_many_shared_parts_points_to_monte_carlo() -> None:
    domains = [Domain(f"d{i}", 0.99) for i in range(6)]
    parts = [Component(0.9, domains=(d,)) for d in domains for _ in range(2)]
    system = parallel(*parts)
    assert 0 < system.availability < 1
    with pytest.raises(InvalidInputError, match=r"enumerate 2\^6 states .* max_shared = 3\. Use monte_carlo"):
        av.importance(system, max_shared=3)
    mc = av.monte_carlo(system, n_runs=20, seed=1)
    assert 0 < mc.availability <= 1


def test_unknown_sla_suggests_close_matches() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'rds-multi-az'"):
        Component.from_sla("rds-multi-a")
