"""Shared readers of the catalogue's CSV tables: typed columns, problems collected, not raised.

Private to :mod:`cloudgeo.catalog`: reading a shipped or user CSV (every cell a string, empty
cells missing), coercing columns to float, bool and ISO dates while collecting every problem,
and turning a shipped file's validation failure into a :class:`~cloudgeo.errors.DataFileError`.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo._asof import resolve_as_of
from cloudgeo._data import data_path
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidTypeError,
)

# helpers
# --------------------------------------------------------------------------------------------


def _as_of(value: object) -> _dt.date:
    """Parse ``as_of`` (``None`` -> the catalogue's own date, :func:`catalog_date`)."""
    return resolve_as_of(value, "as_of")


def _as_code_list(codes: object, what: str) -> list[str]:
    if isinstance(codes, str):
        return [codes]
    if isinstance(codes, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        out = list(codes)
    else:
        msg = f"{what} must be a string or a sequence of strings, got {type(codes).__name__}."
        raise InvalidTypeError(msg)
    bad = [c for c in out if not isinstance(c, str)]
    if bad:
        msg = f"{what} must be strings; got non-string value(s) {bad[:5]!r}."
        raise InvalidTypeError(msg)
    return out


def _read_csv(name: str, path: Path | None = None) -> pd.DataFrame:
    """Read a CSV (shipped when ``path`` is None) with empty cells as missing, or raise DataFileError."""
    p = data_path(name) if path is None else path
    try:
        return pd.read_csv(p, keep_default_na=False, na_values=[""], dtype=str)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(name, [f"could not read {p}: {exc}"]) from None


def _to_float(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    s = pd.to_numeric(df[col], errors="coerce").astype("float64")
    bad = s.isna() & df[col].notna()
    if bad.any():
        problems.append(
            f"{col} is not a number in row(s) {list(df.index[bad][:5])}: {list(df[col][bad][:5])}"
        )
    return s


def _to_bool(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    if df[col].dtype == bool:
        return df[col].astype(bool)
    mapping = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    s = df[col].astype(str).str.strip().str.lower().map(mapping)
    bad = s.isna()
    if bad.any():
        problems.append(
            f"{col} must be True/False in row(s) {list(df.index[bad][:5])}: {list(df[col][bad][:5])}"
        )
    return s.eq(True)  # unparsed rows are reported above; eq, not fillna: no object downcast


def _to_date(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    """Parse ISO dates into datetime64[ns]; unparseable non-empty cells are problems."""
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.astype("datetime64[ns]")
    s = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    bad = s.isna() & raw.notna()
    if bad.any():
        problems.append(
            f"{col} is not an ISO date (YYYY-MM-DD) in row(s) {list(df.index[bad][:5])}: {list(raw[bad][:5])}"
        )
    return s.astype("datetime64[ns]")


def _shipped(name: str, parse: Callable[[pd.DataFrame, str], pd.DataFrame]) -> pd.DataFrame:
    """Read, parse and validate one shipped file; any failure becomes a DataFileError."""
    raw = _read_csv(name)
    try:
        return parse(raw, name)
    except DataFileError:
        raise
    except DataValidationError as exc:
        label = f"shipped data file {name}"
        raise DataFileError(label, exc.problems) from None


def _str_col(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].fillna("").astype(str) if col in df.columns else pd.Series("", index=df.index, dtype=str)


@dataclass(frozen=True)
class _UserTable:
    """A user's CSV read like the shipped table (lat/lon as float), with the problems found so far."""

    frame: pd.DataFrame
    problems: list[str]
    path: Path


def _read_user_table(path: object, validate: Callable[..., pd.DataFrame]) -> _UserTable:
    """Read a user's CSV, validate it like the shipped table, and coerce lat/lon to float."""
    if not isinstance(path, str | os.PathLike):
        msg = f"path must be a file path (str or pathlib.Path), got {type(path).__name__}."
        raise InvalidTypeError(msg)
    p = Path(path)
    raw = _read_csv(p.name, p)
    validate(raw, source=str(p))
    df = raw.copy()
    problems: list[str] = []
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    return _UserTable(df, problems, p)
