"""Read RIPE Atlas ping results, joined to probe metadata, into the tidy measurement table.

:func:`read_ripe_atlas` parses results (a JSON list, as the RIPE Atlas API returns them, or
NDJSON, one result per line, as in the daily dumps) with ``ripe.atlas.sagan``, the RIPE NCC's
own parser (optional dependency: ``pip install cloudgeo[ripe]``), and joins each result's probe
to the probe archive JSON (``{"objects": [...]}``, the daily archive) or the API's probe list
(``{"results": [...]}``) for the probe's coordinates and country. The output is the tidy table
of :mod:`cloudgeo.measurements`, one row per (probe, target, statistic), ready for
:func:`cloudgeo.latency.calibrate` (``p50``/``p90`` rows) and
:func:`cloudgeo.latency.compare_with_measurements`.

Results of probes missing from the probe table (or without coordinates) are dropped, counted
and reported in a :class:`ProbeDropWarning`; results with no reply are counted the same way.

References
----------
.. [1] RIPE NCC, RIPE Atlas documentation, "Measurement results: ping" (fields ``type``,
   ``prb_id``, ``msm_id``, ``timestamp``, ``fw``, ``dst_addr``, ``dst_name``, ``result``
   with per-packet ``rtt``) and the probe archive (``id``, ``latitude``, ``longitude``,
   ``country_code``).
.. [2] ``ripe.atlas.sagan`` (RIPE NCC), the parser of RIPE Atlas results.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import coordinate_problems
from cloudgeo.errors import DataFileError, InvalidTypeError, MissingDependencyError
from cloudgeo.io._files import PathOrBuffer

__all__ = ["ProbeDropWarning", "read_ripe_atlas"]

#: Statistics written per (probe, target): over every reply of every result. [ms]
RIPE_STATS = ("min", "avg", "max", "p50", "p90")


class ProbeDropWarning(UserWarning):
    """Some RIPE Atlas results were dropped (unknown probe, no coordinates, no reply); counted."""


def _text(src: PathOrBuffer | Sequence[Mapping[str, Any]], what: str) -> tuple[str | None, str]:
    """Return ``(text, name)`` of a path or buffer; ``text`` None for already parsed lists."""
    if isinstance(src, list | tuple | Mapping):
        return None, what
    if isinstance(src, str | os.PathLike):
        p = Path(src)
        try:
            return p.read_text(encoding="utf-8"), p.name
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(p.name, [f"could not read the {what}: {exc}"]) from None
    if isinstance(src, io.IOBase) or hasattr(src, "read"):
        raw = src.read()
        return (raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)), what
    msg = f"{what} must be a path, a file object or parsed JSON (list or dict), got {type(src).__name__}."
    raise InvalidTypeError(msg)


def _records(results: Any) -> tuple[Iterator[tuple[int, Any]], str]:
    text, name = _text(results, "RIPE Atlas results")
    if text is None:
        if not isinstance(results, list | tuple):
            msg = (
                "RIPE Atlas results must be a path, a file object or a list of result dicts, "
                f"got {type(results).__name__}."
            )
            raise InvalidTypeError(msg)
        return iter(enumerate(results, start=1)), name
    body = text.lstrip()
    if body.startswith("["):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise DataFileError(
                name, [f"not valid JSON (a JSON list of ping results was expected): {exc}"]
            ) from None
        return iter(enumerate(data, start=1)), name
    if not body.startswith("{"):
        raise DataFileError(
            name, [f"expected a JSON list or NDJSON of RIPE Atlas results, found text starting {body[:40]!r}"]
        )

    def lines() -> Iterator[tuple[int, Any]]:
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except ValueError as exc:
                    raise DataFileError(
                        name, [f"line {n} is not a JSON object (NDJSON expected): {exc}"]
                    ) from None

    return lines(), name


def _probes(probes: Any) -> pd.DataFrame:
    text, name = _text(probes, "probe table")
    data = json.loads(text) if text is not None else probes
    if isinstance(data, Mapping):
        key = "objects" if "objects" in data else "results" if "results" in data else None
        if key is None:
            raise DataFileError(
                name, [f"expected a probe archive with 'objects' or 'results', found keys {sorted(data)[:8]}"]
            )
        data = data[key]
    if not isinstance(data, list):
        raise DataFileError(name, [f"expected a list of probes, got {type(data).__name__}"])
    rows = []
    for k, p in enumerate(data):
        if not isinstance(p, Mapping) or "id" not in p:
            raise DataFileError(
                name,
                [
                    f"probe entry {k} has no 'id' "
                    "(probe archive schema: id, latitude, longitude, country_code)"
                ],
            )
        lat, lon = p.get("latitude"), p.get("longitude")
        geom = p.get("geometry")
        if (
            (lat is None or lon is None)
            and isinstance(geom, Mapping)
            and isinstance(geom.get("coordinates"), list)
        ):
            lon, lat = geom["coordinates"][:2]
        rows.append(
            {
                "probe_id": int(p["id"]),
                "lat": np.nan if lat is None else float(lat),
                "lon": np.nan if lon is None else float(lon),
                "country_code": str(p.get("country_code") or ""),
            }
        )
    df = pd.DataFrame(rows, columns=["probe_id", "lat", "lon", "country_code"]).drop_duplicates("probe_id")
    df = df.astype({"probe_id": np.int64, "lat": np.float64, "lon": np.float64})
    have = df["lat"].notna() & df["lon"].notna()
    bad = coordinate_problems(df.loc[have, "lat"].to_numpy(), df.loc[have, "lon"].to_numpy(), df.index[have])
    if bad:
        raise DataFileError(name, bad)
    return df.set_index("probe_id")


def read_ripe_atlas(
    results: PathOrBuffer | Sequence[Mapping[str, Any]],
    *,
    probes: PathOrBuffer | Mapping[str, Any] | Sequence[Mapping[str, Any]],
    targets: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """RIPE Atlas ping results joined to probe metadata, as a tidy measurement table.

    Parameters
    ----------
    results : path, file object or list of dict
        Ping results: a JSON list (API download) or NDJSON (daily dump), or parsed dicts.
    probes : path, file object, dict or list of dict
        Probe metadata: the probe archive JSON (``{"objects": [...]}``), the API's probe list
        (``{"results": [...]}``, coordinates in ``geometry``) or a list of probe dicts.
    targets : mapping of str to (lat, lon), optional
        Coordinates of the ping targets by ``dst_name`` or ``dst_addr`` [deg]; adds
        ``dst_lat``, ``dst_lon`` (needed by :func:`~cloudgeo.latency.calibrate` unless the
        targets are named by AWS region codes). Every target must be listed.

    Returns
    -------
    pandas.DataFrame
        Tidy table: ``src`` (``"probe <id>"``), ``dst`` (``dst_name`` or ``dst_addr``),
        ``rtt_ms`` [ms], ``stat`` (``min``, ``avg``, ``max``, ``p50``, ``p90`` over all replies),
        ``method`` ``"icmp"``, ``one_way`` False, ``src_lat``, ``src_lon`` [deg] (and
        ``dst_lat``, ``dst_lon``), ``source`` ``"RIPE Atlas"``, ``n_samples`` (replies),
        ``probe_id``, ``country_code`` (the probe's), ``measurement_id``.

    Raises
    ------
    MissingDependencyError
        If ``ripe.atlas.sagan`` is not installed.
    DataFileError
        On unreadable files, a result that is not a ping (names its type and position), a
        result missing RIPE's required fields, a malformed probe table, or a target missing
        from ``targets``.
    InvalidTypeError
        On arguments of the wrong type.

    Warns
    -----
    ProbeDropWarning
        When results are dropped: their probe is not in ``probes`` (or has no coordinates), or
        they have no reply; the message gives the counts.
    """
    parse = _ping_parser()
    it, name = _records(results)
    table = _probes(probes)
    if targets is not None and not isinstance(targets, Mapping):
        msg = f"targets must be a mapping of target name to (lat, lon), got {type(targets).__name__}."
        raise InvalidTypeError(msg)
    found = _collect_samples(it, name, table, parse)
    if found.n_unknown or found.n_no_reply:
        listed = ", ".join(map(str, sorted(found.unknown)[:10]))
        warnings.warn(
            f"{name}: dropped {found.n_unknown} result(s) of {len(found.unknown)} probe(s) not in the probe "
            f"table or without coordinates ({listed}) and {found.n_no_reply} result(s) with no reply.",
            ProbeDropWarning,
            stacklevel=2,
        )
    df = _sample_rows(found.samples, table)
    if targets is not None:
        missing = sorted(set(df["dst"]) - set(targets))
        if missing:
            raise DataFileError(
                name, [f"target(s) {missing[:10]} not in targets; give each target's (lat, lon)"]
            )
        df["dst_lat"] = [float(targets[d][0]) for d in df["dst"]]
        df["dst_lon"] = [float(targets[d][1]) for d in df["dst"]]
    df["source"] = "RIPE Atlas"
    cols = ["src", "dst", "rtt_ms", "stat", "method", "one_way", "src_lat", "src_lon"]
    cols += ["dst_lat", "dst_lon"] if targets is not None else []
    return df[[*cols, "source", "n_samples", "probe_id", "country_code", "measurement_id"]]


def _ping_parser() -> Callable[[Mapping[str, Any], int, str], Any]:
    """Return a parser of one raw ping result (RIPE NCC's sagan), or raise if sagan is missing."""
    try:
        from ripe.atlas.sagan import Result, ResultParseError  # type: ignore[import-untyped]
        from ripe.atlas.sagan.base import ParsingDict  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - depends on the environment
        msg = "read_ripe_atlas needs ripe.atlas.sagan (RIPE NCC's parser): pip install 'cloudgeo[ripe]'."
        raise MissingDependencyError(msg) from None

    def parse(raw: Mapping[str, Any], pos: int, name: str) -> Any:
        if not isinstance(raw, Mapping):
            raise DataFileError(name, [f"result {pos} is not a JSON object"])
        kind = str(raw.get("type", "")).lower()
        if kind != "ping":
            shown = raw.get("type", "<missing>")
            raise DataFileError(
                name, [f"result {pos} has type {shown!r}; read_ripe_atlas reads ping results only"]
            )
        try:
            return Result.get(
                dict(raw), on_error=ParsingDict.ACTION_IGNORE, on_malformation=ParsingDict.ACTION_FAIL
            )
        except ResultParseError as exc:
            raise DataFileError(
                name,
                [
                    f"result {pos} is not a valid RIPE Atlas ping result ({exc}); "
                    "required: type, prb_id, msm_id, timestamp, fw"
                ],
            ) from None

    return parse


@dataclass(frozen=True)
class _Samples:
    """Round trips [ms] per (probe, target, measurement), and the results left out."""

    samples: dict[tuple[int, str, int], list[float]]
    unknown: set[int]  # probes not in the probe table or without coordinates
    n_unknown: int  # results of those probes
    n_no_reply: int  # results without a single reply


def _collect_samples(
    it: Iterator[tuple[int, Any]],
    name: str,
    table: pd.DataFrame,
    parse: Callable[[Mapping[str, Any], int, str], Any],
) -> _Samples:
    """Parse every result and pool the replies of each (probe, target, measurement)."""
    no_coords = set(table.index[table["lat"].isna() | table["lon"].isna()])
    samples: dict[tuple[int, str, int], list[float]] = {}
    unknown: set[int] = set()
    n_unknown = n_no_reply = 0
    for pos, raw in it:
        r = parse(raw, pos, name)
        dst = r.destination_name or r.destination_address
        if not dst:
            raise DataFileError(name, [f"result {pos} has neither dst_name nor dst_addr"])
        if r.probe_id not in table.index or int(r.probe_id) in no_coords:
            unknown.add(int(r.probe_id))
            n_unknown += 1
            continue
        rtts = [float(p.rtt) for p in r.packets if p.rtt is not None]
        if not rtts:
            n_no_reply += 1
            continue
        samples.setdefault((int(r.probe_id), str(dst), int(r.measurement_id)), []).extend(rtts)
    return _Samples(samples, unknown, n_unknown, n_no_reply)


def _sample_rows(samples: dict[tuple[int, str, int], list[float]], table: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows: each statistic of RIPE_STATS per (probe, target, measurement), probe located."""
    rows = []
    for (prb, dst, msm), vals in samples.items():
        a = np.asarray(vals)
        stats = (a.min(), a.mean(), a.max(), np.quantile(a, 0.5), np.quantile(a, 0.9))
        for stat, v in zip(RIPE_STATS, stats, strict=True):
            rows.append((f"probe {prb}", dst, float(v), stat, prb, msm, len(a)))
    df = pd.DataFrame(
        rows, columns=["src", "dst", "rtt_ms", "stat", "probe_id", "measurement_id", "n_samples"]
    )
    df["method"] = "icmp"
    df["one_way"] = False
    df["src_lat"] = table["lat"].reindex(df["probe_id"]).to_numpy()
    df["src_lon"] = table["lon"].reindex(df["probe_id"]).to_numpy()
    df["country_code"] = table["country_code"].reindex(df["probe_id"]).to_numpy()
    return df
