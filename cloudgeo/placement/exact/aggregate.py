"""Lossless demand aggregation for the exact solvers: distinct sets, prefix (radius) sets, _Core.

Users who rank their nearest ``n - k + 1`` candidates in the same order are served by the same
site under every choice and are merged; prefix sets with their summed weights make the
:class:`_Core` problem the enumeration and the MILP solve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo.placement._types import BoolArray, FloatArray, IntArray


def _unique_inverse(keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """``np.unique(keys, return_inverse=True)`` by hashing: fast when few keys are distinct.

    :func:`pandas.factorize` labels the keys in one pass; only the distinct keys are then sorted
    and the labels renumbered in that order, so the output is exactly numpy's.
    """
    codes, uniq = pd.factorize(keys)
    uniq_arr = np.asarray(uniq, dtype=np.uint64)
    order = np.argsort(uniq_arr)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return uniq_arr[order], rank[codes]


def _unique_packed(
    packed: npt.NDArray[np.uint8], weights: FloatArray
) -> tuple[npt.NDArray[np.uint8], FloatArray]:
    """Merge identical packed rows, summing their weights."""
    if len(packed) == 0:
        return packed, weights
    nbytes = packed.shape[1]
    if nbytes <= 8:  # one machine word per row: hash integers, much faster than raw bytes
        padded = np.zeros((len(packed), 8), dtype=np.uint8)
        padded[:, :nbytes] = packed
        keys = padded.view(np.uint64).ravel()
        uniq_keys, inverse = _unique_inverse(keys)
        summed = np.bincount(inverse, weights=weights, minlength=len(uniq_keys)).astype(np.float64)
        rows = uniq_keys.view(np.uint8).reshape(len(uniq_keys), 8)[:, :nbytes]
        return np.ascontiguousarray(rows), summed
    packed = np.ascontiguousarray(packed)
    view = packed.view(np.dtype((np.void, nbytes))).ravel()
    uniq, inverse_void = np.unique(view, return_inverse=True)
    summed = np.bincount(inverse_void.ravel(), weights=weights, minlength=len(uniq)).astype(np.float64)
    rows = np.frombuffer(uniq.tobytes(), dtype=np.uint8).reshape(len(uniq), nbytes)
    return rows, summed


def _packed_bits(n: int) -> npt.NDArray[np.uint64]:
    """Bit of each of ``n`` <= 64 columns in one word laid out like ``np.packbits`` bytes.

    Big-endian bits within each byte, bytes in order: a row's word viewed as 8 bytes is its
    packed row (little-endian words), so words and packed rows sort and merge alike.
    """
    return np.array([1 << (8 * (j // 8) + 7 - j % 8) for j in range(n)], dtype=np.uint64)


def _unpack(rows: npt.NDArray[np.uint8], n: int) -> BoolArray:
    return np.unpackbits(rows, axis=1, count=n).astype(bool) if len(rows) else np.zeros((0, n), dtype=bool)


def _unique_sets(member: BoolArray, weights: FloatArray) -> tuple[BoolArray, FloatArray]:
    """Distinct rows of ``member`` with summed weights (exact aggregation)."""
    rows, summed = _unique_packed(np.packbits(member, axis=1), weights)
    return _unpack(rows, member.shape[1]), summed


def _sorted_costs(cost: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each user's candidates by increasing RTT: (order, sorted RTTs).

    Ties may come in any order: a prefix set is only used where the next RTT is strictly larger
    (a positive term), and there it is ``{j : c_ij < next}`` whatever the order of tied sites.
    """
    order = np.argsort(cost, axis=1)
    return order, np.take_along_axis(cost, order, axis=1)


def _radius_sets(
    order: IntArray, srt: FloatArray, w: FloatArray, depth: IntArray
) -> tuple[BoolArray, FloatArray]:
    """Prefix sets of the radius formulation up to each user's ``depth``, aggregated.

    ``order``/``srt`` come from :func:`_sorted_costs`. Returns the distinct prefix sets and their
    coefficients (the summed weighted RTT steps of the users and levels that share the set).
    """
    n_users, n = order.shape
    nbytes = (n + 7) // 8
    max_depth = int(depth.max()) if n_users else 0
    chunks: list[npt.NDArray[np.uint8]] = []
    coefs: list[FloatArray] = []
    with np.errstate(invalid="ignore"):
        delta = (srt[:, 1 : max_depth + 1] - srt[:, :max_depth]) * w[:, None]
        keep = (np.arange(1, max_depth + 1)[None, :] <= depth[:, None]) & np.isfinite(delta) & (delta != 0)
    if n <= 64 and keep.any():
        # one 64-bit word per set, laid out like np.packbits (big-endian bits within each byte)
        words = np.bitwise_or.accumulate(_packed_bits(n)[order[:, :max_depth]], axis=1)
        keys, inverse = _unique_inverse(words[keep])
        coef = np.bincount(inverse, weights=delta[keep], minlength=len(keys)).astype(np.float64)
        rows = np.ascontiguousarray(keys.view(np.uint8).reshape(len(keys), 8)[:, :nbytes])
        return _unpack(rows, n), coef
    cur = np.zeros((n_users, nbytes), dtype=np.uint8)
    rows_idx = np.arange(n_users)
    for level in range(1, max_depth + 1):
        j = order[:, level - 1]
        cur[rows_idx, j // 8] |= (128 >> (j % 8)).astype(np.uint8)
        kl = keep[:, level - 1]
        if kl.any():
            chunks.append(cur[kl].copy())
            coefs.append(delta[kl, level - 1])
    if not chunks:
        return np.zeros((0, n), dtype=bool), np.zeros(0)
    packed, coef = _unique_packed(np.concatenate(chunks), np.concatenate(coefs))
    return _unpack(packed, n), coef


@dataclass
class _Core:
    chosen: BoolArray | None  # None: infeasible (proven) or nothing found within the time limit
    proven: bool
    bound: float  # lower bound on the objective (same units as value)
    value: float
    method: str


def _row_labels(rows: npt.NDArray[np.integer[Any]]) -> tuple[IntArray, int]:
    """Label identical rows of a small-integer matrix 0, 1, ... (exact; hashing, no sort of rows)."""
    n_rows, width = rows.shape
    if width == 0:
        return np.zeros(n_rows, dtype=np.intp), 1
    small = np.uint8 if int(rows.max()) < 256 else np.uint16
    itemsize = np.dtype(small).itemsize
    per_word = 8 // itemsize
    packed = np.zeros((n_rows, -(-width // per_word) * per_word), dtype=small)
    packed[:, :width] = rows
    words = packed.view(np.uint64)
    codes, uniq = pd.factorize(words[:, 0])
    labels = np.asarray(codes, dtype=np.int64)
    count = len(uniq)
    for i in range(1, words.shape[1]):
        sub, sub_uniq = pd.factorize(words[:, i])
        # count * len(sub_uniq) <= n_rows ** 2: fits int64 for any table that fits in memory
        codes, uniq = pd.factorize((labels * len(sub_uniq) + sub).astype(np.uint64))
        labels = np.asarray(codes, dtype=np.int64)
        count = len(uniq)
    return np.asarray(labels, dtype=np.intp), count


def _aggregate_users(
    cost: FloatArray, w: FloatArray, width: int, order_rows: tuple[IntArray, IntArray] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Merge users whose ``width`` nearest candidates come in the same order (exact for k sites).

    With ``width = n - k + 1`` any k of the n candidates include one of those nearest sites, so
    every user of such a group is served by the same site, the first chosen one in their shared
    order, under every choice of k sites. The group's weighted RTT is then the column of the
    weighted sums of its users' RTTs: returns that matrix (groups x candidates, each row sorted
    in the group's order as a sum of sorted rows) and unit weights. World cities share few
    orders (34,000 cities, under a thousand groups for the AWS regions).
    """
    if len(cost) < 2 or width < 1:
        return cost * w[:, None], np.ones(len(cost))
    from scipy import sparse

    if order_rows is None:
        labels, count = _row_labels(np.argsort(cost, axis=1)[:, :width])
    else:  # the users' orders are known as rows of a small table: group those rows
        row_of_user, distinct = order_rows
        coarse, _ = _row_labels(distinct[:, :width])
        codes, uniq = pd.factorize(coarse[row_of_user])
        labels, count = np.asarray(codes, dtype=np.intp), len(uniq)
    if count == len(cost):
        return cost * w[:, None], np.ones(len(cost))
    member = sparse.csr_matrix((w, (labels, np.arange(len(cost)))), shape=(count, len(cost)))
    return np.asarray(member @ cost, dtype=np.float64), np.ones(count)


def _ranks(srt: FloatArray, served: FloatArray) -> IntArray:
    """Count each user's candidates strictly nearer than its served RTT (the levels it pays)."""
    return np.asarray((srt < served[:, None]).sum(axis=1), dtype=np.intp)
