"""Issue 17: demand generators and the simulator refuse sizes and values they cannot handle."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from cloudgeo import scaling as S
from cloudgeo.errors import DataValidationError, InvalidInputError, InvalidTypeError


def test_daily_demand_refuses_a_billion_days_before_allocating() -> None:
    with pytest.raises(InvalidInputError, match=r"more than the bound of 10,000,000"):
        S.daily_demand(days=1e9)
    with pytest.raises(InvalidInputError, match=r"ends after the last date pandas can hold"):
        S.daily_demand(days=1e9, freq="1000D")
    assert len(S.daily_demand(days=1, freq="1h", seed=1)) == 24


@pytest.mark.parametrize(
    ("seed", "error"),
    [(-1, InvalidInputError), (1.5, InvalidTypeError), ("1", InvalidTypeError), (True, InvalidTypeError)],
)
def test_demand_seeds_are_checked(seed: Any, error: type[Exception]) -> None:
    for make in (S.daily_demand, S.surge_demand, S.seasonal_decline_demand):
        with pytest.raises(error, match=r"seed must be"):
            make(seed=seed)
    same = S.daily_demand(days=1, seed=np.random.default_rng(5))
    assert same.equals(S.daily_demand(days=1, seed=np.random.default_rng(5)))


def test_demand_near_the_float_limit_is_refused_not_nan() -> None:
    index = pd.date_range("2020-01-01", periods=10, freq="min")
    with pytest.raises(DataValidationError, match=r"exceeds the float range"):
        S.simulate_autoscaling(pd.Series([1e308] * 10, index=index), S.TargetTrackingPolicy())
    r = S.simulate_autoscaling(pd.Series([1e300] * 10, index=index), S.TargetTrackingPolicy())
    values = [v for v in vars(r.summary).values() if isinstance(v, float)]
    assert np.isfinite(values).all()
