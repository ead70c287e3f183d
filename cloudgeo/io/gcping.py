"""Reader of gcping's CSV output (client to cloud regions) into the tidy table.

Owns :func:`read_gcping_csv`: the per-request file (one HTTP round trip per line; the
statistic is computed per region like gcping does: median, mean, min or max of the successful
requests) and the cumulative report (one latency per region). ``src`` is ``"client"``, with
coordinates when given.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_number,
)
from cloudgeo.errors import DataFileError, InvalidInputError
from cloudgeo.io._files import (
    _DEFAULT_CHUNKSIZE,
    PathOrBuffer,
    _check_chunksize,
    _check_source,
    _csv_chunks,
    _file_name,
    _first_row,
    _parse_bools,
    _rows_text,
    _sniff,
)
from cloudgeo.io.table import _finish

__all__ = [
    "read_gcping_csv",
]

# gcping CSV
# --------------------------------------------------------------------------------------------

_GCPING_CUM_HEADER = ["region", "latency_ns", "errors"]
_GCPING_REQ_COLUMNS = ["region", "endpoint", "duration_ns", "error"]
_GCPING_REPORT_LINE = re.compile(r"^\s*\d+\.\s*\[[^\]]*\]")
_GCPING_STATS = ("p50", "avg", "min", "max")


def read_gcping_csv(
    path: PathOrBuffer,
    *,
    stat: str = "p50",
    src: str = "client",
    src_lat: float | None = None,
    src_lon: float | None = None,
    chunksize: int = _DEFAULT_CHUNKSIZE,
) -> pd.DataFrame:
    """Read the CSV output of the gcping command-line tool into the tidy table.

    gcping times an HTTP GET of ``/ping`` on an endpoint in every Google Cloud region, from
    the machine it runs on (so ``src`` is that client, not a region), ``-n`` times per region
    (default 10). Two CSV outputs exist, both recognised:

    * ``gcping -csv``: one line per request, no header: ``region,endpoint,duration_ns,error``
      (``error`` is ``true``/``false``). gcping prints its ranked text report
      (``" 1.  [us-west2]  24.8ms"``) after these lines; such report lines are skipped. Failed
      requests (``error=true``) are left out of the statistic and counted in ``n_errors``.
    * ``gcping -csv-cum``: a header ``region,latency_ns,errors`` and one line per region with
      gcping's median; only ``stat="p50"`` is available from it.

    The median is computed as gcping computes it: the middle sample after sorting, the upper
    of the two middle samples for an even count.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The CSV file. [-]
    stat : {"p50", "avg", "min", "max"}, default "p50"
        Statistic over each region's requests (per-request form only; the cumulative form
        holds the median). [-]
    src : str, default "client"
        Label of the machine gcping ran on. [-]
    src_lat, src_lon : float, optional
        That machine's coordinates, added as ``src_lat``/``src_lon`` when given (both or
        neither). [deg]
    chunksize : int, default 100_000
        Rows read at a time. [rows]

    Returns
    -------
    pandas.DataFrame
        Tidy table, one row per region, ``method="http"``, ``one_way=False``,
        ``source="gcping"``, plus ``n_samples`` and ``n_errors``. [ms]

    Raises
    ------
    DataFileError
        If the file is missing or in neither gcping CSV form, or a line is malformed.
    InvalidInputError
        If ``stat`` is not available for the file's form, or coordinates are invalid.

    References
    ----------
    GoogleCloudPlatform/gcping, ``worker.go`` (``-csv`` line format, median as the middle
    sorted sample) and ``reportCSV`` (``-csv-cum`` header ``region,latency_ns,errors``).
    """
    name = _file_name(path)
    source = f"gcping CSV file {name!r}"
    _check_source(path, "gcping CSV")
    check_choice(stat, "stat", _GCPING_STATS)
    chunksize = _check_chunksize(chunksize)
    if not isinstance(src, str) or not src.strip():
        msg = f"src must be a non-empty label for the probing machine, got {src!r}."
        raise InvalidInputError(msg)
    coords = _src_coords(src_lat, src_lon)
    expected = (
        "gcping CSV output: lines 'region,endpoint,duration_ns,error' (gcping -csv) or a header "
        "'region,latency_ns,errors' (gcping -csv-cum)"
    )
    head = _sniff(path, source, expected)
    first = _first_row(head)
    if first is not None and [c.lower() for c in first] == _GCPING_CUM_HEADER:
        if stat != "p50":
            msg = (
                f"stat={stat!r} is not available from {name!r}: it is gcping -csv-cum output, which "
                "holds one median per region. Use stat='p50', or run gcping -csv for per-request times."
            )
            raise InvalidInputError(msg)
        rows = _read_gcping_cumulative(path, source, chunksize)
    elif first is None or (len(first) == 4 and first[0].lower() != "region"):
        rows = _read_gcping_requests(path, source, stat, chunksize, expected)
    else:
        raise DataFileError(source, [f"expected {expected}; found a first line {first!r}"])
    rows.insert(0, "src", src)
    if coords is not None:
        rows["src_lat"], rows["src_lon"] = coords
    return _finish(rows, source)


def _src_coords(src_lat: float | None, src_lon: float | None) -> tuple[float, float] | None:
    if src_lat is None and src_lon is None:
        return None
    if src_lat is None or src_lon is None:
        msg = f"give both src_lat and src_lon or neither; got src_lat={src_lat!r}, src_lon={src_lon!r}."
        raise InvalidInputError(msg)
    la = check_number(src_lat, "src_lat")
    lo = check_number(src_lon, "src_lon")
    if abs(la) > 90 or abs(lo) > 180:
        msg = f"src_lat must be in [-90, 90] and src_lon in [-180, 180] [deg]; got ({la:g}, {lo:g})."
        raise InvalidInputError(msg)
    return la, lo


def _read_gcping_cumulative(path: PathOrBuffer, source: str, chunksize: int) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    for offset, chunk in _csv_chunks(path, source, chunksize=chunksize, dtype=str, keep_default_na=False):
        chunk.columns = [str(c).strip().lower() for c in chunk.columns]
        ns = pd.to_numeric(chunk["latency_ns"], errors="coerce")
        errs = pd.to_numeric(chunk["errors"], errors="coerce")
        bad = (ns.isna() | errs.isna()).to_numpy()
        if bad.any():
            lines = (np.flatnonzero(bad) + offset + 2).tolist()
            problems.append(f"latency_ns and errors must be integers; bad on line(s) {_rows_text(lines)}")
            continue
        parts.append(
            pd.DataFrame(
                {
                    "dst": chunk["region"].str.strip().to_numpy(),
                    "rtt_ms": ns.to_numpy(dtype=float) / 1e6,
                    "stat": "p50",
                    "method": "http",
                    "one_way": False,
                    "source": "gcping",
                    "n_samples": pd.NA,
                    "n_errors": errs.to_numpy(dtype=np.int64),
                }
            )
        )
    if problems:
        raise DataFileError(source, problems)
    if not parts:
        raise DataFileError(source, ["found a header but no measurements"])
    return pd.concat(parts, ignore_index=True)


def _read_gcping_requests(
    path: PathOrBuffer, source: str, stat: str, chunksize: int, expected: str
) -> pd.DataFrame:
    """Read the per-request form (``gcping -csv``) and take ``stat`` over each region's requests."""
    samples, errors = _request_samples(path, source, chunksize, expected)
    return _per_region(samples, errors, stat, source)


def _request_samples(
    path: PathOrBuffer, source: str, chunksize: int, expected: str
) -> tuple[dict[str, list[npt.NDArray[np.float64]]], dict[str, int]]:
    """Collect each region's successful request times [ms] and its count of failed requests."""
    samples: dict[str, list[npt.NDArray[np.float64]]] = {}
    errors: dict[str, int] = {}
    problems: list[str] = []
    for offset, chunk in _csv_chunks(
        path,
        source,
        chunksize=chunksize,
        header=None,
        names=_GCPING_REQ_COLUMNS,
        dtype=str,
        keep_default_na=False,
        na_values=[],
    ):
        frame, chunk_problems = _request_chunk(chunk, offset + 1, expected)
        problems.extend(chunk_problems)
        if frame is None:
            continue
        for key, grp in frame.groupby("region", sort=False):
            k = str(key)
            ok = grp["ms"].to_numpy()[~grp["err"].to_numpy()]
            samples.setdefault(k, []).append(ok)
            errors[k] = errors.get(k, 0) + int(grp["err"].sum())
    if problems:
        raise DataFileError(source, problems)
    if not samples:
        raise DataFileError(source, [f"expected {expected}; found no request lines"])
    return samples, errors


def _request_chunk(
    chunk: pd.DataFrame, first_line: int, expected: str
) -> tuple[pd.DataFrame | None, list[str]]:
    """Return one chunk's requests (``region``, ``ms``, ``err``; report lines skipped) or its problems."""
    region = chunk["region"].str.strip()
    rest_empty = (chunk["endpoint"].fillna("") == "") & (chunk["duration_ns"].fillna("") == "")
    report = (region.str.match(_GCPING_REPORT_LINE).fillna(False) & rest_empty).to_numpy(dtype=bool)
    data = chunk.loc[~report]
    if data.empty:
        return None, []
    ns = pd.to_numeric(data["duration_ns"], errors="coerce")
    bad = ns.isna().to_numpy()
    if bad.any():
        lines = (np.flatnonzero(~report)[bad] + first_line).tolist()
        shown = data["region"].to_numpy()[bad][:2].tolist()
        problem = (
            f"expected {expected}; lines {_rows_text(lines)} have no integer duration_ns "
            f"(first field(s) {shown})"
        )
        return None, [problem]
    err, err_problems = _parse_bools(data["error"].fillna(""), column="error", first_line=first_line)
    if err_problems:
        return None, err_problems
    reg = region.loc[~report].to_numpy()
    ms = ns.to_numpy(dtype=float) / 1e6
    return pd.DataFrame({"region": reg, "ms": ms, "err": err}), []


def _sample_stat(values: npt.NDArray[np.float64], stat: str) -> float:
    """Return ``stat`` of sorted samples as gcping computes it (the median: the upper middle one)."""
    if stat == "p50":
        return float(values[values.size // 2])
    if stat == "avg":
        return float(values.mean())
    if stat == "min":
        return float(values[0])
    return float(values[-1])


def _per_region(
    samples: dict[str, list[npt.NDArray[np.float64]]], errors: dict[str, int], stat: str, source: str
) -> pd.DataFrame:
    """One row per region with ``stat`` of its requests; regions where every request failed warn."""
    dst: list[str] = []
    rtt: list[float] = []
    n_ok: list[int] = []
    n_err: list[int] = []
    failed: list[str] = []
    for region_name, arrays in samples.items():
        values = np.sort(np.concatenate(arrays))
        if values.size == 0:
            failed.append(region_name)
            continue
        dst.append(region_name)
        rtt.append(_sample_stat(values, stat))
        n_ok.append(int(values.size))
        n_err.append(errors[region_name])
    if failed and dst:
        warnings.warn(
            f"{source}: every request failed for {len(failed)} region(s), which were left out: "
            f"{_rows_text(failed)}",
            UserWarning,
            stacklevel=4,  # the caller of read_gcping_csv
        )
    if not dst:
        raise DataFileError(source, ["every request in the file failed (error=true); no latency to report"])
    return pd.DataFrame(
        {
            "dst": dst,
            "rtt_ms": rtt,
            "stat": stat,
            "method": "http",
            "one_way": False,
            "source": "gcping",
            "n_samples": n_ok,
            "n_errors": n_err,
        }
    )
