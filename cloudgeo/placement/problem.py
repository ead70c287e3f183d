"""The validated placement problem: users, candidates, constraints, normalised weights.

Owns :class:`_Problem` (the cost restricted to the allowed sites, with inf where residency
forbids), its construction and validation from the public arguments (:func:`_prepare`), the
objective value of a choice (:func:`_value`), the cover sets at a threshold, and the
residency feasibility check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import (
    check_int,
    country_codes,
    numeric_array,
    points_arrays,
    require_columns,
)
from cloudgeo.errors import (
    DataValidationError,
    InfeasibleError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)
from cloudgeo.placement._types import BoolArray, FloatArray
from cloudgeo.placement.cost import CostMatrix, _cost_matrix, _Reuse
from cloudgeo.placement.exact.aggregate import _packed_bits, _unique_inverse, _unique_sets, _unpack
from cloudgeo.placement.exact.core import _solve_core
from cloudgeo.placement.objectives import _served, _weighted_quantile

_METHODS = ("exact", "greedy")


_DEFAULT_THRESHOLDS_MS: tuple[float, ...] = (20.0, 50.0, 100.0, 150.0)


@dataclass
class _Problem:
    cost: FloatArray  # users x allowed sites; inf where residency forbids
    w: FloatArray  # user weights normalised to sum 1
    site_ids: list[Any]  # allowed site ids (columns of cost)
    must: BoolArray  # over allowed sites
    hard: BoolArray  # residency sets (rows) over allowed sites
    hard_names: list[str]
    k: int
    # _cover_sets results by (threshold, positive_only): the solvers ask for some more than once
    cover_cache: dict[tuple[float, bool], tuple[BoolArray, FloatArray]] = field(default_factory=dict)
    # what a prepared CostMatrix keeps for this problem (its site orders, site rows and the
    # greedy's picks); None: no prepared matrix, or a residency rule changed the costs
    reuse: _Reuse | None = None


def _lookup(ids: Iterable[Any], options: list[Any], what: str, region_index: bool) -> list[Any]:
    if isinstance(ids, str) or not isinstance(ids, Iterable):
        msg = f"{what} must be a list of candidate ids, got {ids!r}; wrap a single id in a list: [{ids!r}]."
        raise InvalidTypeError(msg)
    out = []
    known = set(options)
    for i in ids:
        if i not in known:
            if region_index:
                raise UnknownRegionError(i, [str(o) for o in options])
            kind = f"candidate site id in {what}"
            raise UnknownNameError(kind, i, [str(o) for o in options])
        if i not in out:
            out.append(i)
    return out


@dataclass(frozen=True)
class _Prepared:
    """A validated placement: the problem and what its result is built from.

    The full users x candidates RTTs [ms], the users, the candidate ids and their raw weights.
    """

    prob: _Problem
    full: FloatArray
    users: pd.DataFrame
    cand_ids: list[Any]
    w_raw: FloatArray


@dataclass(frozen=True)
class _Sites:
    """The candidate ids, the forced and excluded ones, and the allowed ones (in order)."""

    cand_ids: list[Any]
    must: list[Any]
    excl: list[Any]
    allowed_ids: list[Any]
    region_index: bool


def _prepare(
    users: object,
    candidates: object,
    k: object,
    *,
    objective: str,
    model: str | None,
    stat: str,
    must_include: Iterable[Any],
    exclude: Iterable[Any],
    residency: Mapping[str, Iterable[Any]] | None,
    cost_ms: pd.DataFrame | CostMatrix | None,
) -> _Prepared:
    """Validate the public arguments and build the problem (errors say what to change)."""
    users, candidates = _check_tables(users, candidates)
    w_raw = _user_weights(users, cost_ms)
    k_int = check_int(k, "k", minimum=1)
    sites = _sites(candidates, k_int, must_include, exclude)
    cand_ids, allowed_ids = sites.cand_ids, sites.allowed_ids
    if isinstance(cost_ms, CostMatrix):
        if cost_ms.candidate_ids != tuple(cand_ids) or not (
            cost_ms.users_index is users.index or cost_ms.users_index.equals(users.index)
        ):
            msg = "the prepared RTT matrix was made for other users or candidates; prepare it again."
            raise InvalidInputError(msg)
        full = cost_ms.values  # read-only, shared by every result made from it
    else:
        full = _cost_matrix(users, candidates, cost_ms, model, stat)
    col = {c: i for i, c in enumerate(cand_ids)}
    allowed_pos = np.array([col[c] for c in allowed_ids], dtype=np.intp)
    # full is private to this call (see _cost_matrix) or read-only: without exclusions it is
    # the cost itself until a residency rule writes inf into a copy
    cost = full if len(allowed_ids) == len(cand_ids) else full[:, allowed_pos]
    hard_rows: list[BoolArray] = []
    hard_names: list[str] = []
    if residency:
        cost = _apply_residency(users, residency, sites, cost, full, hard_rows, hard_names)
    must_mask = np.array([c in sites.must for c in allowed_ids], dtype=bool)
    hard = np.array(hard_rows, dtype=bool).reshape(len(hard_rows), len(allowed_ids))
    w = w_raw / w_raw.sum()
    prob = _Problem(cost, w, allowed_ids, must_mask, hard, hard_names, k_int)
    if isinstance(cost_ms, CostMatrix) and not hard_rows:
        # what the prepared matrix keeps for every placement on it (residency rules change the
        # costs and the orders: not then)
        reuse_key = (tuple(allowed_ids), tuple(np.flatnonzero(must_mask).tolist()))
        prob.reuse = _Reuse(cost_ms, allowed_pos, reuse_key, w)
    return _Prepared(prob, full, users, cand_ids, w_raw)


def _check_tables(users: object, candidates: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the users and candidates tables, checked to be non-empty frames (unique site ids)."""
    if not isinstance(users, pd.DataFrame):
        msg = (
            "users must be a pandas DataFrame with lat, lon (and optional weight) columns, "
            f"got {type(users).__name__}."
        )
        raise InvalidTypeError(msg)
    if not isinstance(candidates, pd.DataFrame):
        msg = (
            "candidates must be a pandas DataFrame indexed by site id with lat, lon columns, "
            f"got {type(candidates).__name__}."
        )
        raise InvalidTypeError(msg)
    if len(users) == 0:
        raise DataValidationError("users", ["the table is empty; pass at least one user row"])
    if len(candidates) == 0:
        raise DataValidationError("candidates", ["the table is empty; pass at least one candidate site"])
    if candidates.index.has_duplicates:
        dup = list(candidates.index[candidates.index.duplicated()][:5])
        raise DataValidationError("candidates", [f"duplicate site id(s) in the index: {dup}"])
    return users, candidates


def _user_weights(users: pd.DataFrame, cost_ms: object) -> FloatArray:
    """Return the users' raw weights (ones without a weight column), validated."""
    if "weight" not in users.columns:
        return np.ones(len(users))
    if cost_ms is None:
        points_arrays(users, source="users", weight="weight")
    w_raw = np.asarray(numeric_array(users["weight"], "users weight"), dtype=np.float64)
    if cost_ms is not None and not (np.isfinite(w_raw).all() and w_raw.min() >= 0 and w_raw.sum() > 0):
        # the weights alone (coordinates are not needed with an RTT matrix); the shared
        # validator words the error
        frame = pd.DataFrame({"lat": 0.0, "lon": 0.0, "weight": w_raw}, index=users.index)
        points_arrays(frame, source="users", weight="weight")
    return w_raw


def _sites(
    candidates: pd.DataFrame, k_int: int, must_include: Iterable[Any], exclude: Iterable[Any]
) -> _Sites:
    """Return the candidate lists, checked against ``k`` (forced and excluded ids known, apart)."""
    cand_ids = list(candidates.index)
    if k_int > len(cand_ids):
        msg = (
            f"k={k_int} is larger than the number of candidate sites ({len(cand_ids)}); "
            f"pass k <= {len(cand_ids)}."
        )
        raise InvalidInputError(msg)
    region_index = candidates.index.name == "region"
    must = _lookup(must_include, cand_ids, "must_include", region_index)
    excl = _lookup(exclude, cand_ids, "exclude", region_index)
    both = [s for s in must if s in excl]
    if both:
        msg = f"site(s) {both} are both in must_include and in exclude; remove them from one of the two."
        raise InvalidInputError(msg)
    if len(must) > k_int:
        msg = (
            f"must_include binds: it names {len(must)} sites ({must}) but k={k_int}; "
            f"raise k to at least {len(must)} or shorten must_include."
        )
        raise InfeasibleError(msg)
    allowed_ids = [c for c in cand_ids if c not in excl]
    if k_int > len(allowed_ids):
        msg = (
            f"exclude binds: {len(excl)} of {len(cand_ids)} candidates are excluded, leaving "
            f"{len(allowed_ids)} sites for k={k_int}; lower k or exclude fewer sites."
        )
        raise InfeasibleError(msg)
    return _Sites(cand_ids, must, excl, allowed_ids, region_index)


def _apply_residency(
    users: pd.DataFrame,
    residency: object,
    sites: _Sites,
    cost: FloatArray,
    full: FloatArray,
    hard_rows: list[BoolArray],
    hard_names: list[str],
) -> FloatArray:
    """Return the cost with inf where a residency rule forbids; append each rule's sets and name."""
    if not isinstance(residency, Mapping):
        msg = f"residency must be a mapping country code -> list of site ids, got {type(residency).__name__}."
        raise InvalidTypeError(msg)
    require_columns(users, ["country_code"], source="users (residency needs a country_code column)")
    cc = country_codes(users["country_code"].to_numpy())
    allowed_ids = sites.allowed_ids
    for country, site_list in residency.items():
        ids = _lookup(site_list, sites.cand_ids, f"residency[{country!r}]", sites.region_index)
        rows = cc == country_codes(country)[0]
        ok = np.array([c in ids for c in allowed_ids], dtype=bool)
        if not rows.any():  # a wrong case is normalised; ISO-3, a typo: no user has it
            raise UnknownNameError("country code of a residency rule (no user has it)", country, set(cc))
        if not ok.any():
            msg = (
                f"residency binds: users in {country} may only be served from {ids}, "
                f"but all of them are excluded; allow at least one of them."
            )
            raise InfeasibleError(msg)
        if cost is full:
            cost = full.copy()
        cost[np.ix_(rows, ~ok)] = np.inf
        hard_rows.append(ok)
        hard_names.append(f"{country} -> {[c for c in allowed_ids if c in ids]}")
    return cost


def _served_rows(prob: _Problem, chosen: BoolArray) -> FloatArray:
    """Each user's RTT to its nearest chosen site (``_served(prob.cost, chosen)[0]``).

    From the prepared matrix's contiguous site rows when it keeps them (no residency rule).
    """
    if prob.reuse is None:
        return _served(prob.cost, chosen)[0]
    cost_t, rows = prob.reuse.transposed()
    idx = rows[np.flatnonzero(chosen)]
    served: FloatArray = cost_t[idx[0]].copy()
    for i in idx[1:]:
        np.minimum(served, cost_t[i], out=served)
    return served


def _value(
    prob: _Problem, chosen: BoolArray, objective: str, q: float | None, threshold_ms: float | None
) -> float:
    served = _served_rows(prob, chosen)
    if objective == "mean":
        pos = prob.w > 0
        return float(prob.w[pos] @ served[pos])
    if objective == "coverage":
        assert threshold_ms is not None
        return float(prob.w @ (served <= threshold_ms))
    if objective == "worst":
        return float(served[prob.w > 0].max())
    assert q is not None
    return _weighted_quantile(served, prob.w, q)


def _check_residency(prob: _Problem, time_limit_s: float | None) -> None:
    """Raise InfeasibleError when no choice of k sites meets every residency rule."""
    if not len(prob.hard):
        return
    n = len(prob.site_ids)
    hard = prob.hard[~(prob.hard & prob.must[None, :]).any(axis=1)][:, ~prob.must]
    r = prob.k - int(prob.must.sum())
    if not len(hard):
        return
    core = _solve_core(n - int(prob.must.sum()), r, None, hard, [], time_limit_s=time_limit_s)
    if core.chosen is not None:
        return
    # how many sites would the rules need?
    need = r
    while need < hard.shape[1]:
        need += 1
        if _solve_core(hard.shape[1], need, None, hard, [], time_limit_s=time_limit_s).chosen is not None:
            break
    must_note = f" plus the {int(prob.must.sum())} must_include site(s)" if prob.must.any() else ""
    msg = (
        f"residency binds: the rules {'; '.join(prob.hard_names)} need at least {need} site(s)"
        f"{must_note}, but k={prob.k}; raise k or relax residency."
    )
    raise InfeasibleError(msg)


def _cover_sets(prob: _Problem, threshold: float, *, positive_only: bool) -> tuple[BoolArray, FloatArray]:
    """Distinct sets of sites within ``threshold`` of the users with weight, and their weights.

    Computed once per problem and threshold (callers never modify the arrays).
    """
    key = (float(threshold), positive_only)
    if key not in prob.cover_cache:
        prob.cover_cache[key] = _cover_sets_of(prob, threshold, positive_only=positive_only)
    return prob.cover_cache[key]


def _cover_sets_of(prob: _Problem, threshold: float, *, positive_only: bool) -> tuple[BoolArray, FloatArray]:
    pos = prob.w > 0
    every = bool(pos.all())  # no copy of the matrix when every user counts
    weights = (prob.w if every else prob.w[pos]) if not positive_only else np.ones(int(pos.sum()))
    n = len(prob.site_ids)
    if prob.reuse is not None and n <= 64:
        # each site's users within the threshold are a prefix of its RTT order: their bit is set
        # in one word per user, laid out as np.packbits lays the bytes (so the same sets, in the
        # same order, as from the users x sites comparison)
        order, srt = prob.reuse.site_orders()
        _, rows = prob.reuse.transposed()
        bits = _packed_bits(n)
        keys = np.zeros(len(prob.w), dtype=np.uint64)
        for j in range(n):
            near = int(np.searchsorted(srt[rows[j]], threshold, side="right"))
            keys[order[rows[j], :near]] |= bits[j]
        uniq, inverse = _unique_inverse(keys if every else keys[pos])
        summed = np.bincount(inverse, weights=weights, minlength=len(uniq)).astype(np.float64)
        packed = np.ascontiguousarray(uniq.view(np.uint8).reshape(len(uniq), 8)[:, : (n + 7) // 8])
        return _unpack(packed, n), summed
    member = (prob.cost if every else prob.cost[pos]) <= threshold
    return _unique_sets(member, weights)


def _infeasible(prob: _Problem) -> InfeasibleError:
    parts = []
    if prob.must.any():
        parts.append(f"must_include={[s for s, m in zip(prob.site_ids, prob.must, strict=True) if m]}")
    if len(prob.hard):
        parts.append(f"residency ({'; '.join(prob.hard_names)})")
    what = " and ".join(parts) if parts else "the constraints"
    return InfeasibleError(f"no choice of k={prob.k} sites satisfies {what}; relax them or raise k.")
