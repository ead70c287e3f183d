"""Issue 17: every ``_repr_html_`` in the package escapes user text (found by walking modules).

A class with ``_repr_html_`` that has no factory below fails the test, so a new one cannot be
missed. Each instance gets the payload in every text field (also inside tuples, mappings and
nested dataclasses such as a CalibrationResult's model), bypassing validation, and the HTML
must show it escaped and never raw.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import cloudgeo
from cloudgeo import availability as A
from cloudgeo import catalog as C
from cloudgeo import durability as D
from cloudgeo import latency as L
from cloudgeo import placement as PL
from cloudgeo import scaling as S

PAYLOAD = "<img src=x onerror=alert(1)>\"'\u202e\u200f&"
RAW = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"

# Fixed in another helper's branch (h15: LatencyModel/CalibrationResult escape the model name);
# the integrator empties this set after merging. Members are still rendered with the payload
# (so a crash shows), only the raw-payload assertion is not made for them.
KNOWN_FIXED_ELSEWHERE: set[str] = {
    "latency.LatencyModel",  # integrator: remove after merging h15
    "latency.CalibrationResult",  # integrator: remove after merging h15
}


def _users() -> pd.DataFrame:
    return pd.DataFrame({"lat": [40.7, 51.5, 1.35], "lon": [-74.0, -0.1, 103.8]}, index=["ny", "ldn", "sg"])


FACTORIES: dict[str, Callable[[], Any]] = {
    "availability.MonteCarloResult": lambda: A.monte_carlo(A.series(0.9, 0.99), n_runs=3, seed=1),
    "availability.ArchitectureResult": lambda: A.single_instance(),
    "durability.LossResult": lambda: D.expected_losses(objects=10, durability=0.9),
    "durability.ErasureCodingResult": lambda: D.erasure_coding_loss(
        data_shards=4, parity_shards=2, shard_failure_rate_per_year=0.01, replace_days=1.0
    ),
    "durability.OneZoneResult": lambda: D.one_zone_loss(
        objects=10, az_loss_probability_per_year=0.001, durability=0.999
    ),
    "durability.CrossRegionResult": lambda: D.cross_region_replication_loss(
        region_loss_probabilities=[0.01, 0.02]
    ),
    "durability.EBSFailureResult": lambda: D.ebs_expected_failures(volumes=10),
    "latency.LatencyModel": lambda: L.LatencyModel(name="m"),
    "latency.CalibrationResult": lambda: L.CalibrationResult(
        model=L.LatencyModel(name="m"), residuals=pd.DataFrame({"n": [1]}), predictions=pd.DataFrame()
    ),
    "placement.PlacementResult": lambda: PL.optimize_placement(
        _users(), k=1, candidates=C.load_regions().loc[["us-east-1", "eu-west-1"]]
    ),
    "scaling.ScalingSummary": lambda: _scaling().summary,
    "scaling.ScalingResult": lambda: _scaling(),
}


def _scaling() -> S.ScalingResult:
    return S.simulate_autoscaling(S.daily_demand(days=1, freq="1h", seed=1), S.TargetTrackingPolicy())


def _key(cls: type) -> str:
    """``<public package>.<class>``: where the class is reached from, whatever file defines it."""
    return f"{cls.__module__.split('.')[1].lstrip('_')}.{cls.__name__}"


def _html_classes() -> dict[str, type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(cloudgeo.__path__, prefix="cloudgeo."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if isinstance(obj, type) and obj.__module__ == mod.__name__ and hasattr(obj, "_repr_html_"):
                found[_key(obj)] = obj
    return found


def _inject(obj: Any, depth: int = 0) -> Any:
    """Return a shallow copy of ``obj`` with the payload in every text field."""
    new = copy.copy(obj)
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, str):
            value = PAYLOAD + value
        elif isinstance(value, tuple | list) and value and all(isinstance(x, str) for x in value):
            value = type(value)(PAYLOAD + x for x in value)
        elif isinstance(value, dict) and value:
            value = {(PAYLOAD + k if isinstance(k, str) else k): v for k, v in value.items()}
        elif dataclasses.is_dataclass(value) and not isinstance(value, type) and depth < 2:
            value = _inject(value, depth + 1)
        else:
            continue
        object.__setattr__(new, f.name, value)
    return new


def test_every_repr_html_class_has_a_factory() -> None:
    found = _html_classes()
    assert set(found) == set(FACTORIES), (
        f"classes with _repr_html_ but no factory: {sorted(set(found) - set(FACTORIES))}; "
        f"factories for classes that are gone: {sorted(set(FACTORIES) - set(found))}"
    )
    for name, cls in found.items():
        assert dataclasses.is_dataclass(cls), f"{name}: the sweep injects text into dataclass fields"


def _render(name: str) -> str:
    obj = FACTORIES[name]()
    assert _key(type(obj)) == name
    out = _inject(obj)._repr_html_()
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_repr_html_escapes_user_text(name: str) -> None:
    out = _render(name)
    if name in KNOWN_FIXED_ELSEWHERE:
        return
    assert RAW not in out, f"{name}._repr_html_ inserts user text unescaped"
    assert 'onerror=alert(1)>"' not in out


def test_the_sweep_reaches_displayed_text() -> None:
    shown = sorted(n for n in FACTORIES if ESCAPED in _render(n) or RAW in _render(n))
    # classes without user text (ScalingSummary, ScalingResult: numbers only) cannot show it
    assert len(shown) >= 8, shown
