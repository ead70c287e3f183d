"""Tests for cloudgeo.stats: the weighted quantile against numpy's inverted CDF, fast vs sorted path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cloudgeo import stats
from cloudgeo.errors import DataValidationError, InvalidInputError


def numpy_reference(v: np.ndarray, w: np.ndarray, q: float) -> float:
    return float(np.quantile(v, q, weights=w, method="inverted_cdf"))


@pytest.mark.parametrize("seed", range(8))
def test_binned_quantile_is_the_sorted_quantile(seed: int) -> None:
    """Long arrays take their quantile from bin counts: the same value as the stable sort, also
    with tied values, zero weights and extreme q; non-finite or constant values go to the sort."""
    rng = np.random.default_rng(seed)
    n = 5000 + 3000 * seed
    values = [
        rng.gamma(2.0, 20.0, n),
        np.round(rng.uniform(0, 300, n), 1),  # many ties
        rng.integers(0, 40, n).astype(float),  # few distinct values
        np.concatenate([rng.normal(50, 0.01, n // 2), rng.uniform(0, 1e4, n - n // 2)]),  # one dense bin
    ]
    weights = [rng.random(n), rng.integers(0, 4, n).astype(float)]  # the second: zero weights
    used = 0
    for v in values:
        for w in weights:
            for q in (1e-6, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999999, float(rng.random())):
                for rtol in (0.0, 1e-9):
                    sorted_value = stats._sorted_quantile(v, w, q, rtol)
                    assert stats.weighted_quantile(v, w, q, rtol=rtol) == sorted_value
                    used += stats._binned_quantile(v, w, q, rtol) is not None
                assert stats.weighted_quantile(v, w, q) == numpy_reference(v, w, q)
    assert used > 0.9 * len(values) * len(weights) * 8 * 2  # nearly always without the sort
    v = rng.random(n)
    v[3] = np.inf
    assert stats._binned_quantile(v, np.ones(n), 0.5, 0.0) is None
    assert stats._binned_quantile(np.full(n, 7.0), np.ones(n), 0.5, 0.0) is None
    assert stats.weighted_quantile(np.full(n, 7.0), np.ones(n), 0.5) == 7.0


@settings(max_examples=150, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 60), elements=st.floats(0, 1000, allow_nan=False)),
    st.data(),
    st.floats(0.01, 1.0),
)
def test_matches_numpys_inverted_cdf(values: np.ndarray, data: st.DataObject, q: float) -> None:
    w = data.draw(
        hnp.arrays(np.float64, len(values), elements=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])).filter(
            lambda a: a.sum() > 0
        )
    )
    assert stats.weighted_quantile(values, w, q) == numpy_reference(values, w, q)


def test_infinite_values_are_allowed() -> None:
    v = np.array([1.0, np.inf, 3.0])
    assert stats.weighted_quantile(v, np.ones(3), 0.5) == 3.0
    assert stats.weighted_quantile(v, np.ones(3), 1.0) == np.inf


@pytest.mark.parametrize(
    ("values", "weights", "q", "error"),
    [
        (np.array([1.0, np.nan]), np.ones(2), 0.5, DataValidationError),
        (np.full(5000, np.nan), np.ones(5000), 0.5, DataValidationError),
        (np.array([1.0, 2.0]), np.array([1.0, -1.0]), 0.5, DataValidationError),
        (np.array([1.0, 2.0]), np.zeros(2), 0.5, DataValidationError),
        (np.arange(5000.0), np.full(5000, -1.0), 0.5, DataValidationError),
        (np.array([1.0, 2.0]), np.ones(3), 0.5, DataValidationError),
        (np.array([]), np.array([]), 0.5, DataValidationError),
        (np.array([1.0]), np.ones(1), 1.5, InvalidInputError),
        (np.array([1.0]), np.ones(1), "0.5", InvalidInputError),
    ],
)
def test_bad_input_is_refused(values: np.ndarray, weights: np.ndarray, q: object, error: type) -> None:
    with pytest.raises(error):
        stats.weighted_quantile(values, weights, q)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "weights", "q", "expected"),
    [
        ([0.0, -1.0], [4.0, 0.0], 0.0, 0.0),  # hypothesis found it: a zero-weight smallest value
        ([3.0, 1.0, 2.0], [0.0, 0.0, 1.0], 0.0, 2.0),
        ([3.0, 1.0, 2.0], [1.0, 0.0, 1.0], 1e-12, 2.0),
        ([3.0, 1.0, 2.0], [1.0, 1.0, 1.0], 0.0, 1.0),
        ([5.0, 1.0, 2.0, 7.0], [2.0, 1.0, 0.0, 0.0], 1.0, 5.0),
    ],
)
def test_zero_weight_values_never_are_the_quantile(
    values: list[float], weights: list[float], q: float, expected: float
) -> None:
    """q = 0 is the smallest value of positive weight (numpy's inverted CDF), also with rtol."""
    v, w = np.array(values), np.array(weights)
    assert numpy_reference(v, w, q) == expected
    assert stats.weighted_quantile(v, w, q) == expected
    assert stats.weighted_quantile(v, w, q, rtol=1e-9) == expected
    big_v, big_w = np.concatenate([v, np.arange(5000.0) + 10]), np.concatenate([w, np.zeros(5000)])
    assert stats.weighted_quantile(big_v, big_w, q) == expected  # the binned path defers to the sort
