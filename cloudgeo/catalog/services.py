"""S3/EBS storage classes (durability, annual failure rates) and AWS service SLAs.

Owns ``data/storage_classes.csv`` and ``data/slas.csv``: their parsing and validation,
:func:`load_storage_classes`, :func:`get_storage_class`, :func:`load_slas`, :func:`get_sla`.

References
----------
Amazon S3 User Guide, "Storage classes"; Amazon EC2 User Guide, "Amazon EBS volume types";
the AWS service SLA pages. See ``data/SOURCES.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from cloudgeo._validate import raise_if_problems
from cloudgeo.catalog._tables import _shipped, _str_col, _to_bool, _to_date, _to_float
from cloudgeo.errors import (
    InvalidTypeError,
    UnknownNameError,
)

__all__ = [
    "get_sla",
    "get_storage_class",
    "load_slas",
    "load_storage_classes",
]

# storage classes and SLAs
# --------------------------------------------------------------------------------------------

_STORAGE_COLUMNS = [
    "storage_class", "service", "name", "durability", "durability_low", "durability_high",
    "annual_failure_rate_low", "annual_failure_rate_high", "designed_availability", "az_count",
    "az_note", "min_storage_days", "min_billable_kb", "lost_if_az_destroyed", "source",
]  # fmt: skip


_FRACTION_COLUMNS = [
    "durability", "durability_low", "durability_high", "annual_failure_rate_low", "annual_failure_rate_high",
]  # fmt: skip


def _fraction_problems(
    df: pd.DataFrame, cols: Iterable[str], ids: pd.Series, *, allow_nan: bool
) -> list[str]:
    problems = []
    for col in cols:
        v = df[col]
        bad = ((v < 0) | (v > 1)).to_numpy() | (v.isna().to_numpy() & (not allow_nan))
        if bad.any():
            problems.append(f"{col} must be a fraction in [0, 1] for {list(ids[bad])}")
    return problems


def _parse_storage(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _STORAGE_COLUMNS if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    floats = [*_FRACTION_COLUMNS, "designed_availability", "min_storage_days", "min_billable_kb"]
    for col in floats:
        df[col] = _to_float(df, col, problems)
    df["az_count"] = pd.to_numeric(df["az_count"], errors="coerce")
    if (df["min_billable_kb"] % 1 != 0).any() or (df["min_billable_kb"] < 0).any():
        problems.append("min_billable_kb must be a non-negative integer")
    df["lost_if_az_destroyed"] = _to_bool(df, "lost_if_az_destroyed", problems)
    ids = _str_col(df, "storage_class")
    problems += _fraction_problems(df, _FRACTION_COLUMNS, ids, allow_nan=False)
    problems += _fraction_problems(df, ["designed_availability"], ids, allow_nan=True)
    if (df["durability_low"] > df["durability_high"]).any():
        problems.append("durability_low exceeds durability_high")
    if df["az_count"].isna().any() or (df["az_count"] < 1).any():
        problems.append("az_count must be a positive integer")
    if ids.duplicated().any():
        problems.append(f"duplicate storage_class id(s) {sorted(set(ids[ids.duplicated()]))}")
    raise_if_problems(source, problems)
    df["az_count"] = df["az_count"].astype("int64")
    df["min_billable_kb"] = df["min_billable_kb"].astype("int64")
    for col in ("storage_class", "service", "name", "az_note", "source"):
        df[col] = _str_col(df, col)
    df = df[_STORAGE_COLUMNS]
    df.index = pd.Index(df["storage_class"], name="storage_class")
    return df.drop(columns="storage_class")


@functools.lru_cache(maxsize=1)
def _storage_all() -> pd.DataFrame:
    return _shipped("storage_classes.csv", _parse_storage)


def load_storage_classes() -> pd.DataFrame:
    """Return the S3 storage classes and EBS volume types with their published design figures.

    Durability and availability are AWS's *design targets* (not SLAs; see :func:`load_slas`).

    Returns
    -------
    pandas.DataFrame
        Indexed by id (index name ``"storage_class"``: ``s3-standard``, ..., ``ebs-sc1``).
        Columns: ``service`` (``"S3"``/``"EBS"``), ``name``, ``durability`` (annual fraction;
        S3 0.99999999999 (11 nines), RRS 0.9999; EBS the low end of the documented range),
        ``durability_low``, ``durability_high`` (the documented range), ``annual_failure_rate_low``,
        ``annual_failure_rate_high`` (annual fraction of volumes (EBS) or objects (S3, 1 -
        durability) lost), ``designed_availability`` (fraction; NaN for EBS, which publishes none),
        ``az_count`` (int: 3 for ">= 3 AZs", 1 for one-zone classes and EBS), ``az_note``,
        ``min_storage_days`` [days] (0 = none), ``min_billable_kb`` [KB]
        (0 = none), ``lost_if_az_destroyed`` (bool), ``source``.

    References
    ----------
    Amazon S3 User Guide, "Storage classes" comparison table; Amazon EC2 User Guide, "Amazon
    EBS volume types" (durability and AFR). See ``data/SOURCES.md``.
    """
    return _storage_all().copy()


def _norm_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _row(df: pd.DataFrame, key: Any) -> pd.Series:
    pos = df.index.get_loc(key)
    assert isinstance(pos, int)
    return df.iloc[pos].copy()


def _get_by_id(df: pd.DataFrame, key: object, kind: str, extra_names: pd.Series | None = None) -> pd.Series:
    if not isinstance(key, str):
        msg = f"{kind} id must be a string, got {key!r} ({type(key).__name__})."
        raise InvalidTypeError(msg)
    if key in df.index:
        return _row(df, key)
    wanted = _norm_name(key)
    by_norm = {_norm_name(str(i)): i for i in df.index}
    if extra_names is not None:
        by_norm.update({_norm_name(str(n)): i for i, n in extra_names.items()})
    if wanted in by_norm:
        return _row(df, by_norm[wanted])
    raise UnknownNameError(kind, key, df.index)


def get_storage_class(storage_class: str) -> pd.Series:
    """Return one storage class by id (``"s3-standard"``) or name (``"S3 Standard"``, any case).

    Parameters
    ----------
    storage_class : str
        Id or display name.

    Returns
    -------
    pandas.Series
        The row of :func:`load_storage_classes` (name = the id).

    Raises
    ------
    UnknownNameError
        If no class matches (the message suggests close matches).
    """
    df = _storage_all()
    return _get_by_id(df, storage_class, "storage class", df["name"])


_SLA_COLUMNS = ["sla", "service", "scope", "commitment", "measured", "last_updated", "confidence", "source"]


def _parse_slas(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _SLA_COLUMNS if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    df["commitment"] = _to_float(df, "commitment", problems)
    df["last_updated"] = _to_date(df, "last_updated", problems)
    ids = _str_col(df, "sla")
    problems += _fraction_problems(df, ["commitment"], ids, allow_nan=False)
    if not df["measured"].isin(["period", "request"]).all():
        problems.append("measured must be 'period' or 'request'")
    if not df["confidence"].isin(["high", "medium", "low"]).all():
        problems.append("confidence must be high, medium or low")
    if ids.duplicated().any():
        problems.append(f"duplicate sla id(s) {sorted(set(ids[ids.duplicated()]))}")
    raise_if_problems(source, problems)
    for col in ("sla", "service", "scope", "measured", "confidence", "source"):
        df[col] = _str_col(df, col)
    df = df[_SLA_COLUMNS]
    df.index = pd.Index(df["sla"], name="sla")
    return df.drop(columns="sla")


@functools.lru_cache(maxsize=1)
def _slas_all() -> pd.DataFrame:
    return _shipped("slas.csv", _parse_slas)


def load_slas() -> pd.DataFrame:
    """Return AWS service SLA commitments (monthly uptime; service credits if missed).

    Returns
    -------
    pandas.DataFrame
        Indexed by id (index name ``"sla"``: ``ec2-region``, ``ec2-instance``, ``ebs-region``,
        ``ebs-volume``, ``elb-multi-az``, ``elb-single-az``, ``rds-multi-az``, ``rds-single``,
        ``aurora-multi-az``, ``aurora-single-az``, ``route53``, ``route53-resolver-multi-az``,
        ``route53-resolver-single-az``, ``cloudfront``, ``s3-*``, ``lambda``, ``api-gateway``,
        ``dynamodb``, ``dynamodb-global-tables``). Columns: ``service``, ``scope``,
        ``commitment`` (monthly uptime, fraction), ``measured`` (``"period"``: share of time
        available; ``"request"``: 1 - error rate), ``last_updated`` (datetime64[ns]; NaT when
        unknown), ``confidence`` (high/medium/low), ``source``.

    References
    ----------
    AWS SLA pages (aws.amazon.com/<service>/sla), versions named in ``last_updated``; Lambda,
    API Gateway and DynamoDB from the cloudonaut.io table of 2019-01-31. See ``data/SOURCES.md``.
    """
    return _slas_all().copy()


def get_sla(sla: str) -> pd.Series:
    """Return one SLA by id (``"ec2-region"``), case-insensitively.

    Parameters
    ----------
    sla : str
        SLA id.

    Returns
    -------
    pandas.Series
        The row of :func:`load_slas` (name = the id).

    Raises
    ------
    UnknownNameError
        If the id is unknown (the message suggests close matches).
    """
    return _get_by_id(_slas_all(), sla, "SLA")
