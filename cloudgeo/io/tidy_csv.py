"""Reader of a plain CSV that is already the tidy measurement table (:mod:`cloudgeo.io.table`).

Owns :func:`read_measurements_csv`: read in chunks, booleans parsed strictly, every problem
reported with its line number, then :func:`~cloudgeo.io.table.validate_measurements`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cloudgeo.errors import DataFileError, DataValidationError
from cloudgeo.io._files import (
    _DEFAULT_CHUNKSIZE,
    PathOrBuffer,
    _as_lines,
    _check_chunksize,
    _check_source,
    _csv_chunks,
    _data_line_numbers,
    _file_name,
    _header,
    _line_of,
    _parse_bools,
    _rows_text,
)
from cloudgeo.io.table import COORDINATE_COLUMNS, TIDY_COLUMNS, validate_measurements

__all__ = [
    "read_measurements_csv",
]

# plain tidy CSV
# --------------------------------------------------------------------------------------------


def read_measurements_csv(path: PathOrBuffer, *, chunksize: int = _DEFAULT_CHUNKSIZE) -> pd.DataFrame:
    """Read a plain CSV already in the tidy form (see the module documentation).

    Columns ``src, dst, rtt_ms, stat, method, one_way`` are required; ``one_way`` may be written
    ``true``/``false``, ``1``/``0`` or ``yes``/``no``. Other columns are kept (coordinates are
    read as numbers). The file is read ``chunksize`` rows at a time and validated with
    :func:`validate_measurements`.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The CSV file. [-]
    chunksize : int, default 100_000
        Rows read at a time. [rows]

    Returns
    -------
    pandas.DataFrame
        The tidy table with a fresh ``RangeIndex``. [ms]

    Raises
    ------
    DataFileError
        If the file is missing, not CSV, lacks a required column, or ``one_way`` is not boolean.
    DataValidationError
        If any value is invalid (all problems listed).
    """
    name = _file_name(path)
    source = f"measurements CSV file {name!r}"
    _check_source(path, "measurements CSV")
    chunksize = _check_chunksize(chunksize)
    expected = f"a CSV with header columns {', '.join(TIDY_COLUMNS)}"
    header = _header(path, source, expected)
    if header:
        missing = [c for c in TIDY_COLUMNS if c not in header]
        if missing:
            raise DataFileError(source, [f"expected {expected}; missing {missing}; found columns {header}"])
    text_cols = {"src": str, "dst": str, "stat": str, "method": str, "one_way": str, "source": str}
    data_lines = _data_line_numbers(path)
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    for offset, chunk in _csv_chunks(
        path,
        source,
        chunksize=chunksize,
        dtype=text_cols,
        keep_default_na=False,
        na_values={"rtt_ms": ["", "NaN", "nan", "NA"]},
    ):
        missing = [c for c in TIDY_COLUMNS if c not in chunk.columns]
        if missing:
            raise DataFileError(
                source, [f"expected {expected}; missing {missing}; found columns {list(chunk.columns)}"]
            )
        in_chunk = np.arange(offset, offset + len(chunk))
        if data_lines is not None and len(data_lines) < offset + len(chunk):
            data_lines = None  # quoted fields spanning lines: fall back to row positions
        ow, ow_problems = _parse_bools(
            chunk["one_way"], column="one_way", first_line=offset + 2, lines=_line_of(in_chunk, data_lines)
        )
        problems.extend(ow_problems)
        chunk = chunk.copy()
        chunk["one_way"] = ow
        for col in COORDINATE_COLUMNS:
            if col in chunk.columns:
                chunk[col] = pd.to_numeric(chunk[col], errors="coerce")
        parts.append(chunk)
    if problems:
        raise DataFileError(source, problems)
    if sum(len(p) for p in parts) == 0:
        raise DataFileError(source, [f"expected {expected}; found a header but no rows"])
    rows = pd.concat(parts, ignore_index=True)
    rtt = pd.to_numeric(rows["rtt_ms"], errors="coerce")
    nonnum = rtt.isna() & rows["rtt_ms"].notna()
    if data_lines is not None and len(data_lines) != len(rows):
        data_lines = None  # quoted fields spanning lines: fall back to row positions
    if nonnum.any():
        lines = _line_of(np.flatnonzero(nonnum.to_numpy()), data_lines).tolist()
        raise DataValidationError(source, [f"rtt_ms is not a number on line(s) {_rows_text(lines)}"])
    rows["rtt_ms"] = rtt.astype(float)
    try:
        validate_measurements(rows.set_axis(_line_of(np.arange(len(rows)), data_lines)), source=source)
    except DataValidationError as exc:  # row labels are file line numbers here
        raise DataValidationError(source, [_as_lines(p) for p in exc.problems]) from None
    return rows
