"""Untrusted measurement files: sniffing, chunked CSV reading and row-level problem reports.

Private to :mod:`cloudgeo.io`. Files are parsed as data only (:mod:`json`,
:func:`pandas.read_csv`; never ``pickle`` or ``eval``); a file that is not what it claims (a
saved HTML error page, a JSON array where an object belongs, the wrong CSV columns) is refused
with a :class:`~cloudgeo.errors.DataFileError` naming the file, what was expected and what was
found. CSVs are read ``chunksize`` rows at a time, and problems name the file's line numbers.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_int,
)
from cloudgeo.errors import DataFileError, InvalidTypeError

PathOrBuffer = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]

_DEFAULT_CHUNKSIZE = 100_000
_MAX_LISTED = 5
_HEAD_BYTES = 4096


# file handling
# --------------------------------------------------------------------------------------------


def _file_name(path_or_buffer: object) -> str:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return os.fspath(path_or_buffer)
    name = getattr(path_or_buffer, "name", None)
    return str(name) if isinstance(name, str) else "<buffer>"


def _check_source(path_or_buffer: object, what: str) -> None:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        if not os.path.isfile(path_or_buffer):
            label = f"{what} file {os.fspath(path_or_buffer)!r}"
            raise DataFileError(
                label, ["no such file; check the path (relative paths are from the current directory)"]
            )
        return
    if not hasattr(path_or_buffer, "read"):
        msg = (
            f"{what}: expected a file path or an open file, got {type(path_or_buffer).__name__}. "
            "Pass the path to the file."
        )
        raise InvalidTypeError(msg)


def _head_text(path_or_buffer: PathOrBuffer) -> str | None:
    """Return the first few KB as text (None for an unseekable buffer)."""
    raw: str | bytes
    if isinstance(path_or_buffer, (str, os.PathLike)):
        with open(path_or_buffer, "rb") as fh:
            raw = fh.read(_HEAD_BYTES)
    else:
        buf: Any = path_or_buffer
        if not (hasattr(buf, "seekable") and buf.seekable()):
            return None
        pos = buf.tell()
        raw = buf.read(_HEAD_BYTES)
        buf.seek(pos)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return raw


def _content_problem(head: str, expected: str) -> str | None:
    """Describe why ``head`` is obviously not a data file of the expected kind, or None."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text:
        return f"expected {expected}; found an empty file"
    if "\x00" in head:
        return f"expected {expected}; found binary data (NUL bytes) - is this a compressed or binary file?"
    low = text[:200].lower()
    if low.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or (
        low.startswith("<") and "<html" in text[:2000].lower()
    ):
        first = text.splitlines()[0][:60]
        return (
            f"expected {expected}; found HTML/XML markup starting {first!r} - "
            "a web page (perhaps an error or login page) was saved instead of the data"
        )
    return None


def _sniff(path_or_buffer: PathOrBuffer, source: str, expected: str) -> str | None:
    head = _head_text(path_or_buffer)
    if head is None:
        return None
    problem = _content_problem(head, expected)
    if problem:
        raise DataFileError(source, [problem])
    return head


def _first_row(head: str | None) -> list[str] | None:
    if head is None:
        return None
    try:
        for row in csv.reader(io.StringIO(head.lstrip("\ufeff"), newline="")):
            if row and any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
    except csv.Error:  # not CSV at all: the pandas reader reports it with the file's name
        return None
    return None


def _csv_chunks(
    path_or_buffer: PathOrBuffer,
    source: str,
    *,
    chunksize: int,
    **kwargs: Any,
) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield ``(row_offset, chunk)`` from :func:`pandas.read_csv`, wrapping parser errors."""
    try:
        reader = pd.read_csv(path_or_buffer, chunksize=chunksize, encoding="utf-8-sig", **kwargs)
        offset = 0
        with reader:
            for chunk in reader:
                yield offset, chunk
                offset += len(chunk)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(source, [f"could not be parsed as CSV: {exc}"]) from None
    except ValueError as exc:  # e.g. usecols that do not match
        raise DataFileError(source, [f"could not be read as the expected CSV: {exc}"]) from None


def _data_line_numbers(path_or_buffer: PathOrBuffer) -> npt.NDArray[np.int64] | None:
    """Return the 1-based file line of each CSV data row (blank lines skipped, as pandas does).

    ``None`` if the source cannot be read twice (a non-seekable stream).
    """
    numbers: list[int] = []
    header_seen = False

    def scan(lines: Iterable[str | bytes]) -> None:
        nonlocal header_seen
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            if header_seen:
                numbers.append(i)
            header_seen = True

    try:
        if isinstance(path_or_buffer, str | os.PathLike):
            with open(path_or_buffer, "rb") as fh:
                scan(fh)
        else:
            buf: Any = path_or_buffer
            start = buf.tell()
            scan(io.StringIO(buf.read()) if not hasattr(buf, "readline") else buf)
            buf.seek(start)
    except (OSError, AttributeError, ValueError, TypeError):
        return None
    return np.asarray(numbers, dtype=np.int64)


def _line_of(
    positions: npt.NDArray[np.intp], data_lines: npt.NDArray[np.int64] | None
) -> npt.NDArray[np.int64]:
    """Return the file lines of data-row ``positions`` (header on line 1 if lines are unknown)."""
    if data_lines is None:
        return np.asarray(positions, dtype=np.int64) + 2
    return data_lines[positions]


def _as_lines(problem: str) -> str:
    """Reword a problem whose row labels are file line numbers."""
    return problem.replace("in row(s)", "on line(s)").replace("row(s)", "line(s)")


def _rows_text(labels: Sequence[Any]) -> str:
    shown = ", ".join(str(x) for x in list(labels)[:_MAX_LISTED])
    more = len(labels) - min(len(labels), _MAX_LISTED)
    return shown + (f" (+{more} more)" if more > 0 else "")


def _check_chunksize(chunksize: object) -> int:
    return check_int(chunksize, "chunksize", minimum=1)


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def _parse_bools(
    values: pd.Series, *, column: str, first_line: int, lines: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.bool_], list[str]]:
    """Parse textual booleans; return (array, problems).

    ``first_line`` is the file line of row 0; ``lines`` (if given) the file line of every row.
    """
    text = values.astype("string").str.strip().str.lower()
    is_true = text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
    is_false = text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)
    bad = ~(is_true | is_false)
    problems: list[str] = []
    if bad.any():
        where = (lines[bad] if lines is not None else np.flatnonzero(bad) + first_line).tolist()
        vals = values.to_numpy()[bad][:_MAX_LISTED].tolist()
        problems.append(
            f"{column} must be true/false (or 1/0, yes/no); found {vals} on line(s) {_rows_text(where)}"
        )
    return is_true, problems


def _header(path: PathOrBuffer, source: str, expected: str) -> list[str]:
    head = _sniff(path, source, expected)
    first = _first_row(head)
    if head is not None and first is None:
        raise DataFileError(source, [f"expected {expected}; found no header line"])
    return first or []
