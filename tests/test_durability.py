"""Tests of cloudgeo.durability: reference values (MODELS.md D-01, D-02, D-04), mpmath
comparisons at the extremes, invariants, contracts and every error message."""

from __future__ import annotations

import math

import mpmath as mp  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import durability as dur
from cloudgeo.errors import InvalidInputError, InvalidTypeError, UnknownNameError

mp.mp.dps = 50


# ---------------------------------------------------------------------------------------------
# mpmath references
# ---------------------------------------------------------------------------------------------


def mp_backblaze(d: int, p: int, a: float, r: float, year_days: float = 365.0) -> mp.mpf:
    s = d + p
    f = mp.mpf(a) * mp.mpf(r) / mp.mpf(year_days)
    pp = -mp.expm1(-f)
    big_l = mp.fsum(mp.binomial(s, k) * pp**k * (1 - pp) ** (s - k) for k in range(p + 1, s + 1))
    return -mp.expm1(mp.mpf(year_days) / mp.mpf(r) * mp.log1p(-big_l))


def mp_markov(d: int, p: int, lam: float, r: float, serial: bool) -> tuple[mp.mpf, mp.mpf]:
    """MTTDL by solving the CTMC linear system, and P(absorbed within 1 yr) by expm."""
    s = d + p
    lam_m, mu = mp.mpf(lam), mp.mpf(365) / mp.mpf(r)
    n = p + 2
    q = mp.zeros(n, n)
    for i in range(p + 1):
        b = (s - i) * lam_m
        dd = 0 if i == 0 else (mu if serial else i * mu)
        q[i, i + 1] = b
        if i:
            q[i, i - 1] = dd
        q[i, i] = -(b + dd)
    qt = q[: p + 1, : p + 1]
    t = mp.lu_solve(-qt, mp.matrix([1] * (p + 1)))
    return t[0], mp.expm(q)[0, n - 1]


def share(breakdown: pd.DataFrame, term: str) -> float:
    return float(dict(zip(breakdown["term"], breakdown["share"], strict=True))[term])


def rel(a: object, b: mp.mpf) -> float:
    return float(abs((mp.mpf(a) - b) / b))


# ---------------------------------------------------------------------------------------------
# D-01: the seed's sentence (S3 user guide: 10 million objects, one lost every 10,000 years)
# ---------------------------------------------------------------------------------------------


def test_d01_seed_sentence() -> None:
    r = dur.expected_losses(objects=10_000_000, durability=0.99999999999)
    assert r.annual_loss_probability == 1e-11  # decimal reading of the durability
    assert r.expected_losses == pytest.approx(1e-4, rel=1e-14)
    assert r.mean_years_between_losses == pytest.approx(10_000.0, rel=1e-14)
    assert r.probability_any_loss == pytest.approx(9.9995e-5, rel=1e-5)
    exact = -mp.expm1(mp.mpf(10**7) * mp.log1p(-mp.mpf("1e-11")))
    assert rel(r.probability_any_loss, exact) < 1e-13
    assert r.nines == 11
    assert r.loss_interval_text == "1 in 10,000 years"
    assert r.object_loss_odds_text == "1 in 100 billion per year"


def test_d01_other_phrasings_and_storage_class() -> None:
    # Cloudflare R2's older wording: 1,000,000 objects -> one per 100,000 years.
    assert dur.expected_losses(objects=1e6, durability=0.99999999999).loss_interval_text == (
        "1 in 100,000 years"
    )
    # Manning "AWS in Action": 100 billion objects -> ~1 object a year.
    assert dur.expected_losses(objects=1e11, durability=0.99999999999).expected_losses == pytest.approx(1.0)
    r = dur.expected_losses(objects=10_000_000, storage_class="s3-standard")
    assert r.expected_losses == pytest.approx(1e-4, rel=1e-14)
    assert "s3-standard" in r.source
    assert r.notes.startswith("storage class 's3-standard'")


def test_reduced_redundancy_is_four_nines() -> None:
    # S3 docs: RRS average annual expected loss 0.01 % of objects.
    r = dur.expected_losses(objects=10_000, storage_class="s3-reduced-redundancy")
    assert r.annual_loss_probability == 1e-4
    assert r.expected_losses == pytest.approx(1.0)
    assert r.nines == 4


def test_one_zone_storage_class_carries_a_note() -> None:
    r = dur.expected_losses(objects=1, storage_class="s3-one-zone-ia")
    assert "one_zone_loss" in r.notes
    assert "one_zone_loss" in r._repr_html_()


def test_naive_formula_fails_where_ours_does_not() -> None:
    # 1 - D**N underflows to 0 at 11 nines; the log1p/expm1 form does not.
    assert 1 - (1 - 1e-11) ** 1 != 1e-11
    r = dur.expected_losses(objects=1, loss_probability_per_year=1e-20)
    assert r.probability_any_loss == 1e-20


# ---------------------------------------------------------------------------------------------
# extremes against mpmath (q = 1e-20, objects = 1e15)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [1e-20, 1e-17, 1e-11, 3.3e-7, 0.25])
@pytest.mark.parametrize("objects", [1.0, 1e7, 1e15])
@pytest.mark.parametrize("years", [1.0, 1000.0])
def test_extremes_against_mpmath(q: float, objects: float, years: float) -> None:
    r = dur.expected_losses(objects=objects, loss_probability_per_year=q, years=years)
    qm = mp.mpf(q)
    nt = mp.mpf(objects) * mp.mpf(years)
    assert rel(r.expected_losses, nt * qm) < 1e-12
    exact_any = -mp.expm1(nt * mp.log1p(-qm))
    assert rel(r.probability_any_loss, exact_any) < 1e-12
    assert rel(r.mean_years_between_losses, 1 / (mp.mpf(objects) * qm)) < 1e-12


def test_vectorised_objects_match_scalars_and_keep_index() -> None:
    objects = pd.Series([0.0, 1e3, 1e7, 1e15], index=["none", "small", "seed", "huge"])
    before = objects.copy()
    r = dur.expected_losses(objects=objects, durability=0.99999999999)
    pd.testing.assert_series_equal(objects, before)  # input untouched
    frame = r.to_frame()
    assert list(frame.index) == ["none", "small", "seed", "huge"]
    assert list(frame.columns) == [
        "objects",
        "years",
        "annual_loss_probability",
        "durability",
        "expected_losses",
        "probability_any_loss",
        "mean_years_between_losses",
        "nines",
    ]
    for i, n in enumerate(objects.to_numpy()):
        s = dur.expected_losses(objects=float(n), durability=0.99999999999)
        assert frame["expected_losses"].to_numpy()[i] == s.expected_losses
        assert frame["probability_any_loss"].to_numpy()[i] == s.probability_any_loss
    assert frame.loc["none", "mean_years_between_losses"] == math.inf
    assert frame.loc["none", "probability_any_loss"] == 0.0
    assert "<table" in r._repr_html_()


def test_years_broadcast_and_loss_distribution() -> None:
    r = dur.expected_losses(objects=[1e7, 1e8], durability=0.99999999999, years=[[1.0], [100.0]])
    assert np.shape(r.expected_losses) == (2, 2)
    assert r.expected_losses[1, 1] == pytest.approx(1e8 * 1e-11 * 100)  # type: ignore[index]
    s = dur.expected_losses(objects=1e11, durability=0.99999999999, years=3.0)
    dist = s.loss_distribution
    assert dist.mean() == pytest.approx(s.expected_losses)
    assert dist.sf(0) == pytest.approx(s.probability_any_loss, rel=1e-9)


def test_summary_and_html() -> None:
    r = dur.expected_losses(objects=10_000_000, durability=0.99999999999)
    s = r.summary()
    assert list(s.columns) == ["quantity", "value", "unit", "text"]
    row = s.set_index("quantity").loc["mean_years_between_losses"]
    assert row["text"] == "1 in 10,000 years"
    html = r._repr_html_()
    assert "1 in 10,000 years" in html
    assert "11 nines" in html


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (10_000.0, "10,000"),
        (9999.999999999998, "10,000"),
        (1e11, "100 billion"),
        (1.36e11, "136 billion"),
        (2.5e6, "2.5 million"),
        (12.0, "12"),
        (123_456.0, "123,000"),
        (3e25, "3e+25"),
        (math.inf, "infinitely many"),
    ],
)
def test_format_one_in(x: float, text: str) -> None:
    assert dur.format_one_in(x) == text


def test_interval_text_many_losses() -> None:
    r = dur.expected_losses(objects=3.2e11, durability=0.99999999999)
    assert r.loss_interval_text == "3.2 per year"
    assert dur.expected_losses(objects=0, durability=0.9).loss_interval_text == "no losses expected"


# ---------------------------------------------------------------------------------------------
# nines
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (7.354e-12, 11),  # Backblaze 17+3 (MODELS.md D-02)
        (1.5e-7, 6),  # Backblaze 4+2, 10 %, 1 day
        (1e-11, 11),  # exact power of ten: the double nearest 10^-11 counts
        (1e-11 * (1 + 2**-52), 10),  # one ulp above 10^-11: no longer 11 nines
        (1e-11 * (1 - 2**-53), 11),
        (0.1, 1),
        (0.10000001, 0),
        (1.0, 0),
        (0.0, math.inf),
        (1e-300, 300),
    ],
)
def test_nines_definition(q: float, expected: float) -> None:
    assert dur.nines(loss_probability=q) == expected


def test_nines_of_durabilities_and_round_trip() -> None:
    assert dur.nines(0.99999999999) == 11
    assert dur.nines(0.999999999992646) == 11
    assert dur.nines(0.9999) == 4
    assert dur.nines(0.995) == 2
    assert dur.durability_from_nines(11) == 0.99999999999
    assert dur.durability_from_nines(0) == 0.0
    assert dur.durability_from_nines(3.5) == pytest.approx(1 - 10**-3.5)
    assert dur.durability_from_nines(0.5) == pytest.approx(1 - 10**-0.5)
    for k in range(16):
        assert dur.nines(dur.durability_from_nines(k)) == k


def test_loss_probability_from_durability_reads_the_decimal() -> None:
    assert 1 - 0.99999999999 != 1e-11  # the binary float pitfall
    assert dur.loss_probability_from_durability(0.99999999999) == 1e-11
    assert dur.loss_probability_from_durability(np.float64(0.9999)) == 1e-4


# ---------------------------------------------------------------------------------------------
# D-02: Backblaze fixed-window model
# ---------------------------------------------------------------------------------------------


def test_d02_backblaze_17_3() -> None:
    # Backblaze blog (2018) / Backblaze/erasure-coding-durability README: 17+3, 0.405 %, 6.5 d.
    r = dur.erasure_coding_loss(
        data_shards=17, parity_shards=3, shard_failure_rate_per_year=0.00405, replace_days=6.5
    )
    assert r.model == "backblaze"
    assert r.loss_probability_per_period == pytest.approx(1.310e-13, rel=1e-3)
    assert r.loss_probability_per_year == pytest.approx(7.354e-12, rel=1e-4)
    assert r.durability == pytest.approx(0.999999999992646, abs=5e-16)
    assert r.nines == 11
    assert r.periods_per_year == pytest.approx(365 / 6.5)
    assert rel(r.loss_probability_per_year, mp_backblaze(17, 3, 0.00405, 6.5)) < 1e-12
    assert r.loss_probability_per_period is not None
    assert r.mttdl_years == pytest.approx((6.5 / 365) / r.loss_probability_per_period)


@pytest.mark.parametrize(
    ("data", "parity", "expected", "nines"),
    [(18, 2, 2.399e-8, 7), (19, 1, 5.545e-5, 4)],  # Backblaze table, thresholds 3 and 2 of 20
)
def test_d02_threshold_variants(data: int, parity: int, expected: float, nines: int) -> None:
    r = dur.erasure_coding_loss(
        data_shards=data, parity_shards=parity, shard_failure_rate_per_year=0.00405, replace_days=6.5
    )
    assert r.loss_probability_per_year == pytest.approx(expected, rel=2e-4)
    assert r.nines == nines
    assert rel(r.loss_probability_per_year, mp_backblaze(data, parity, 0.00405, 6.5)) < 1e-12


def test_backblaze_4_2() -> None:
    # MODELS.md §8: 4+2, 10 % AFR, 1 day -> 1.5e-7 (6 nines).
    r = dur.erasure_coding_loss(
        data_shards=4, parity_shards=2, shard_failure_rate_per_year=0.10, replace_days=1
    )
    assert r.loss_probability_per_year == pytest.approx(1.5e-7, rel=1e-3)
    assert r.nines == 6
    assert rel(r.loss_probability_per_year, mp_backblaze(4, 2, 0.10, 1)) < 1e-12


@pytest.mark.parametrize(("d", "p", "a", "r"), [(10, 10, 1e-4, 1.0), (1, 2, 2.5, 30.0), (6, 3, 0.02, 400.0)])
def test_backblaze_extremes_against_mpmath(d: int, p: int, a: float, r: float) -> None:
    res = dur.erasure_coding_loss(
        data_shards=d, parity_shards=p, shard_failure_rate_per_year=a, replace_days=r
    )
    assert rel(res.loss_probability_per_year, mp_backblaze(d, p, a, r)) < 1e-12


# ---------------------------------------------------------------------------------------------
# D-04: Markov models, and the exact two-way mirror
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "expected", "ratio"),
    [("markov-parallel", 2.939e-11, 4.0), ("markov-serial", 1.762e-10, 24.0)],
)
def test_d04_markov_17_3(model: str, expected: float, ratio: float) -> None:
    kw = {"data_shards": 17, "parity_shards": 3, "shard_failure_rate_per_year": 0.00405, "replace_days": 6.5}
    r = dur.erasure_coding_loss(model=model, **kw)  # type: ignore[arg-type]
    assert r.loss_probability_per_year == pytest.approx(expected, rel=2e-4)
    bb = dur.erasure_coding_loss(**kw)  # type: ignore[arg-type]
    assert r.loss_probability_per_year / bb.loss_probability_per_year == pytest.approx(ratio, rel=0.02)
    mttdl, first_year = mp_markov(17, 3, 0.00405, 6.5, serial=model == "markov-serial")
    assert rel(r.mttdl_years, mttdl) < 1e-12
    assert rel(r.loss_probability_per_year, -mp.expm1(-1 / mttdl)) < 1e-12
    assert r.loss_probability_first_year_from_healthy is not None
    assert rel(r.loss_probability_first_year_from_healthy, first_year) < 1e-10
    assert r.loss_probability_first_year_from_healthy < r.loss_probability_per_year


@pytest.mark.parametrize(
    ("d", "p", "lam", "r"),
    [(1, 1, 0.05, 3.0), (4, 2, 0.2, 1 / 24), (8, 4, 1.5, 20.0), (6, 3, 0.001, 1 / 1440)],
)
@pytest.mark.parametrize("serial", [False, True])
def test_markov_against_mpmath_linear_system(d: int, p: int, lam: float, r: float, serial: bool) -> None:
    model = "markov-serial" if serial else "markov-parallel"
    res = dur.erasure_coding_loss(
        data_shards=d, parity_shards=p, shard_failure_rate_per_year=lam, replace_days=r, model=model
    )
    mttdl, first_year = mp_markov(d, p, lam, r, serial)
    assert rel(res.mttdl_years, mttdl) < 1e-12
    assert res.loss_probability_first_year_from_healthy is not None
    assert rel(res.loss_probability_first_year_from_healthy, first_year) < 1e-10


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(min_value=1e-6, max_value=10.0),
    replace_days=st.floats(min_value=0.01, max_value=365.0),
)
def test_two_way_mirror_serial_mttdl(lam: float, replace_days: float) -> None:
    # Exact two-way mirror with serial repair: MTTDL = (3 lambda + mu) / (2 lambda^2).
    mu = 365.0 / replace_days
    r = dur.replication_loss(
        copies=2, failure_rate_per_year=lam, replace_days=replace_days, model="markov-serial"
    )
    assert r.data_shards == 1
    assert r.parity_shards == 1
    assert r.mttdl_years == pytest.approx((3 * lam + mu) / (2 * lam**2), rel=1e-12)


def test_replication_single_copy_and_zero_rate() -> None:
    r = dur.replication_loss(copies=1, failure_rate_per_year=0.1, replace_days=1, model="markov-serial")
    assert r.mttdl_years == pytest.approx(10.0)
    assert r.loss_probability_per_year == pytest.approx(-math.expm1(-0.1))
    for model in dur.EC_MODELS:
        z = dur.replication_loss(copies=3, failure_rate_per_year=0.0, replace_days=1, model=model)
        assert z.loss_probability_per_year == 0.0
        assert z.mttdl_years == math.inf
        assert z.nines == math.inf


def test_erasure_result_frames_and_html() -> None:
    r = dur.erasure_coding_loss(
        data_shards=17, parity_shards=3, shard_failure_rate_per_year=0.00405, replace_days=6.5
    )
    assert r.to_frame().loc[0, "loss_probability_per_year"] == r.loss_probability_per_year
    assert "loss_probability_per_period" in set(r.summary()["quantity"])
    html = r._repr_html_()
    assert "backblaze" in html
    assert "11 nines" in html
    assert "17+3" in html
    m = dur.erasure_coding_loss(
        data_shards=17,
        parity_shards=3,
        shard_failure_rate_per_year=0.00405,
        replace_days=6.5,
        model="markov-serial",
    )
    assert "loss_probability_first_year_from_healthy" in set(m.summary()["quantity"])


@settings(max_examples=40, deadline=None)
@given(
    data=st.integers(min_value=1, max_value=20),
    parity=st.integers(min_value=0, max_value=6),
    rate=st.floats(min_value=1e-4, max_value=2.0),
    replace_days=st.floats(min_value=0.1, max_value=60.0),
    model=st.sampled_from(dur.EC_MODELS),
)
def test_more_parity_never_lowers_durability(
    data: int, parity: int, rate: float, replace_days: float, model: str
) -> None:
    kw = {
        "data_shards": data,
        "shard_failure_rate_per_year": rate,
        "replace_days": replace_days,
        "model": model,
    }
    a = dur.erasure_coding_loss(parity_shards=parity, **kw)  # type: ignore[arg-type]
    b = dur.erasure_coding_loss(parity_shards=parity + 1, **kw)  # type: ignore[arg-type]
    assert b.loss_probability_per_year <= a.loss_probability_per_year * (1 + 1e-12)
    assert 0.0 <= b.loss_probability_per_year <= 1.0
    assert b.nines >= a.nines


def test_shard_rate_from_drive_afr() -> None:
    assert dur.shard_failure_rate_from_drive_afr(0.00405) == 0.00405
    assert dur.shard_failure_rate_from_drive_afr(0.5, afr_is="probability") == pytest.approx(math.log(2))


# ---------------------------------------------------------------------------------------------
# invariants of expected_losses
# ---------------------------------------------------------------------------------------------

q_strategy = st.one_of(st.floats(min_value=1e-20, max_value=1.0), st.just(0.0))
count_strategy = st.floats(min_value=0.0, max_value=1e15)
years_strategy = st.floats(min_value=0.0, max_value=1e4)


@settings(max_examples=80, deadline=None)
@given(q=q_strategy, n1=count_strategy, n2=count_strategy, t1=years_strategy, t2=years_strategy)
def test_monotone_and_bounded(q: float, n1: float, n2: float, t1: float, t2: float) -> None:
    lo_n, hi_n = sorted((n1, n2))
    lo_t, hi_t = sorted((t1, t2))
    a = dur.expected_losses(objects=lo_n, loss_probability_per_year=q, years=lo_t)
    b = dur.expected_losses(objects=hi_n, loss_probability_per_year=q, years=lo_t)
    c = dur.expected_losses(objects=lo_n, loss_probability_per_year=q, years=hi_t)
    for r in (a, b, c):
        assert 0.0 <= r.probability_any_loss <= 1.0
        assert r.expected_losses >= 0.0
    assert b.expected_losses >= a.expected_losses
    assert c.expected_losses >= a.expected_losses
    assert b.probability_any_loss >= a.probability_any_loss
    assert c.probability_any_loss >= a.probability_any_loss


@settings(max_examples=80, deadline=None)
@given(q=st.floats(min_value=1e-300, max_value=1.0))
def test_nines_consistent_with_loss_probability(q: float) -> None:
    k = dur.nines(loss_probability=q)
    assert isinstance(k, int)
    if k >= 1:
        assert float(f"1e-{k}") >= q
    assert float(f"1e-{k + 1}") < q


# ---------------------------------------------------------------------------------------------
# One Zone, cross-region, EBS
# ---------------------------------------------------------------------------------------------


def test_one_zone_formula_and_breakdown() -> None:
    r = dur.one_zone_loss(objects=1e6, durability=0.99999999999, az_loss_probability_per_year=1e-5)
    q, p = 1e-11, 1e-5
    assert r.loss_probability_per_year == pytest.approx(q + p - q * p, rel=1e-15)
    assert r.expected_losses == pytest.approx(1e6 * (q + p - q * p))
    assert r.expected_losses_if_az_lost == 1e6
    assert r.expected_losses_from_az == pytest.approx(10.0)
    assert r.dominant_term == "az"
    b = r.breakdown()
    assert list(b["term"]) == ["device", "az"]
    assert b["loss_probability_per_year"].sum() == pytest.approx(r.loss_probability_per_year, rel=1e-15)
    assert share(b, "az") > 0.999999
    # the AZ event is one event for all objects: P(any) = 1 - (1-p)(1-q)^N, not 1 - (1-q1z)^N
    assert r.probability_any_loss == pytest.approx(1 - (1 - p) * (1 - q) ** 1e6, rel=1e-9)
    assert r.nines == 4
    html = r._repr_html_()
    assert "Dominant term" in html
    assert "az" in html
    assert r.to_frame().loc[0, "dominant_term"] == "az"


def test_one_zone_device_dominates_without_az_term_and_catalog() -> None:
    r = dur.one_zone_loss(objects=10, storage_class="s3-one-zone-ia", az_loss_probability_per_year=0.0)
    assert r.dominant_term == "device"
    assert r.loss_probability_per_year == 1e-11
    assert r.probability_az_loss == 0.0


@settings(max_examples=50, deadline=None)
@given(
    q=st.floats(min_value=1e-15, max_value=1e-6),
    factor=st.floats(min_value=10.0, max_value=1e6),
    objects=st.floats(min_value=1.0, max_value=1e12),
    years=st.floats(min_value=0.1, max_value=100.0),
)
def test_one_zone_az_term_dominates(q: float, factor: float, objects: float, years: float) -> None:
    p = min(q * factor, 1.0)
    r = dur.one_zone_loss(
        objects=objects, loss_probability_per_year=q, az_loss_probability_per_year=p, years=years
    )
    assert r.dominant_term == "az"
    assert share(r.breakdown(), "az") > 0.9
    assert 0.0 <= r.probability_any_loss <= 1.0
    assert r.probability_any_loss >= r.probability_az_loss


def test_cross_region_independent_and_beta() -> None:
    ind = dur.cross_region_replication_loss(region_loss_probabilities=(1e-4, 2e-4))
    assert ind.loss_probability_per_year == pytest.approx(2e-8, rel=1e-15)
    assert ind.dominant_term == "independent"
    beta = dur.cross_region_replication_loss(region_loss_probabilities=(1e-4, 1e-4), correlation=0.05)
    qc = 0.05 * 1e-4
    qi = (1e-4 - qc) / (1 - qc)
    assert beta.loss_probability_per_year == pytest.approx(qc + (1 - qc) * qi * qi, rel=1e-14)
    assert beta.common_cause_loss_probability_per_year == pytest.approx(qc)
    assert beta.independent_loss_probability_per_year == pytest.approx(1e-8)
    assert beta.dominant_term == "common-cause"
    assert share(beta.breakdown(), "common-cause") > 0.99
    full = dur.cross_region_replication_loss(region_loss_probabilities=[1e-3, 1e-3], correlation=1.0)
    assert full.loss_probability_per_year == pytest.approx(1e-3)
    three = dur.cross_region_replication_loss(region_loss_probabilities=np.array([1e-2, 1e-2, 1e-2]))
    assert three.loss_probability_per_year == pytest.approx(1e-6)
    assert "Dominant term" in beta._repr_html_()
    assert beta.to_frame().loc[0, "correlation"] == 0.05


@settings(max_examples=50, deadline=None)
@given(
    q1=st.floats(min_value=0.0, max_value=1.0),
    q2=st.floats(min_value=0.0, max_value=1.0),
    b1=st.floats(min_value=0.0, max_value=1.0),
    b2=st.floats(min_value=0.0, max_value=1.0),
)
def test_cross_region_bounds_and_monotone_in_beta(q1: float, q2: float, b1: float, b2: float) -> None:
    lo, hi = sorted((b1, b2))
    a = dur.cross_region_replication_loss(region_loss_probabilities=(q1, q2), correlation=lo)
    b = dur.cross_region_replication_loss(region_loss_probabilities=(q1, q2), correlation=hi)
    assert 0.0 <= a.loss_probability_per_year <= min(q1, q2) * (1 + 1e-12) + 1e-300
    assert b.loss_probability_per_year >= a.loss_probability_per_year * (1 - 1e-12)


def test_ebs_from_catalog() -> None:
    # EBS docs: gp3 AFR 0.1-0.2 %; io2 0.001 % (at most 1 failed volume per 100,000 a year).
    g = dur.ebs_expected_failures(volumes=1000)
    assert (g.expected_failures_low, g.expected_failures_high) == pytest.approx((1.0, 2.0))
    assert g.probability_any_failure_low == pytest.approx(1 - 0.999**1000)
    io2 = dur.ebs_expected_failures(volumes=100_000, volume_type="ebs-io2")
    assert io2.expected_failures_high == pytest.approx(1.0)
    f = g.to_frame()
    assert list(f["bound"]) == ["low", "high"]
    assert "ebs-gp3" in g._repr_html_()
    o = dur.ebs_expected_failures(volumes=10, annual_failure_rate=0.01, years=2, volume_type="mine")
    assert o.expected_failures_low == o.expected_failures_high == pytest.approx(0.2)
    z = dur.ebs_expected_failures(volumes=0)
    assert z.probability_any_failure_high == 0.0


# ---------------------------------------------------------------------------------------------
# errors: every message matched
# ---------------------------------------------------------------------------------------------


def test_percentage_durability_is_named() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"durability must be a fraction in \[0, 1\], got 99.999999999\. "
        r"It looks like a percentage: pass 0.99999999999 instead",
    ):
        dur.expected_losses(objects=1, durability=99.999999999)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"objects": 1, "durability": 1.5}, InvalidInputError, r"pass 0.015 instead of 1.5"),
        (
            {"objects": 1, "durability": 101.0},
            InvalidInputError,
            r"durability must be a fraction in \[0, 1\], got 101",
        ),
        ({"objects": 1, "durability": -0.1}, InvalidInputError, r"durability must be a fraction in \[0, 1\]"),
        ({"objects": 1, "durability": math.nan}, InvalidInputError, r"durability must be finite"),
        (
            {"objects": 1, "durability": "0.9"},
            InvalidTypeError,
            r"durability must be a real number, got '0.9'",
        ),
        (
            {"objects": 1},
            InvalidInputError,
            r"give exactly one of durability, storage_class, "
            r"loss_probability_per_year; got none",
        ),
        (
            {"objects": 1, "durability": 0.9, "storage_class": "s3-standard"},
            InvalidInputError,
            r"give exactly one of .*; got durability, storage_class",
        ),
        (
            {"objects": 1, "loss_probability_per_year": 2.0},
            InvalidInputError,
            r"loss_probability_per_year must be a fraction .* It looks like a percentage",
        ),
        ({"objects": -1, "durability": 0.9}, InvalidInputError, r"objects must be >= 0, got -1"),
        (
            {"objects": [1, -2, 3], "durability": 0.9},
            InvalidInputError,
            r"objects must be finite and >= 0; got \[-2.0\] at position\(s\) \[1\]",
        ),
        ({"objects": [1, np.nan], "durability": 0.9}, InvalidInputError, r"objects must be finite and >= 0"),
        ({"objects": True, "durability": 0.9}, InvalidTypeError, r"objects must be a number or an array"),
        (
            {"objects": ["a"], "durability": 0.9},
            InvalidTypeError,
            r"objects must be a number or an array of numbers, got \['a'\]: text",
        ),
        ({"objects": 1, "durability": 0.9, "years": -1}, InvalidInputError, r"years must be >= 0, got -1"),
        (
            {"objects": 1, "storage_class": 3},
            InvalidTypeError,
            r"storage_class must be a catalogue id string such as 's3-standard', got 3",
        ),
    ],
)
def test_expected_losses_errors(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        dur.expected_losses(**kwargs)  # type: ignore[arg-type]


def test_unknown_storage_class_suggests() -> None:
    with pytest.raises(
        UnknownNameError, match=r"unknown storage class 's3-standrd'\. Did you mean 's3-standard'"
    ):
        dur.expected_losses(objects=1, storage_class="s3-standrd")
    with pytest.raises(KeyError):
        dur.ebs_expected_failures(volumes=1, volume_type="ebs-gp9")


def test_catalog_rows_without_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from cloudgeo import catalog

    row = pd.Series(
        {
            "durability": np.nan,
            "durability_low": 0.99,
            "durability_high": 0.999,
            "annual_failure_rate_low": np.nan,
            "annual_failure_rate_high": np.nan,
        }
    )
    monkeypatch.setattr(catalog, "get_storage_class", lambda _name: row)
    with pytest.raises(
        InvalidInputError,
        match=r"storage class 'x' publishes no single durability "
        r"\(range 0.99-0.999\); pass durability= explicitly",
    ):
        dur.expected_losses(objects=1, storage_class="x")
    with pytest.raises(
        InvalidInputError,
        match=r"storage class 'x' publishes no annual failure rate; "
        r"pick an EBS volume type",
    ):
        dur.ebs_expected_failures(volumes=1, volume_type="x")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"data_shards": 0}, InvalidInputError, r"data_shards must be >= 1, got 0"),
        ({"data_shards": 2.5}, InvalidTypeError, r"data_shards must be an integer, got 2.5"),
        ({"parity_shards": -1}, InvalidInputError, r"parity_shards must be >= 0, got -1"),
        (
            {"shard_failure_rate_per_year": -0.1},
            InvalidInputError,
            r"shard_failure_rate_per_year must be >= 0 per year, got -0.1",
        ),
        ({"replace_days": 0}, InvalidInputError, r"replace_days must be > 0 days, got 0"),
        ({"year_days": -365}, InvalidInputError, r"year_days must be > 0 days, got -365"),
        (
            {"model": "raid"},
            InvalidInputError,
            r"model must be one of 'backblaze', 'markov-parallel', 'markov-serial'; got 'raid'",
        ),
    ],
)
def test_erasure_coding_errors(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    base: dict[str, object] = {
        "data_shards": 17,
        "parity_shards": 3,
        "shard_failure_rate_per_year": 0.00405,
        "replace_days": 6.5,
    }
    with pytest.raises(exc, match=match):
        dur.erasure_coding_loss(**{**base, **kwargs})  # type: ignore[arg-type]


def test_replication_and_afr_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"copies must be >= 1, got 0"):
        dur.replication_loss(copies=0, failure_rate_per_year=0.01, replace_days=1)
    with pytest.raises(
        InvalidInputError, match=r"afr_is must be one of 'rate', 'probability'; got 'percent'"
    ):
        dur.shard_failure_rate_from_drive_afr(0.01, afr_is="percent")
    with pytest.raises(InvalidInputError, match=r"drive_afr as a probability must be < 1"):
        dur.shard_failure_rate_from_drive_afr(1.0, afr_is="probability")
    with pytest.raises(
        InvalidInputError, match=r"drive_afr must be a fraction .* pass 0.0405 instead of 4.05"
    ):
        dur.shard_failure_rate_from_drive_afr(4.05, afr_is="probability")
    with pytest.raises(InvalidInputError, match=r"drive_afr must be >= 0 per drive-year, got -1"):
        dur.shard_failure_rate_from_drive_afr(-1)


def test_nines_errors() -> None:
    with pytest.raises(
        InvalidInputError, match=r"give exactly one of durability, loss_probability; got none"
    ):
        dur.nines()
    with pytest.raises(InvalidInputError, match=r"got durability, loss_probability"):
        dur.nines(0.9, loss_probability=0.1)
    with pytest.raises(InvalidInputError, match=r"n must be >= 0, got -1"):
        dur.durability_from_nines(-1)


def test_failure_domain_errors() -> None:
    with pytest.raises(
        InvalidInputError, match=r"az_loss_probability_per_year must be a fraction .* pass 0.1 instead of 10"
    ):
        dur.one_zone_loss(objects=1, durability=0.99999999999, az_loss_probability_per_year=10)
    with pytest.raises(InvalidInputError, match=r"objects must be >= 0, got -5"):
        dur.one_zone_loss(objects=-5, durability=0.9, az_loss_probability_per_year=1e-4)
    with pytest.raises(InvalidInputError, match=r"needs at least two regions, got 1"):
        dur.cross_region_replication_loss(region_loss_probabilities=[1e-4])
    with pytest.raises(InvalidTypeError, match=r"region_loss_probabilities must be a sequence"):
        dur.cross_region_replication_loss(region_loss_probabilities=1e-4)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"region_loss_probabilities\[1\] must be a fraction"):
        dur.cross_region_replication_loss(region_loss_probabilities=[1e-4, 5.0])
    with pytest.raises(InvalidInputError, match=r"correlation must be a fraction .* pass 0.05 instead of 5"):
        dur.cross_region_replication_loss(region_loss_probabilities=[1e-4, 1e-4], correlation=5)


def test_ebs_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"volumes must be >= 0, got -1"):
        dur.ebs_expected_failures(volumes=-1)
    with pytest.raises(
        InvalidInputError, match=r"annual_failure_rate must be one number or a \(low, high\) pair"
    ):
        dur.ebs_expected_failures(volumes=1, annual_failure_rate=(0.1, 0.2, 0.3))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"low bound 0.2 exceeds high bound 0.1"):
        dur.ebs_expected_failures(volumes=1, annual_failure_rate=(0.2, 0.1))
    with pytest.raises(
        InvalidInputError, match=r"annual_failure_rate must be a fraction .* pass 0.2 instead of 20"
    ):
        dur.ebs_expected_failures(volumes=1, annual_failure_rate=20.0)
