"""The exception hierarchy and the shared validation path (every message matched)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cloudgeo import _validate as v
from cloudgeo.errors import (
    CatalogDateError,
    CloudGeoError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
    close_matches,
)


def test_unknown_region_suggests_close_match_and_is_keyerror() -> None:
    err = UnknownRegionError("us-east-l", ["us-east-1", "us-east-2", "eu-west-1"])
    assert isinstance(err, KeyError)
    assert isinstance(err, CloudGeoError)
    assert "Did you mean 'us-east-1' or 'us-east-2'?" in str(err)
    assert str(err).startswith("unknown region code 'us-east-l'")
    with pytest.raises(KeyError, match=r"Did you mean 'us-east-1'"):
        raise err


def test_unknown_name_lists_few_options() -> None:
    err = UnknownNameError("model", "phys", ["physics", "calibrated"])
    assert "Valid values: calibrated, physics." in str(err)
    many = UnknownNameError("thing", "zz", [f"opt{i}" for i in range(20)])
    assert "There are 20 valid values" in str(many)


def test_close_matches_case_insensitive() -> None:
    assert close_matches("US-EAST-1", ["us-east-1", "eu-west-1"]) == ["us-east-1"]


def test_data_validation_error_lists_all_problems() -> None:
    err = DataValidationError("regions", [f"p{i}" for i in range(25)])
    assert isinstance(err, ValueError)
    assert "25 problem(s)" in str(err)
    assert "and 5 more problem(s)" in str(err)
    assert err.problems[0] == "p0"


def test_points_arrays_collects_every_problem() -> None:
    df = pd.DataFrame(
        {"lat": [10.0, np.nan, 120.0, 45.0], "lon": [0.0, 5.0, 45.0, np.inf]}, index=list("abcd")
    )
    with pytest.raises(DataValidationError, match="3 problem") as info:
        v.points_arrays(df, source="users")
    text = str(info.value)
    assert "lat is NaN (missing) in row(s) 'b'" in text
    assert "lat outside [-90, 90] in row(s) 'c' (values 120)" in text
    assert "are lat and lon swapped?" in text
    assert "lon is infinite in row(s) 'd'" in text


def test_points_arrays_types_columns_empty_and_weights() -> None:
    with pytest.raises(InvalidTypeError, match="users must be a pandas DataFrame, got list"):
        v.points_arrays([1, 2], source="users")
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['lon'\]"):
        v.points_arrays(pd.DataFrame({"lat": [1.0]}), source="users")
    with pytest.raises(DataValidationError, match="the table is empty"):
        v.points_arrays(pd.DataFrame({"lat": [], "lon": []}), source="users")
    df = pd.DataFrame({"lat": [1.0, 2.0], "lon": [1.0, 2.0], "w": [-1.0, np.nan]})
    with pytest.raises(DataValidationError, match="w is negative in row") as info:
        v.points_arrays(df, weight="w")
    assert "w is NaN or infinite" in str(info.value)
    with pytest.raises(DataValidationError, match="w sums to zero"):
        v.points_arrays(pd.DataFrame({"lat": [1.0], "lon": [1.0], "w": [0.0]}), weight="w")
    with pytest.raises(DataValidationError, match="column 'lat' must be numeric"):
        v.points_arrays(pd.DataFrame({"lat": ["north"], "lon": [1.0]}))


def test_points_arrays_returns_floats() -> None:
    la, _lo, w = v.points_arrays(pd.DataFrame({"lat": [1, 2], "lon": [3, 4], "w": [1, 2]}), weight="w")
    assert la.dtype == np.float64
    assert w is not None
    assert w.tolist() == [1.0, 2.0]


def test_scalar_checks() -> None:
    assert v.check_fraction(0.999, "availability") == 0.999
    with pytest.raises(InvalidInputError, match=r"It looks like a percentage: pass 0\.999 instead of 99\.9"):
        v.check_fraction(99.9, "availability")
    with pytest.raises(InvalidInputError, match=r"pass 0\.99999999999 instead of 99\.999999999\."):
        v.check_fraction(99.999999999, "durability")
    with pytest.raises(InvalidInputError, match=r"must be a fraction in \(0, 1\]"):
        v.check_fraction(0.0, "x", open_low=True)
    with pytest.raises(InvalidTypeError, match="x must be a real number, got '1'"):
        v.check_number("1", "x")
    with pytest.raises(InvalidTypeError, match="x must be a real number, got True"):
        v.check_number(True, "x")
    with pytest.raises(InvalidInputError, match="x must be finite, got nan"):
        v.check_number(float("nan"), "x")
    with pytest.raises(InvalidInputError, match="years must be > 0 years, got -1"):
        v.check_positive(-1, "years", "years")
    with pytest.raises(InvalidInputError, match="n must be >= 0, got -2"):
        v.check_nonnegative(-2, "n")
    with pytest.raises(InvalidTypeError, match=r"k must be an integer, got 1\.5"):
        v.check_int(1.5, "k")
    with pytest.raises(InvalidInputError, match="k must be >= 1, got 0"):
        v.check_int(0, "k", minimum=1)
    with pytest.raises(InvalidInputError, match="model must be one of 'a', 'b'; got 'c'"):
        v.check_choice("c", "model", ["a", "b"])


def test_parse_date() -> None:
    assert v.parse_date("2019-12-31") == dt.date(2019, 12, 31)
    assert v.parse_date(pd.Timestamp("2020-01-02 10:00")) == dt.date(2020, 1, 2)
    assert v.parse_date(dt.date(2021, 3, 1)) == dt.date(2021, 3, 1)
    with pytest.raises(CatalogDateError, match=r"as_of must be a date in ISO format YYYY-MM-DD.*'31/12"):
        v.parse_date("31/12/2019")
    with pytest.raises(CatalogDateError, match="got 2019"):
        v.parse_date(2019)
