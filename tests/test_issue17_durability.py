"""Issue 17: durability inputs that gave -0.0, NaN, inf, a numpy error or a 43 s run."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from cloudgeo import durability as D
from cloudgeo.errors import InvalidInputError


def test_probability_any_loss_is_never_negative_zero() -> None:
    p = D.expected_losses(objects=0, durability=0.9).probability_any_loss
    assert p == 0.0
    assert not math.copysign(1.0, p) < 0
    arr = D.expected_losses(objects=[0, 10], durability=0.9, years=0).probability_any_loss
    assert not np.signbit(arr).any()
    oz = D.one_zone_loss(objects=0, years=0, az_loss_probability_per_year=0.01, durability=0.9)
    assert not math.copysign(1.0, oz.probability_az_loss) < 0
    assert not math.copysign(1.0, oz.probability_any_loss) < 0


@pytest.mark.parametrize(
    ("x", "text"), [(9.9995e23, "1e+24"), (9.99e23, "999 sextillion"), (1e24, "1e+24"), (999.5, "1,000")]
)
def test_format_one_in_rounds_across_the_scale_boundary(x: float, text: str) -> None:
    assert D.format_one_in(x) == text


def test_expected_losses_shape_mismatch_is_a_clear_error() -> None:
    with pytest.raises(
        InvalidInputError, match=r"objects \(shape \(3,\)\) and years \(shape \(2,\)\) do not broadcast"
    ):
        D.expected_losses(objects=[1, 2, 3], years=[1, 2], durability=0.9)
    r = D.expected_losses(objects=[1, 2, 3], years=2, durability=0.9)
    np.testing.assert_allclose(r.expected_losses, [0.2, 0.4, 0.6])


def test_overflowing_exposure_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"objects x years exceeds the float range"):
        D.expected_losses(objects=1e308, years=1e308, durability=0.9)
    with pytest.raises(InvalidInputError, match=r"objects x years exceeds"):
        D.one_zone_loss(objects=1e308, years=10, az_loss_probability_per_year=0.1, durability=0.9)
    with pytest.raises(InvalidInputError, match=r"volumes x years exceeds"):
        D.ebs_expected_failures(volumes=1e308, years=1e308)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"data_shards": 20000, "parity_shards": 10},
            r"data_shards \+ parity_shards must be <= 1,000, got 20,010",
        ),
        ({"shard_failure_rate_per_year": 1e10}, r"shard_failure_rate_per_year must be <= 1e\+06"),
        ({"replace_days": 1e300}, r"replace_days must be in \[1e-06, 1e\+06\] days"),
        ({"replace_days": 1e-300}, r"replace_days must be in"),
        ({"year_days": 1e-300}, r"year_days must be in \[1, 1000\]"),
    ],
)
def test_erasure_coding_bounds(kwargs: dict[str, float], match: str) -> None:
    base = {
        "data_shards": 17,
        "parity_shards": 3,
        "shard_failure_rate_per_year": 0.00405,
        "replace_days": 6.5,
    }
    for model in D.EC_MODELS:
        with pytest.raises(InvalidInputError, match=match):
            D.erasure_coding_loss(**{**base, **kwargs}, model=model)  # type: ignore[arg-type]


def test_erasure_coding_is_finite_across_the_accepted_range() -> None:
    rates = [0.0, 1e-300, 1e-5, 1.0, 1e6]
    repairs = [*D.REPLACE_DAYS_RANGE, 1.0]
    for model, rate, days, (d, p) in itertools.product(
        D.EC_MODELS, rates, repairs, [(1, 0), (17, 3), (1, 5), (900, 100)]
    ):
        r = D.erasure_coding_loss(
            data_shards=d, parity_shards=p, shard_failure_rate_per_year=rate, replace_days=days, model=model
        )
        assert 0.0 <= r.loss_probability_per_year <= 1.0, (model, rate, days, d, p)
        assert not math.isnan(r.mttdl_years)
