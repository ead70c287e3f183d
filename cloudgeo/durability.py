"""Annual object-loss models: published per-class figures, erasure coding, replication, AZ loss.

Every quantity here is a probability per object per year (``loss_probability_per_year``,
``q = 1 - D`` with ``D`` the annual durability), an expected count, or a time in years.

What is modelled
----------------
* :func:`expected_losses` — from a published durability (``durability=0.99999999999`` or a
  catalogue storage class): expected objects lost, probability of losing any, mean years between
  losses, number of nines, and the Poisson distribution of the loss count. Computed with
  ``log1p``/``expm1`` so it stays exact down to ``q = 1e-20`` and up to ``1e15`` objects.
* :func:`erasure_coding_loss` / :func:`replication_loss` — how an annual loss probability
  follows from shard (or copy) failure rates and repair time, with three *named* models: the
  Backblaze fixed-window model and a continuous-time Markov chain with parallel or serial
  repair. For the same inputs these differ by up to ~24x (17+3 shards), so the model is always
  explicit.
* :func:`one_zone_loss` — single-AZ classes (S3 One Zone-IA, Express One Zone): device-level
  loss plus a user-supplied probability that the Availability Zone is destroyed, with a
  breakdown showing which term dominates.
* :func:`cross_region_replication_loss` — copies in two (or more) regions, independent or with a
  common-cause (beta-factor) share.
* :func:`ebs_expected_failures` — expected failed EBS volumes in a fleet from AWS's published
  annual failure rate range.

Conventions
-----------
* Durabilities and probabilities are fractions in [0, 1]; ``99.999999999`` (a percentage) is
  refused with a message suggesting ``0.99999999999``.
* A durability given as a float is read by its shortest decimal representation, i.e. as the
  user typed it: ``durability=0.99999999999`` means ``q = 1e-11`` exactly, not the
  ``1.0000000827e-11`` that ``1 - 0.99999999999`` gives in binary floating point. For loss
  probabilities below ~1e-15 pass ``loss_probability_per_year=`` instead (``1 - 1e-20`` is not
  representable as a double).

References
----------
.. [1] Amazon S3 User Guide, "Data protection in Amazon S3" / storage classes: 11 nines design
   durability; 10,000,000 objects -> on average one lost every 10,000 years.
.. [2] Backblaze, "Backblaze Durability Calculates at 99.999999999% — And Why It Doesn't
   Matter" (blog, July 2018) and repository ``Backblaze/erasure-coding-durability``
   (README.md, calculation.ipynb, durability.py): fixed-window erasure-coding model and the
   count-of-nines definition.
.. [3] D. A. Patterson, G. Gibson, R. H. Katz, "A Case for Redundant Arrays of Inexpensive Disks
   (RAID)", SIGMOD 1988 (MTTDL of redundant arrays); K. M. Greenan, J. S. Plank, J. J. Wylie,
   "Mean time to meaningless: MTTDL, Markov models, and storage system reliability",
   HotStorage 2010 (birth-death chains on the number of failed units).
.. [4] Amazon EFS User Guide, "Availability and durability" and Amazon S3 storage classes:
   One Zone classes lose data if the Availability Zone is destroyed; AWS publishes no
   probability for that.
.. [5] Amazon EBS User Guide, "Amazon EBS volume types": durability and annual failure rate
   (AFR) ranges per volume type.
.. [6] IEC 61508-6 Annex D / the beta-factor common-cause model (a fraction beta of a
   component's failure probability is a common cause that hits all redundant copies).
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative,
    check_number,
    check_positive,
    numeric_array,
)
from cloudgeo.errors import InvalidInputError, InvalidTypeError

if TYPE_CHECKING:
    from scipy.stats._distn_infrastructure import rv_discrete_frozen

__all__ = [
    "EC_MODELS",
    "MAX_SHARDS",
    "MAX_SHARD_FAILURE_RATE_PER_YEAR",
    "REPLACE_DAYS_RANGE",
    "YEAR_DAYS_RANGE",
    "CrossRegionResult",
    "EBSFailureResult",
    "ErasureCodingResult",
    "LossResult",
    "OneZoneResult",
    "cross_region_replication_loss",
    "durability_from_nines",
    "ebs_expected_failures",
    "erasure_coding_loss",
    "expected_losses",
    "format_one_in",
    "loss_probability_from_durability",
    "nines",
    "one_zone_loss",
    "replication_loss",
    "shard_failure_rate_from_drive_afr",
]

#: Model names accepted by :func:`erasure_coding_loss` and :func:`replication_loss`.
EC_MODELS: tuple[str, ...] = ("backblaze", "markov-parallel", "markov-serial")

FloatOrArray = float | npt.NDArray[np.float64]

#: Most shards (D + P) :func:`erasure_coding_loss` accepts: Reed-Solomon over GF(2^8) allows
#: at most 255 (Plank, "A tutorial on Reed-Solomon coding", 1997); larger counts only make
#: the log-space sum and the matrix exponential slow. [count]
MAX_SHARDS = 1000
#: Largest shard failure rate accepted (one failure every ~30 s); beyond it the models
#: overflow to NaN. [1/yr]
MAX_SHARD_FAILURE_RATE_PER_YEAR = 1e6
#: Shortest and longest replace (repair) time accepted: ~0.1 s to ~2,700 years. [d]
REPLACE_DAYS_RANGE = (1e-6, 1e6)
#: Accepted range of ``year_days`` (days per year; 365 or 365.25 in practice). [d]
YEAR_DAYS_RANGE = (1.0, 1000.0)

# --------------------------------------------------------------------------------------------
# small helpers: validation, formatting, HTML
# --------------------------------------------------------------------------------------------


def _check_fraction(value: object, name: str) -> float:
    """Fraction in [0, 1]; a percentage gets a suggestion printed in full decimal precision."""
    v = check_number(value, name)
    if 1 < v <= 100:
        suggestion = format((Decimal(repr(v)) / 100).normalize(), "f")
        msg = (
            f"{name} must be a fraction in [0, 1], got {value!r}. It looks like a percentage: "
            f"pass {suggestion} instead of {value!r}."
        )
        raise InvalidInputError(msg)
    return check_fraction(v, name)


def loss_probability_from_durability(durability: float) -> float:
    """Return ``q = 1 - durability`` computed from the decimal the user typed.

    ``1 - 0.99999999999`` in binary floating point is ``1.0000000827e-11``; this function reads
    the float by its shortest decimal representation (``repr``) and subtracts in decimal, so the
    result is ``1e-11``, the figure the durability states.

    Parameters
    ----------
    durability : float
        Annual durability, a fraction in [0, 1] (``0.99999999999`` for 11 nines). [fraction]

    Returns
    -------
    float
        Annual loss probability per object. [1/yr]

    Raises
    ------
    InvalidInputError
        If ``durability`` is outside [0, 1] (a percentage such as ``99.999999999`` is named as
        such, with the fraction to pass instead).
    """
    d = _check_fraction(durability, "durability")
    return float(Decimal(1) - Decimal(repr(d)))


def _nines_from_q(q: float) -> float:
    """Backblaze's count of nines: the number of k >= 1 with 10^-k >= q (inf for q = 0)."""
    if q <= 0.0:
        return math.inf
    k = 0
    # float("1e-N") is the double nearest to 10^-N, the same double a user gets by typing it,
    # so q = 1e-11 (from durability 0.99999999999) counts exactly 11 nines.
    while k < 400 and float(f"1e-{k + 1}") >= q:
        k += 1
    return k


def nines(durability: float | None = None, *, loss_probability: float | None = None) -> float:
    """Count the nines of a durability the way Backblaze does.

    The count is the number of leading 9s after the decimal point of ``D`` — exactly, the
    number of integers ``k >= 1`` with ``10**-k >= q`` where ``q = 1 - D``. So ``q = 1e-11``
    gives 11, ``q = 7.354e-12`` gives 11, ``q = 1.5e-7`` gives 6, ``q >= 0.1`` gives 0. At an
    exact power of ten the comparison is against the double nearest to ``10**-k`` (the value a
    user gets by typing ``1e-11``), and a durability is converted with
    :func:`loss_probability_from_durability`, so ``nines(0.99999999999) == 11``.

    Parameters
    ----------
    durability : float, optional
        Annual durability, a fraction in [0, 1]. [fraction]
    loss_probability : float, optional
        Annual loss probability ``q`` instead of the durability (use it below ~1e-15). [1/yr]

    Returns
    -------
    float
        Number of nines: an ``int`` value, or ``math.inf`` when ``q == 0``. [count]

    Raises
    ------
    InvalidInputError
        Unless exactly one of the two arguments is given, or if it is outside [0, 1].

    References
    ----------
    .. [1] Backblaze/erasure-coding-durability, ``durability.py`` (``count_nines``).
    """
    q = _one_q(durability, None, loss_probability, allow_catalog=False)
    return _nines_from_q(q)


def durability_from_nines(n: float) -> float:
    """Return the durability with ``n`` nines, ``1 - 10**-n``.

    Parameters
    ----------
    n : float
        Number of nines (may be fractional, e.g. 3.5). [count]

    Returns
    -------
    float
        Durability as a fraction: ``durability_from_nines(11) == 0.99999999999``. [fraction]

    Raises
    ------
    InvalidInputError
        If ``n`` is negative or not finite.
    """
    v = check_nonnegative(n, "n")
    if float(v).is_integer():
        return float(Decimal(1) - Decimal(10) ** -int(v))
    return float(-math.expm1(-v * math.log(10.0)) if v < 1 else 1.0 - 10.0**-v)


_SCALE_WORDS = (
    (1e21, "sextillion"),
    (1e18, "quintillion"),
    (1e15, "quadrillion"),
    (1e12, "trillion"),
    (1e9, "billion"),
    (1e6, "million"),
)


def format_one_in(x: float) -> str:
    """Format a large count for "1 in N" phrases: ``10,000``, ``136 billion``.

    Parameters
    ----------
    x : float
        The count (e.g. ``1 / q`` or mean years between losses). [count]

    Returns
    -------
    str
        Three significant figures; thousands separators below a million, short-scale words up
        to sextillion, scientific notation beyond.

    Raises
    ------
    InvalidTypeError
        If ``x`` is not a real number.
    InvalidInputError
        If ``x`` is NaN or negative.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        msg = f"x must be a count >= 0 or inf, got {x!r} ({type(x).__name__})."
        raise InvalidTypeError(msg)
    if math.isnan(x) or x < 0:
        msg = f"x must be a count >= 0 or inf, got {x!r}."
        raise InvalidInputError(msg)
    if not math.isfinite(x):
        return "infinitely many"
    if x >= 1e24 * 0.9995:  # 9.9995e23 rounds to 1e+24, not "1000 sextillion"
        return f"{x:.3g}"
    for scale, word in _SCALE_WORDS:
        if x >= scale * 0.9995:
            return f"{float(f'{x / scale:.3g}'):g} {word}"
    r = float(f"{x:.3g}")
    return f"{r:,.0f}" if r >= 100 else f"{r:g}"


def _fmt(x: float) -> str:
    if isinstance(x, (int, np.integer)) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{x:,.0f}"
    if not math.isfinite(x):
        return "inf" if x > 0 else str(x)
    return f"{x:.4g}"


def _html_table(title: str, rows: Sequence[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<tr><td style='text-align:left'>{html.escape(a)}</td><td>{html.escape(b)}</td>"
        f"<td style='text-align:left'>{html.escape(c)}</td></tr>"
        for a, b, c in rows
    )
    return (
        f"<table><caption style='text-align:left'><b>{html.escape(title)}</b></caption>"
        "<thead><tr><th>quantity</th><th>value</th><th>in words</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _odds_text(q: float) -> str:
    if q <= 0:
        return "never"
    if q >= 1:
        return "certain"
    return f"1 in {format_one_in(1.0 / q)} per year"


def _interval_text(rate_per_year: float) -> str:
    if rate_per_year <= 0:
        return "no losses expected"
    if rate_per_year < 1:
        return f"1 in {format_one_in(1.0 / rate_per_year)} years"
    return f"{rate_per_year:,.3g} per year"


def _one_q(
    durability: object,
    storage_class: object,
    loss_probability: object,
    *,
    allow_catalog: bool = True,
    loss_name: str = "loss_probability",
) -> float:
    """Return the annual loss probability from exactly one of the three ways to give it."""
    given = [n for n, v in (("durability", durability), (loss_name, loss_probability)) if v is not None]
    if allow_catalog and storage_class is not None:
        given.append("storage_class")
    if len(given) != 1:
        names = "durability, " + ("storage_class, " if allow_catalog else "") + loss_name
        got = ", ".join(given) if given else "none"
        msg = f"give exactly one of {names}; got {got}."
        raise InvalidInputError(msg)
    if durability is not None:
        return loss_probability_from_durability(durability)  # type: ignore[arg-type]
    if loss_probability is not None:
        return _check_fraction(loss_probability, loss_name)
    return _storage_class_q(storage_class)[0]


def _storage_class_row(storage_class: object) -> pd.Series:
    if not isinstance(storage_class, str):
        msg = f"storage_class must be a catalogue id string such as 's3-standard', got {storage_class!r}."
        raise InvalidTypeError(msg)
    from cloudgeo import catalog  # loaded only when needed

    row: pd.Series = catalog.get_storage_class(storage_class)
    return row


def _storage_class_q(storage_class: object) -> tuple[float, str]:
    """Loss probability and a note for a catalogue storage class."""
    row = _storage_class_row(storage_class)
    d = row.get("durability")
    if d is None or pd.isna(d):
        lo, hi = row.get("durability_low"), row.get("durability_high")
        msg = (
            f"storage class {storage_class!r} publishes no single durability"
            + (f" (range {lo}-{hi})" if lo is not None and not pd.isna(lo) else "")
            + "; pass durability= explicitly (for EBS volumes see ebs_expected_failures)."
        )
        raise InvalidInputError(msg)
    q = loss_probability_from_durability(float(d))
    note = f"storage class {storage_class!r} (designed-for durability {float(d)!r}"
    src = row.get("source")
    note += f"; source {src})" if src is not None and not pd.isna(src) else ")"
    lost = row.get("lost_if_az_destroyed")
    if lost is not None and not pd.isna(lost) and bool(lost):
        note += (
            "; this class keeps data in one Availability Zone and the figure excludes the loss of "
            "that AZ: use one_zone_loss(az_loss_probability_per_year=...)"
        )
    return q, note


def _nonneg_values(value: object, name: str) -> tuple[FloatOrArray, pd.Index | None]:
    """Validate a non-negative finite scalar or array (list, ndarray, Series); keep a Series index."""
    index = value.index if isinstance(value, pd.Series) else None
    arr = np.array(numeric_array(value, name), dtype=np.float64)  # the one numeric coercion rule
    if arr.ndim == 0:
        return check_nonnegative(float(arr), name), None
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        where = np.flatnonzero(bad.ravel())[:5].tolist()
        msg = f"{name} must be finite and >= 0; got {arr.ravel()[where].tolist()} at position(s) {where}."
        raise InvalidInputError(msg)
    return arr, index


# --------------------------------------------------------------------------------------------
# expected losses from a published durability
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LossResult:
    """Expected object losses for a stored population at a given annual durability.

    Objects are assumed independent, each lost in a year with probability ``q``; the population
    is kept at ``objects`` (lost objects are re-stored).

    Attributes
    ----------
    objects : float or numpy.ndarray
        Number of stored objects. [count]
    years : float or numpy.ndarray
        Time horizon. [yr]
    annual_loss_probability : float
        ``q = 1 - D``, probability that one object is lost in a year. [1/yr]
    durability : float
        ``D``, annual durability. [fraction]
    expected_losses : float or numpy.ndarray
        ``objects * q * years``. [objects]
    probability_any_loss : float or numpy.ndarray
        ``1 - D**(objects * years)``, computed as ``-expm1(objects*years*log1p(-q))``. [fraction]
    mean_years_between_losses : float or numpy.ndarray
        ``1 / (objects * q)``; ``inf`` when nothing can be lost. [yr]
    nines : float
        Backblaze count of nines of ``D`` (see :func:`nines`). [count]
    source : str
        Where ``q`` came from (a durability, a loss probability or a catalogue storage class).
    notes : str
        Caveats (e.g. single-AZ classes exclude AZ destruction).
    """

    objects: FloatOrArray
    years: FloatOrArray
    annual_loss_probability: float
    durability: float
    expected_losses: FloatOrArray
    probability_any_loss: FloatOrArray
    mean_years_between_losses: FloatOrArray
    nines: float
    source: str = ""
    notes: str = ""
    index: pd.Index | None = field(default=None, repr=False)

    @property
    def loss_probability_per_year(self) -> float:
        """Return :attr:`annual_loss_probability` (an alias). [1/yr]."""
        return self.annual_loss_probability

    @property
    def loss_distribution(self) -> rv_discrete_frozen:
        """Poisson distribution of the number of objects lost over the horizon.

        Its mean is :attr:`expected_losses`; ``loss_distribution.sf(0)`` equals
        ``1 - exp(-N q T)``, which agrees with :attr:`probability_any_loss` to relative order
        ``q`` (the rare-event limit of the binomial). [objects]
        """
        from scipy import stats

        return stats.poisson(self.expected_losses)

    @property
    def object_loss_odds_text(self) -> str:
        """Per-object loss odds in words, e.g. ``"1 in 100 billion per year"``."""
        return _odds_text(self.annual_loss_probability)

    @property
    def loss_interval_text(self) -> str:
        """How often the population loses an object, e.g. ``"1 in 10,000 years"``."""
        rate = np.asarray(self.objects, dtype=float) * self.annual_loss_probability
        if rate.ndim:
            return "; ".join(_interval_text(float(r)) for r in rate.ravel())
        return _interval_text(float(rate))

    def to_frame(self) -> pd.DataFrame:
        """One row per (objects, years) case, for plots. Keeps the index of an ``objects`` Series.

        Returns
        -------
        pandas.DataFrame
            Columns ``objects``, ``years``, ``annual_loss_probability``, ``durability``,
            ``expected_losses``, ``probability_any_loss``, ``mean_years_between_losses``,
            ``nines``.
        """
        cols = {
            "objects": self.objects,
            "years": self.years,
            "expected_losses": self.expected_losses,
            "probability_any_loss": self.probability_any_loss,
            "mean_years_between_losses": self.mean_years_between_losses,
        }
        arrays = np.broadcast_arrays(*[np.atleast_1d(np.asarray(v, dtype=float)) for v in cols.values()])
        data: dict[str, Any] = dict(zip(cols, arrays, strict=True))
        n = len(arrays[0])
        data["annual_loss_probability"] = np.full(n, self.annual_loss_probability)
        data["durability"] = np.full(n, self.durability)
        data["nines"] = np.full(n, self.nines)
        order = [
            "objects",
            "years",
            "annual_loss_probability",
            "durability",
            "expected_losses",
            "probability_any_loss",
            "mean_years_between_losses",
            "nines",
        ]
        index = self.index if self.index is not None and len(self.index) == n else None
        return pd.DataFrame({k: data[k] for k in order}, index=index)

    def summary(self) -> pd.DataFrame:
        """Return a long table ``quantity, value, unit, text`` (scalar inputs; first case of arrays)."""
        first = self.to_frame().iloc[0]
        q = self.annual_loss_probability
        rows = [
            ("objects", first["objects"], "objects", ""),
            ("years", first["years"], "yr", ""),
            ("annual_loss_probability", q, "1/yr", self.object_loss_odds_text),
            ("durability", self.durability, "fraction", f"{_fmt(self.nines)} nines"),
            ("expected_losses", first["expected_losses"], "objects", ""),
            ("probability_any_loss", first["probability_any_loss"], "fraction", ""),
            (
                "mean_years_between_losses",
                first["mean_years_between_losses"],
                "yr",
                _interval_text(float(first["objects"]) * q),
            ),
        ]
        return pd.DataFrame(rows, columns=["quantity", "value", "unit", "text"])

    def _repr_html_(self) -> str:
        """Small HTML table for notebooks."""
        if np.ndim(self.objects) or np.ndim(self.years):
            return f"<b>Expected object losses</b> ({html.escape(self.source)})" + self.to_frame().to_html()
        s = self.summary()
        rows = [
            (f"{qn} [{unit}]", _fmt(float(val)), str(text)) for qn, val, unit, text in s.to_numpy().tolist()
        ]
        title = f"Expected object losses ({self.source})"
        note = f"<p>{html.escape(self.notes)}</p>" if self.notes else ""
        return _html_table(title, rows) + note


def _check_exposure(count: Any, years: Any, count_name: str) -> None:
    """Refuse ``count x years`` beyond the float range (expected counts would be inf)."""
    with np.errstate(over="ignore"):
        product = np.multiply(count, years)
    if not np.all(np.isfinite(product)):
        msg = (
            f"{count_name} x years exceeds the float range (~1.8e308), so expected counts would be "
            f"infinite; pass smaller {count_name} or years."
        )
        raise InvalidInputError(msg)


def expected_losses(
    *,
    objects: float | Sequence[float] | npt.ArrayLike,
    durability: float | None = None,
    storage_class: str | None = None,
    loss_probability_per_year: float | None = None,
    years: float | npt.ArrayLike = 1.0,
) -> LossResult:
    """Compute expected object losses, probability of any loss and nines for a stored population.

    ``expected_losses = N q T``; ``probability_any_loss = 1 - D**(N T)`` computed as
    ``-expm1(N T log1p(-q))`` (the naive form returns 0 at 11 nines);
    ``mean_years_between_losses = 1 / (N q)``. Accurate to ~1e-15 relative for ``q`` down to
    ``1e-20`` and ``N`` up to ``1e15``.

    Parameters
    ----------
    objects : float or array-like
        Number of stored objects; an array (or Series, whose index is kept in
        :meth:`LossResult.to_frame`) gives one case per element. [count]
    durability : float, optional
        Annual durability as a fraction (``0.99999999999``; not ``99.999999999``). [fraction]
    storage_class : str, optional
        Catalogue id (``"s3-standard"``, ``"s3-one-zone-ia"``, ...); its designed-for durability
        is used. [-]
    loss_probability_per_year : float, optional
        ``q`` directly (use for q below ~1e-15). [1/yr]
    years : float or array-like, default 1.0
        Horizon; broadcasts against ``objects``. [yr]

    Returns
    -------
    LossResult
        See :class:`LossResult`.

    Raises
    ------
    InvalidInputError
        Unless exactly one of ``durability``, ``storage_class``, ``loss_probability_per_year``
        is given; for probabilities outside [0, 1] (percentages named as such), negative or
        non-finite ``objects`` or ``years``.
    UnknownNameError
        For an unknown storage class (close matches suggested).

    References
    ----------
    .. [1] Amazon S3 User Guide, data durability: 10,000,000 objects at 99.999999999 % ->
       one object lost every 10,000 years on average.

    Examples
    --------
    >>> r = expected_losses(objects=10_000_000, durability=0.99999999999)
    >>> r.loss_interval_text
    '1 in 10,000 years'
    """
    q = _one_q(
        durability,
        storage_class,
        loss_probability_per_year,
        loss_name="loss_probability_per_year",
    )
    notes = ""
    if storage_class is not None:
        source = f"storage_class={storage_class!r}"
        notes = _storage_class_q(storage_class)[1]
    elif durability is not None:
        source = f"durability={float(durability)!r}"
    else:
        source = f"loss_probability_per_year={q!r}"
    n, index = _nonneg_values(objects, "objects")
    t, t_index = _nonneg_values(years, "years")
    index = index if index is not None else t_index
    try:
        np.broadcast_shapes(np.shape(n), np.shape(t))
    except ValueError:
        msg = (
            f"objects (shape {np.shape(n)}) and years (shape {np.shape(t)}) do not broadcast; pass "
            "arrays of the same length, or one of them as a single number."
        )
        raise InvalidInputError(msg) from None
    _check_exposure(n, t, "objects")
    nt = np.multiply(n, t)
    el = nt * q
    with np.errstate(divide="ignore", over="ignore"):
        log1m = math.log1p(-q) if q < 1 else -math.inf
        expo = np.where(nt > 0, nt * log1m, 0.0) if np.ndim(nt) else (nt * log1m if nt > 0 else 0.0)
        p_any = 0.0 - np.expm1(expo)  # 0.0 - x, not -x: no -0.0 when nothing can be lost
        rate = np.multiply(n, q)
        mean_between = np.where(rate > 0, 1.0 / np.where(rate > 0, rate, 1.0), np.inf)

    def _out(x: Any) -> FloatOrArray:
        a = np.asarray(x, dtype=np.float64)
        return float(a) if a.ndim == 0 else a

    return LossResult(
        objects=n,
        years=t,
        annual_loss_probability=q,
        durability=float(durability) if durability is not None else 1.0 - q,
        expected_losses=_out(el),
        probability_any_loss=_out(p_any),
        mean_years_between_losses=_out(mean_between),
        nines=_nines_from_q(q),
        source=source,
        notes=notes,
        index=index,
    )


# --------------------------------------------------------------------------------------------
# erasure coding and replication
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureCodingResult:
    """Annual loss of an erasure-coded (or replicated) object under a named model.

    Attributes
    ----------
    model : str
        ``"backblaze"``, ``"markov-parallel"`` or ``"markov-serial"``.
    data_shards, parity_shards : int
        D and P; the object survives while at most P of the D + P shards are failed. [count]
    shard_failure_rate_per_year : float
        Failure rate of one shard. [1/yr]
    replace_days : float
        Time to replace (rebuild) a failed shard: the window length (backblaze) or the mean
        repair time (Markov). [d]
    year_days : float
        Length of the year used for rates. [d]
    loss_probability_per_year : float
        Annual loss probability ``q``. For the Markov models ``1 - exp(-1 yr / MTTDL)``
        (steady-state loss rate). [1/yr]
    durability : float
        ``1 - q``. [fraction]
    nines : float
        Count of nines of the durability (:func:`nines`). [count]
    mttdl_years : float
        Mean time to data loss: the exact first-passage time of the Markov chain from the
        all-healthy state, or, for the backblaze model, the mean waiting time for the first
        period with a loss (``period / L``). [yr]
    loss_probability_per_period : float or None
        backblaze only: ``L``, loss probability in one replacement window. [1/period]
    periods_per_year : float or None
        backblaze only: ``n = year_days / replace_days`` (fractional allowed). [1/yr]
    shard_failure_probability_per_period : float or None
        backblaze only: ``p = 1 - exp(-A R / year_days)``. [1/period]
    loss_probability_first_year_from_healthy : float or None
        Markov only: exact probability of absorption in the first year starting with every
        shard healthy (absorbing-state entry of the matrix exponential of the chain; relative
        accuracy ~1e-11). Slightly below ``loss_probability_per_year`` because the
        chain starts with no failed shard. [1/yr]
    """

    model: str
    data_shards: int
    parity_shards: int
    shard_failure_rate_per_year: float
    replace_days: float
    year_days: float
    loss_probability_per_year: float
    durability: float
    nines: float
    mttdl_years: float
    loss_probability_per_period: float | None = None
    periods_per_year: float | None = None
    shard_failure_probability_per_period: float | None = None
    loss_probability_first_year_from_healthy: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy DataFrame of every field (for concatenating cases and plotting)."""
        return pd.DataFrame([{k: getattr(self, k) for k in self.__dataclass_fields__}])

    def summary(self) -> pd.DataFrame:
        """Long table ``quantity, value, unit, text``."""
        q = self.loss_probability_per_year
        rows: list[tuple[str, object, str, str]] = [
            ("model", self.model, "", ""),
            ("shards", f"{self.data_shards}+{self.parity_shards}", "data+parity", ""),
            ("shard_failure_rate_per_year", self.shard_failure_rate_per_year, "1/yr", ""),
            ("replace_days", self.replace_days, "d", ""),
            ("loss_probability_per_year", q, "1/yr", _odds_text(q)),
            ("durability", self.durability, "fraction", f"{_fmt(self.nines)} nines"),
            ("mttdl_years", self.mttdl_years, "yr", ""),
        ]
        if self.loss_probability_per_period is not None:
            rows.append(("loss_probability_per_period", self.loss_probability_per_period, "1/period", ""))
        if self.loss_probability_first_year_from_healthy is not None:
            rows.append(
                (
                    "loss_probability_first_year_from_healthy",
                    self.loss_probability_first_year_from_healthy,
                    "1/yr",
                    "",
                )
            )
        return pd.DataFrame(rows, columns=["quantity", "value", "unit", "text"])

    def _repr_html_(self) -> str:
        """Small HTML table for notebooks."""
        rows = [
            (
                f"{qn} [{unit}]" if unit else str(qn),
                _fmt(val) if isinstance(val, (int, float)) else str(val),
                str(text),
            )
            for qn, val, unit, text in self.summary().to_numpy().tolist()
        ]
        return _html_table(f"Erasure-coding loss ({self.model})", rows)


def shard_failure_rate_from_drive_afr(drive_afr: float, *, afr_is: str = "rate") -> float:
    """Convert a drive annual failure rate to the shard failure rate the models take.

    A shard lives on one drive, so it fails when that drive fails: with declustered placement
    (the shards of one object on different drives, as in Backblaze Vaults and S3) the shard
    failure rate *equals* the drive failure rate. Backblaze's published AFR (failures per
    drive-year, e.g. 0.405 % = 0.00405) is already a rate and passes through unchanged. An AFR
    stated as a *probability* that a drive fails within a year converts to the rate
    ``-ln(1 - AFR)``. The repair time of the models is then the time to re-create the lost
    shard elsewhere (detection + rebuild), not the time to swap the drive; other shard-loss
    channels (unrecoverable read errors, host or rack loss) add to the rate and are not
    included.

    Parameters
    ----------
    drive_afr : float
        Drive annual failure rate as a fraction (0.00405 for 0.405 %). [1/yr or fraction]
    afr_is : {"rate", "probability"}, default "rate"
        Whether ``drive_afr`` is failures per drive-year or a one-year failure probability.

    Returns
    -------
    float
        Shard failure rate. [1/yr]

    Raises
    ------
    InvalidInputError
        For a negative rate, a probability outside [0, 1) or an unknown ``afr_is``.

    References
    ----------
    .. [1] Backblaze/erasure-coding-durability, issue #4 (where the shard failure rate comes
       from); Backblaze drive-stats AFR = failures / drive-years.
    """
    kind = check_choice(afr_is, "afr_is", ("rate", "probability"))
    if kind == "rate":
        return check_nonnegative(drive_afr, "drive_afr", "per drive-year")
    p = _check_fraction(drive_afr, "drive_afr")
    if p >= 1:
        msg = (
            f"drive_afr as a probability must be < 1 (a drive failing surely has no finite rate), got {p!r}."
        )
        raise InvalidInputError(msg)
    return -math.log1p(-p)


def _logsumexp(values: Sequence[float]) -> float:
    finite = [v for v in values if v != -math.inf]
    if not finite:
        return -math.inf
    top = max(finite)
    return top + math.log(math.fsum(math.exp(v - top) for v in finite))


def _backblaze(s: int, p_tol: int, rate: float, replace_days: float, year_days: float) -> dict[str, float]:
    f = rate * replace_days / year_days
    n_periods = year_days / replace_days
    if f == 0:
        return {"L": 0.0, "q": 0.0, "p": 0.0, "n": n_periods, "mttdl": math.inf}
    p = -math.expm1(-f)
    log_p = math.log(p)
    log_1mp = -f  # log(1 - p) exactly
    terms = [math.log(math.comb(s, k)) + k * log_p + (s - k) * log_1mp for k in range(p_tol + 1, s + 1)]
    log_l = _logsumexp(terms)
    big_l = min(math.exp(log_l), 1.0)
    q = 1.0 if big_l >= 1 else -math.expm1(n_periods * math.log1p(-big_l))
    mttdl = (replace_days / year_days) / big_l if big_l > 0 else math.inf
    return {"L": big_l, "q": q, "p": p, "n": n_periods, "mttdl": mttdl}


def _birth_death_rates(
    s: int, m: int, lam: float, mu: float, serial: bool
) -> tuple[list[float], list[float]]:
    births = [(s - i) * lam for i in range(m + 1)]
    deaths = [0.0] + [(mu if serial else i * mu) for i in range(1, m + 1)]
    return births, deaths


def _mttdl(births: Sequence[float], deaths: Sequence[float]) -> float:
    """Exact expected absorption time from state 0 of a birth-death chain (positive terms only).

    ``tau_k`` (expected time to first reach k+1 from k) obeys ``tau_0 = 1/b_0`` and
    ``tau_k = 1/b_k + (d_k/b_k) tau_{k-1}``; MTTDL is their sum.
    """
    total = 0.0
    prev = 0.0
    for b, d in zip(births, deaths, strict=True):
        if b <= 0:
            return math.inf
        prev = 1.0 / b + (d / b) * prev
        total += prev
    return total


def _absorption_probability(births: Sequence[float], deaths: Sequence[float], horizon: float) -> float:
    """P(absorbed by ``horizon``) from state 0: entry ``[0, m+1]`` of ``expm(Q * horizon)``.

    The absorbing column is read directly (``scipy.linalg.expm``, Al-Mohy & Higham scaling and
    squaring); ``1 - (survival)`` would cancel catastrophically at 1e-11. Checked against
    mpmath at 50 digits: relative error below 1e-11 from 1-minute to 6.5-day repair times
    (``benchmarks/bench_durability.py``).
    """
    from scipy.linalg import expm  # loaded only for the Markov models

    size = len(births) + 1  # transient states 0..m, absorbing state m+1
    q_mat = np.zeros((size, size))
    for i, (b, d) in enumerate(zip(births, deaths, strict=True)):
        q_mat[i, i + 1] = b
        if i > 0:
            q_mat[i, i - 1] = d
        q_mat[i, i] = -(b + d)
    value = float(expm(q_mat * horizon)[0, size - 1])
    return min(max(value, 0.0), 1.0)


def _check_ec_bounds(shards: int, rate: float, replace_days: float, year_days: float) -> None:
    """Refuse sizes and rates outside the range the models compute without overflow."""
    problems = []
    if shards > MAX_SHARDS:
        problems.append(f"data_shards + parity_shards must be <= {MAX_SHARDS:,}, got {shards:,}")
    if rate > MAX_SHARD_FAILURE_RATE_PER_YEAR:
        problems.append(
            f"shard_failure_rate_per_year must be <= {MAX_SHARD_FAILURE_RATE_PER_YEAR:g}, got {rate:g}"
        )
    lo, hi = REPLACE_DAYS_RANGE
    if not lo <= replace_days <= hi:
        problems.append(f"replace_days must be in [{lo:g}, {hi:g}] days, got {replace_days:g}")
    lo, hi = YEAR_DAYS_RANGE
    if not lo <= year_days <= hi:
        problems.append(f"year_days must be in [{lo:g}, {hi:g}] days, got {year_days:g}")
    if problems:
        raise InvalidInputError("; ".join(problems) + ". These bounds keep the models exact and fast.")


def erasure_coding_loss(
    *,
    data_shards: int,
    parity_shards: int,
    shard_failure_rate_per_year: float,
    replace_days: float,
    model: str = "backblaze",
    year_days: float = 365.0,
) -> ErasureCodingResult:
    """Annual loss probability of an object stored as ``data_shards + parity_shards`` shards.

    The object is lost once more than ``parity_shards`` of its ``S = D + P`` shards are failed
    at the same time. Three named models (they differ by 4x and 24x for 17+3; always name one):

    ``"backblaze"`` (fixed window, Backblaze 2018)
        Time is cut into windows of ``R = replace_days``; ``F = A R / year_days``,
        ``p = 1 - exp(-F)``, ``L = sum_{k=P+1..S} C(S,k) p^k (1-p)^(S-k)``,
        ``q = 1 - (1 - L)^n`` with ``n = year_days / R`` (fractional allowed). Computed in log
        space (``L`` as a log-sum-exp of positive terms, ``q = -expm1(n log1p(-L))``), so it
        stays exact for tiny ``p``.
    ``"markov-parallel"`` / ``"markov-serial"``
        Continuous-time birth-death chain on the number ``i`` of failed shards: failure rate
        ``(S - i) lambda``, repair rate ``i mu`` (each failed shard repaired independently) or
        ``mu`` (one at a time), ``mu = year_days / replace_days`` per year; absorbing at
        ``P + 1`` failures. MTTDL is the exact first-passage time (closed-form recursion of
        positive terms), and ``loss_probability_per_year = 1 - exp(-1 yr / MTTDL)`` (the
        steady-state loss rate, the usual convention for MTTDL-based annual figures). The exact probability of
        loss within the first year starting from all-healthy (matrix exponential) is reported
        too as ``loss_probability_first_year_from_healthy``.

    See :func:`shard_failure_rate_from_drive_afr` for turning a drive AFR into
    ``shard_failure_rate_per_year`` (with declustered shards they are equal).

    Parameters
    ----------
    data_shards : int
        Number of data shards D (>= 1). [count]
    parity_shards : int
        Number of parity shards P (>= 0); the number of simultaneous failures tolerated. [count]
    shard_failure_rate_per_year : float
        Failure rate of one shard, e.g. 0.00405 for a 0.405 % drive AFR. [1/yr]
    replace_days : float
        Time to replace a failed shard (window length, or mean repair time for Markov). [d]
    model : {"backblaze", "markov-parallel", "markov-serial"}, default "backblaze"
        Which model (see above).
    year_days : float, default 365.0
        Days per year, as in Backblaze's calculation. [d]

    Returns
    -------
    ErasureCodingResult
        Loss probability per year, durability, nines, MTTDL and model-specific details.

    Raises
    ------
    InvalidTypeError, InvalidInputError
        For non-integer or too-small shard counts, negative rates, non-positive times, or an
        unknown model (the options are listed); for more than :data:`MAX_SHARDS` shards, a rate
        above :data:`MAX_SHARD_FAILURE_RATE_PER_YEAR`, or ``replace_days``/``year_days`` outside
        :data:`REPLACE_DAYS_RANGE`/:data:`YEAR_DAYS_RANGE` (the models would overflow or crawl).

    References
    ----------
    .. [1] Backblaze/erasure-coding-durability (README.md, calculation.ipynb, durability.py);
       Backblaze blog "Backblaze Durability Calculates at 99.999999999%" (2018): 17+3 shards,
       A = 0.405 %, R = 6.5 d -> q = 7.354e-12, 11 nines.
    .. [2] Greenan, Plank, Wylie, "Mean time to meaningless", HotStorage 2010; Patterson, Gibson,
       Katz, SIGMOD 1988: Markov MTTDL; two-way mirror with serial repair
       MTTDL = (3 lambda + mu) / (2 lambda^2).

    Examples
    --------
    >>> r = erasure_coding_loss(data_shards=17, parity_shards=3,
    ...                         shard_failure_rate_per_year=0.00405, replace_days=6.5)
    >>> f"{r.loss_probability_per_year:.4g}", r.nines
    ('7.354e-12', 11)
    """
    d = check_int(data_shards, "data_shards", minimum=1)
    p_tol = check_int(parity_shards, "parity_shards", minimum=0)
    rate = check_nonnegative(shard_failure_rate_per_year, "shard_failure_rate_per_year", "per year")
    r_days = check_positive(replace_days, "replace_days", "days")
    y_days = check_positive(year_days, "year_days", "days")
    name = check_choice(model, "model", EC_MODELS)
    s = d + p_tol
    _check_ec_bounds(s, rate, r_days, y_days)
    extra: dict[str, float]
    if name == "backblaze":
        bb = _backblaze(s, p_tol, rate, r_days, y_days)
        q, mttdl = bb["q"], bb["mttdl"]
        extra = {
            "loss_probability_per_period": bb["L"],
            "periods_per_year": bb["n"],
            "shard_failure_probability_per_period": bb["p"],
        }
    else:
        mu = y_days / r_days
        births, deaths = _birth_death_rates(s, p_tol, rate, mu, serial=name == "markov-serial")
        mttdl = _mttdl(births, deaths)
        q = -math.expm1(-1.0 / mttdl) if math.isfinite(mttdl) else 0.0
        q_first = _absorption_probability(births, deaths, 1.0) if rate > 0 else 0.0
        extra = {"loss_probability_first_year_from_healthy": q_first}
    if not (math.isfinite(q) and 0.0 <= q <= 1.0) or math.isnan(mttdl):  # never hand out NaN
        msg = (
            f"erasure_coding_loss overflows for rate={rate!r}/yr, replace_days={r_days!r} and "
            f"{s} shards (model {name!r}); use less extreme inputs."
        )
        raise InvalidInputError(msg)
    return ErasureCodingResult(
        model=name,
        data_shards=d,
        parity_shards=p_tol,
        shard_failure_rate_per_year=rate,
        replace_days=r_days,
        year_days=y_days,
        loss_probability_per_year=q,
        durability=1.0 - q,
        nines=_nines_from_q(q),
        mttdl_years=mttdl,
        **extra,
    )


def replication_loss(
    *,
    copies: int,
    failure_rate_per_year: float,
    replace_days: float,
    model: str = "backblaze",
    year_days: float = 365.0,
) -> ErasureCodingResult:
    """Annual loss probability of an object kept as ``copies`` full replicas.

    The special case ``data_shards=1, parity_shards=copies - 1`` of
    :func:`erasure_coding_loss` (same models, same result type).

    Parameters
    ----------
    copies : int
        Number of replicas (>= 1). [count]
    failure_rate_per_year : float
        Failure rate of one replica's device. [1/yr]
    replace_days : float
        Time to re-create a lost replica. [d]
    model : {"backblaze", "markov-parallel", "markov-serial"}, default "backblaze"
        Which model (see :func:`erasure_coding_loss`).
    year_days : float, default 365.0
        Days per year. [d]

    Returns
    -------
    ErasureCodingResult
        With ``data_shards == 1`` and ``parity_shards == copies - 1``.

    Raises
    ------
    InvalidTypeError, InvalidInputError
        For ``copies`` < 1 or not an integer, and as :func:`erasure_coding_loss`.

    References
    ----------
    .. [1] Patterson, Gibson, Katz, SIGMOD 1988 (mirroring); Backblaze/erasure-coding-durability.
    """
    n = check_int(copies, "copies", minimum=1)
    return erasure_coding_loss(
        data_shards=1,
        parity_shards=n - 1,
        shard_failure_rate_per_year=failure_rate_per_year,
        replace_days=replace_days,
        model=model,
        year_days=year_days,
    )


# --------------------------------------------------------------------------------------------
# failure domains: one AZ, several regions
# --------------------------------------------------------------------------------------------


def _breakdown(terms: Sequence[tuple[str, float]]) -> pd.DataFrame:
    total = math.fsum(v for _, v in terms)
    rows = [(name, v, (v / total) if total > 0 else math.nan) for name, v in terms]
    return pd.DataFrame(rows, columns=["term", "loss_probability_per_year", "share"])


@dataclass(frozen=True)
class OneZoneResult:
    """Annual loss for a single-AZ storage class: device failures plus loss of the AZ.

    Attributes
    ----------
    objects : float
        Number of stored objects. [count]
    years : float
        Horizon. [yr]
    device_loss_probability_per_year : float
        ``q_device``, loss from independent disk/host/rack failures (the published figure). [1/yr]
    az_loss_probability_per_year : float
        ``p_AZ``, user-supplied probability that the AZ is destroyed in a year. [1/yr]
    loss_probability_per_year : float
        ``q_1z = q_device + p_AZ - q_device p_AZ`` per object. [1/yr]
    durability : float
        ``1 - q_1z``. [fraction]
    nines : float
        Count of nines of :attr:`durability`. [count]
    expected_losses : float
        ``objects * q_1z * years``. [objects]
    expected_losses_from_devices : float
        ``objects * q_device (1 - p_AZ) * years``. [objects]
    expected_losses_from_az : float
        ``objects * p_AZ * years``. [objects]
    expected_losses_if_az_lost : float
        Everything: ``objects``. [objects]
    probability_az_loss : float
        ``1 - (1 - p_AZ)**years``. [fraction]
    probability_any_loss : float
        ``1 - (1 - p_AZ)**years * (1 - q_device)**(objects*years)``: the AZ term is one event
        for all objects, not independent per object. [fraction]
    dominant_term : str
        ``"az"`` or ``"device"``, whichever contributes more to ``q_1z``.
    """

    objects: float
    years: float
    device_loss_probability_per_year: float
    az_loss_probability_per_year: float
    loss_probability_per_year: float
    durability: float
    nines: float
    expected_losses: float
    expected_losses_from_devices: float
    expected_losses_from_az: float
    expected_losses_if_az_lost: float
    probability_az_loss: float
    probability_any_loss: float
    dominant_term: str

    def breakdown(self) -> pd.DataFrame:
        """Each term's annual loss probability and its share of ``q_1z``.

        Returns
        -------
        pandas.DataFrame
            Rows ``device`` (``q_device (1 - p_AZ)``) and ``az`` (``p_AZ``); columns ``term``,
            ``loss_probability_per_year`` [1/yr], ``share`` [fraction].
        """
        q, p = self.device_loss_probability_per_year, self.az_loss_probability_per_year
        return _breakdown([("device", q * (1.0 - p)), ("az", p)])

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy DataFrame of every field."""
        return pd.DataFrame([{k: getattr(self, k) for k in self.__dataclass_fields__}])

    def _repr_html_(self) -> str:
        """HTML table with the breakdown."""
        rows = [
            ("objects", _fmt(self.objects), ""),
            (
                "device loss probability [1/yr]",
                _fmt(self.device_loss_probability_per_year),
                _odds_text(self.device_loss_probability_per_year),
            ),
            (
                "AZ loss probability [1/yr]",
                _fmt(self.az_loss_probability_per_year),
                _odds_text(self.az_loss_probability_per_year),
            ),
            (
                "loss probability per object [1/yr]",
                _fmt(self.loss_probability_per_year),
                f"{_fmt(self.nines)} nines",
            ),
            ("expected losses [objects]", _fmt(self.expected_losses), f"over {_fmt(self.years)} yr"),
            ("expected losses if the AZ is lost [objects]", _fmt(self.expected_losses_if_az_lost), "all"),
            ("probability of any loss", _fmt(self.probability_any_loss), ""),
        ]
        shares = ", ".join(f"{r.term} {r.share:.4%}" for r in self.breakdown().itertuples())
        return _html_table("One Zone loss", rows) + (
            f"<p>Dominant term: <b>{html.escape(self.dominant_term)}</b> ({html.escape(shares)})</p>"
        )


def one_zone_loss(
    *,
    objects: float,
    az_loss_probability_per_year: float,
    durability: float | None = None,
    storage_class: str | None = None,
    loss_probability_per_year: float | None = None,
    years: float = 1.0,
) -> OneZoneResult:
    """Annual loss for a One Zone class: device loss plus destruction of the Availability Zone.

    ``q_1z = q_device + p_AZ - q_device p_AZ``. AWS states One Zone classes (S3 One Zone-IA,
    Express One Zone, EFS One Zone) lose data if the AZ is destroyed but publishes no
    probability for that, so ``az_loss_probability_per_year`` has no default: it is a scenario
    parameter. Any plausible value (1e-4 to 1e-6 a year) exceeds the 1e-11 device term by
    orders of magnitude; :meth:`OneZoneResult.breakdown` shows each term's share.

    Parameters
    ----------
    objects : float
        Number of stored objects. [count]
    az_loss_probability_per_year : float
        Probability that the AZ (and with it every object) is lost in a year. [1/yr]
    durability, storage_class, loss_probability_per_year
        The device-level figure, exactly one of them, as in :func:`expected_losses`
        (e.g. ``storage_class="s3-one-zone-ia"``). [fraction, -, 1/yr]
    years : float, default 1.0
        Horizon. [yr]

    Returns
    -------
    OneZoneResult
        Combined loss, expected losses per term, loss if the AZ is lost, dominant term.

    Raises
    ------
    InvalidInputError
        For probabilities outside [0, 1], negative objects or years, or not exactly one
        device-level figure.

    References
    ----------
    .. [1] Amazon EFS User Guide, "Availability and durability"; Amazon S3 User Guide, storage
       classes (One Zone-IA: data lost in the event of Availability Zone destruction).
    """
    q = _one_q(
        durability,
        storage_class,
        loss_probability_per_year,
        loss_name="loss_probability_per_year",
    )
    p = _check_fraction(az_loss_probability_per_year, "az_loss_probability_per_year")
    n = check_nonnegative(objects, "objects")
    t = check_nonnegative(years, "years")
    q_dev_only = q * (1.0 - p)
    q1z = q_dev_only + p
    log_surv_az = math.log1p(-p) if p < 1 else -math.inf
    log_surv_dev = math.log1p(-q) if q < 1 else -math.inf

    def _lin(a: float, b: float) -> float:
        return 0.0 if a == 0 else a * b

    _check_exposure(n, t, "objects")
    p_az = 0.0 - math.expm1(_lin(t, log_surv_az))  # 0.0 - x: never -0.0
    p_any = 0.0 - math.expm1(_lin(t, log_surv_az) + _lin(n * t, log_surv_dev))
    return OneZoneResult(
        objects=n,
        years=t,
        device_loss_probability_per_year=q,
        az_loss_probability_per_year=p,
        loss_probability_per_year=q1z,
        durability=1.0 - q1z,
        nines=_nines_from_q(q1z),
        expected_losses=n * q1z * t,
        expected_losses_from_devices=n * q_dev_only * t,
        expected_losses_from_az=n * p * t,
        expected_losses_if_az_lost=n,
        probability_az_loss=p_az,
        probability_any_loss=p_any,
        dominant_term="az" if p >= q_dev_only else "device",
    )


@dataclass(frozen=True)
class CrossRegionResult:
    """Annual loss of an object replicated across regions, with a common-cause share.

    Attributes
    ----------
    region_loss_probabilities : tuple of float
        Each region's annual probability of losing its copy. [1/yr]
    correlation : float
        Beta factor: the share of the smallest regional loss probability that is a common
        cause hitting every region. [fraction]
    loss_probability_per_year : float
        Probability all copies are lost in the same year. [1/yr]
    independent_loss_probability_per_year : float
        The same with ``correlation = 0``: the product of the regional probabilities. [1/yr]
    common_cause_loss_probability_per_year : float
        ``q_c = correlation * min(q_i)``. [1/yr]
    durability : float
        ``1 - loss_probability_per_year``. [fraction]
    nines : float
        Count of nines. [count]
    dominant_term : str
        ``"common-cause"`` or ``"independent"``.
    """

    region_loss_probabilities: tuple[float, ...]
    correlation: float
    loss_probability_per_year: float
    independent_loss_probability_per_year: float
    common_cause_loss_probability_per_year: float
    durability: float
    nines: float
    dominant_term: str

    def breakdown(self) -> pd.DataFrame:
        """Common-cause and independent terms of the loss probability with their shares."""
        qc = self.common_cause_loss_probability_per_year
        return _breakdown(
            [("common-cause", qc), ("independent", self.loss_probability_per_year - qc)]
            if qc > 0
            else [("common-cause", 0.0), ("independent", self.loss_probability_per_year)]
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy DataFrame of every field."""
        row = {k: getattr(self, k) for k in self.__dataclass_fields__}
        row["region_loss_probabilities"] = list(self.region_loss_probabilities)
        return pd.DataFrame([row])

    def _repr_html_(self) -> str:
        """HTML table with the breakdown."""
        rows = [
            (
                "region loss probabilities [1/yr]",
                ", ".join(_fmt(v) for v in self.region_loss_probabilities),
                "",
            ),
            ("correlation (beta factor)", _fmt(self.correlation), ""),
            (
                "loss probability [1/yr]",
                _fmt(self.loss_probability_per_year),
                _odds_text(self.loss_probability_per_year),
            ),
            (
                "if independent [1/yr]",
                _fmt(self.independent_loss_probability_per_year),
                _odds_text(self.independent_loss_probability_per_year),
            ),
            ("nines", _fmt(self.nines), ""),
        ]
        return _html_table("Cross-region replication loss", rows) + (
            f"<p>Dominant term: <b>{html.escape(self.dominant_term)}</b></p>"
        )


def cross_region_replication_loss(
    *,
    region_loss_probabilities: Sequence[float] | npt.NDArray[np.float64] | pd.Series,
    correlation: float = 0.0,
) -> CrossRegionResult:
    """Probability that every regional copy of an object is lost in the same year.

    Model (beta factor): a common-cause event with annual probability
    ``q_c = correlation * min(q_i)`` destroys every copy; the rest of each region's loss
    probability is independent, ``q_i' = (q_i - q_c) / (1 - q_c)`` so that each region's
    marginal stays ``q_i``. Then ``q = q_c + (1 - q_c) * prod(q_i')``. With
    ``correlation = 0`` this is ``prod(q_i)`` (e.g. ``q1 * q2``); with ``correlation = 1`` and
    equal ``q_i`` it is ``q`` (no benefit from replication). Conservative in one respect: any
    two losses within the same year count, as if a lost copy were never re-created; with
    re-replication after ``w`` days the independent term shrinks by about ``w / 365``.

    Parameters
    ----------
    region_loss_probabilities : sequence of float
        Annual probability that each region loses its copy (two or more regions). [1/yr]
    correlation : float, default 0.0
        Beta factor: share of the smallest regional loss probability due to a cause common to
        all regions (0 = independent). [fraction]

    Returns
    -------
    CrossRegionResult
        Combined loss, the independent value for comparison, the common-cause term and the
        dominant term.

    Raises
    ------
    InvalidInputError
        For fewer than two regions or any probability (or correlation) outside [0, 1].

    References
    ----------
    .. [1] IEC 61508-6 Annex D (beta-factor model of common-cause failures).
    """
    if isinstance(region_loss_probabilities, (str, bytes)) or not isinstance(
        region_loss_probabilities, (Sequence, np.ndarray, pd.Series)
    ):
        msg = (
            "region_loss_probabilities must be a sequence of annual loss probabilities such as "
            f"(1e-11, 1e-11), got {region_loss_probabilities!r}."
        )
        raise InvalidTypeError(msg)
    qs = tuple(
        _check_fraction(v, f"region_loss_probabilities[{i}]") for i, v in enumerate(region_loss_probabilities)
    )
    if len(qs) < 2:
        msg = f"region_loss_probabilities needs at least two regions, got {len(qs)}: {qs!r}."
        raise InvalidInputError(msg)
    beta = _check_fraction(correlation, "correlation")
    independent = math.prod(qs)
    qc = beta * min(qs)
    if qc == 0:
        total = independent
    elif qc >= 1:
        total = 1.0
    else:
        total = qc + (1.0 - qc) * math.prod((qi - qc) / (1.0 - qc) for qi in qs)
    indep_part = total - qc
    return CrossRegionResult(
        region_loss_probabilities=qs,
        correlation=beta,
        loss_probability_per_year=total,
        independent_loss_probability_per_year=independent,
        common_cause_loss_probability_per_year=qc,
        durability=1.0 - total,
        nines=_nines_from_q(total),
        dominant_term="common-cause" if qc > indep_part else "independent",
    )


# --------------------------------------------------------------------------------------------
# EBS
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EBSFailureResult:
    """Expected failed EBS volumes in a fleet, at the low and high end of AWS's AFR range.

    Attributes
    ----------
    volume_type : str
        Catalogue id (``"ebs-gp3"``) or the label given.
    volumes : float
        Fleet size. [count]
    years : float
        Horizon. [yr]
    annual_failure_rate_low, annual_failure_rate_high : float
        Published AFR range (fraction of volumes failing per year). [1/yr]
    expected_failures_low, expected_failures_high : float
        ``volumes * AFR * years``. [volumes]
    probability_any_failure_low, probability_any_failure_high : float
        ``1 - (1 - AFR)**(volumes * years)``. [fraction]
    """

    volume_type: str
    volumes: float
    years: float
    annual_failure_rate_low: float
    annual_failure_rate_high: float
    expected_failures_low: float
    expected_failures_high: float
    probability_any_failure_low: float
    probability_any_failure_high: float

    def to_frame(self) -> pd.DataFrame:
        """Tidy table with one row per end of the range (``bound`` = low/high)."""
        rows = [
            {
                "volume_type": self.volume_type,
                "bound": b,
                "volumes": self.volumes,
                "years": self.years,
                "annual_failure_rate": getattr(self, f"annual_failure_rate_{b}"),
                "expected_failures": getattr(self, f"expected_failures_{b}"),
                "probability_any_failure": getattr(self, f"probability_any_failure_{b}"),
            }
            for b in ("low", "high")
        ]
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        """HTML table: low and high ends of the range."""
        rows = [
            ("volumes", _fmt(self.volumes), f"over {_fmt(self.years)} yr"),
            (
                "annual failure rate [1/yr]",
                f"{_fmt(self.annual_failure_rate_low)} - {_fmt(self.annual_failure_rate_high)}",
                "",
            ),
            (
                "expected failed volumes",
                f"{_fmt(self.expected_failures_low)} - {_fmt(self.expected_failures_high)}",
                "",
            ),
            (
                "probability of at least one failure",
                f"{_fmt(self.probability_any_failure_low)} - {_fmt(self.probability_any_failure_high)}",
                "",
            ),
        ]
        return _html_table(f"EBS volume failures ({self.volume_type})", rows)


def ebs_expected_failures(
    *,
    volumes: float,
    volume_type: str = "ebs-gp3",
    years: float = 1.0,
    annual_failure_rate: float | tuple[float, float] | None = None,
) -> EBSFailureResult:
    """Compute expected failed volumes in an EBS fleet from the type's published AFR range.

    Parameters
    ----------
    volumes : float
        Number of volumes running. [count]
    volume_type : str, default "ebs-gp3"
        Catalogue storage-class id (``"ebs-gp3"``, ``"ebs-io2"``, ...); its
        ``annual_failure_rate_low``/``_high`` are used. [-]
    years : float, default 1.0
        Horizon. [yr]
    annual_failure_rate : float or (float, float), optional
        Override the catalogue: one AFR or a (low, high) pair, fractions of volumes failing per
        year (0.001 for 0.1 %); ``volume_type`` is then only a label. [1/yr]

    Returns
    -------
    EBSFailureResult
        Expected failures and probability of at least one, at both ends of the range.

    Raises
    ------
    InvalidInputError
        For negative volumes or years, an AFR outside [0, 1] (percentages named as such),
        a low bound above the high bound, or a type without a published AFR.
    UnknownNameError
        For an unknown volume type (close matches suggested).

    References
    ----------
    .. [1] Amazon EBS User Guide, "Amazon EBS volume types": gp2/gp3/io1/st1/sc1 AFR
       0.1 %-0.2 %, io2 0.001 %.
    """
    v = check_nonnegative(volumes, "volumes")
    t = check_nonnegative(years, "years")
    if annual_failure_rate is None:
        row = _storage_class_row(volume_type)
        lo_raw, hi_raw = row.get("annual_failure_rate_low"), row.get("annual_failure_rate_high")
        if lo_raw is None or pd.isna(lo_raw) or hi_raw is None or pd.isna(hi_raw):
            msg = (
                f"storage class {volume_type!r} publishes no annual failure rate; pick an EBS "
                "volume type (e.g. 'ebs-gp3') or pass annual_failure_rate=."
            )
            raise InvalidInputError(msg)
        lo = _check_fraction(float(lo_raw), "annual_failure_rate_low")
        hi = _check_fraction(float(hi_raw), "annual_failure_rate_high")
    elif isinstance(annual_failure_rate, tuple):
        if len(annual_failure_rate) != 2:
            msg = (
                f"annual_failure_rate must be one number or a (low, high) pair, got {annual_failure_rate!r}."
            )
            raise InvalidInputError(msg)
        lo = _check_fraction(annual_failure_rate[0], "annual_failure_rate")
        hi = _check_fraction(annual_failure_rate[1], "annual_failure_rate")
    else:
        lo = hi = _check_fraction(annual_failure_rate, "annual_failure_rate")
    if lo > hi:
        msg = f"annual_failure_rate low bound {lo!r} exceeds high bound {hi!r}; pass (low, high)."
        raise InvalidInputError(msg)

    def _p_any(afr: float) -> float:
        if v * t == 0 or afr == 0:
            return 0.0
        return 1.0 if afr >= 1 else -math.expm1(v * t * math.log1p(-afr))

    _check_exposure(v, t, "volumes")
    return EBSFailureResult(
        volume_type=str(volume_type),
        volumes=v,
        years=t,
        annual_failure_rate_low=lo,
        annual_failure_rate_high=hi,
        expected_failures_low=v * lo * t,
        expected_failures_high=v * hi * t,
        probability_any_failure_low=_p_any(lo),
        probability_any_failure_high=_p_any(hi),
    )
