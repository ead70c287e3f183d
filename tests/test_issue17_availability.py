"""Issue 17: availability inputs that used to give silent or obscure failures."""

from __future__ import annotations

import numpy as np
import pytest

from cloudgeo import availability as A
from cloudgeo.errors import InvalidInputError, InvalidTypeError


def test_conflicting_availability_and_mtbf_mttr_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match=r"disagrees with mtbf_hours"):
        A.Component(0.99, mtbf_hours=10, mttr_hours=10)
    c = A.Component(0.5, mtbf_hours=10, mttr_hours=10)
    assert c.availability + c.unavailability == pytest.approx(1.0, abs=1e-15)
    f = A.Component.from_mtbf(mtbf_hours=999, mttr_hours=1)
    assert f.availability + f.unavailability == pytest.approx(1.0, abs=1e-15)


def test_availability_at_of_a_never_up_component() -> None:
    c = A.Component(0.0, mttr_hours=1)
    assert c.availability_at(5) == 0.0
    assert c.availability_at(0) == 1.0
    assert np.array_equal(c.availability_at([0.0, 1.0]), [1.0, 0.0])


def test_deeply_nested_series_evaluates_without_recursion() -> None:
    x = A.series(0.99, 0.99)
    for _ in range(2000):
        x = A.series(x, 0.9999)
    assert x.availability == pytest.approx(0.99**2 * 0.9999**2000, rel=1e-9)
    assert x.unavailability == pytest.approx(1 - 0.99**2 * 0.9999**2000, rel=1e-9)
    y = A.parallel(0.9, 0.9)
    for _ in range(600):
        y = A.parallel(y, 0.5)
    assert 0.0 < y.unavailability < 1e-100
    assert A.monte_carlo(x, n_runs=4, seed=1).n_runs == 4
    assert len(A.importance(x)) == 2002


def test_blocks_built_directly_check_their_children() -> None:
    with pytest.raises(InvalidTypeError, match=r"KOfN part 1 must be a Component"):
        A.KOfN(1, ("a",))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"Series part 2 must be a Component.*0.9"):
        A.Series((A.Component(0.9), 0.9))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"beta"):
        A.Parallel(1, (A.Component(0.9), A.Component(0.9)), beta=2.0)
    with pytest.raises(InvalidTypeError, match=r"failover must be a Component"):
        A.KOfN(1, (A.Component(0.9),), failover=0.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"name"):
        A.Series((A.Component(0.9),), name=5)  # type: ignore[arg-type]


def test_monte_carlo_refuses_huge_simulations_before_allocating() -> None:
    with pytest.raises(InvalidInputError, match=r"outages.*bound"):
        A.monte_carlo(A.series(0.9, 0.9), years=1e9)
    with pytest.raises(InvalidInputError, match=r"outages"):
        A.monte_carlo(A.series(0.9, 0.9), n_runs=10**9)


@pytest.mark.parametrize(
    ("seed", "error"),
    [(-1, InvalidInputError), (1.5, InvalidTypeError), ("1", InvalidTypeError), (True, InvalidTypeError)],
)
def test_monte_carlo_seed_must_be_a_non_negative_integer(seed: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"seed"):
        A.monte_carlo(A.series(0.9, 0.9), seed=seed)  # type: ignore[arg-type]
    seed64: object = np.int64(3)
    assert A.monte_carlo(A.series(0.9, 0.9), n_runs=3, seed=seed64).n_runs == 3  # type: ignore[arg-type]
