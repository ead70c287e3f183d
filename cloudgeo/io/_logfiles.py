"""Finding, opening and sniffing CloudFront log files (local paths, globs, fsspec URLs).

A file's format is told from its first bytes: gzip is unwrapped, ``#Version:`` starts a W3C
standard log, ``{`` a JSON-lines v2 log, ``PAR1`` a Parquet v2 log; anything else is a
real-time log when the caller gave its field list.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from cloudgeo.errors import DataFileError, InvalidInputError, InvalidTypeError, LogFileNotFoundError

__all__ = ["LogFile", "expand_paths", "is_url", "open_binary", "open_text_lines", "sniff"]

#: The W3C versions CloudFront writes.
KNOWN_VERSIONS = ("1.0",)


@dataclass(frozen=True)
class LogFile:
    """One log file: where it is, its format, its fields and the header lines to skip."""

    path: str
    format: str  # "w3c", "json", "parquet" or "realtime"
    fields: tuple[str, ...]
    header_lines: int
    gzip: bool


def is_url(path: str) -> bool:
    """Return whether ``path`` is an fsspec URL (``s3://...``, ``memory://...``)."""
    return "://" in path and not path.startswith("file://")


def expand_paths(paths: object) -> list[str]:
    """Expand a path, glob, URL or a sequence of them into a sorted list of files."""
    if isinstance(paths, (str, os.PathLike)):
        items: list[object] = [paths]
    elif isinstance(paths, Sequence) and not isinstance(paths, bytes):
        items = list(paths)
    else:
        msg = f"paths must be a path, a glob or a list of them, got {type(paths).__name__}."
        raise InvalidTypeError(msg)
    if not items:
        msg = "paths is empty; pass at least one log file, glob or URL."
        raise InvalidInputError(msg)
    out: list[str] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            msg = f"each path must be a str or os.PathLike, got {type(item).__name__}: {item!r}."
            raise InvalidTypeError(msg)
        out.extend(_expand_one(os.fspath(item)))
    return out


def _expand_one(path: str) -> list[str]:
    if is_url(path):
        import fsspec

        fs, _, found = fsspec.core.get_fs_token_paths(path)
        protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
        found = [
            p if "://" in p else f"{protocol}://{p.lstrip('/') if protocol != 'memory' else p}" for p in found
        ]
    elif glob.has_magic(path):
        found = sorted(glob.glob(path, recursive=True))
    else:
        found = [path] if os.path.isfile(path) else []
    if not found:
        raise LogFileNotFoundError(path)
    return sorted(found)


def _open_raw(path: str, compression: str | None = None) -> IO[bytes]:
    if is_url(path):
        import fsspec

        # fsspec's open file closes the layers below it (remote file, decompressor) on close
        return fsspec.open(path, "rb", compression=compression).open()  # type: ignore[no-any-return]
    if compression == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def open_binary(path: str) -> IO[bytes]:
    """Open ``path`` (local or fsspec URL) for reading bytes, unwrapping gzip."""
    with _open_raw(path) as raw:
        head = raw.read(2)
    return _open_raw(path, "gzip" if head == b"\x1f\x8b" else None)


def _is_gzip(path: str) -> bool:
    with _open_raw(path) as raw:
        return raw.read(2) == b"\x1f\x8b"


def open_text_lines(path: str, bad: list[Any] | None = None) -> Iterator[tuple[int, str]]:
    """Yield (line number from 1, line without its newline) of a text log, gzip or plain.

    A truncated gzip member or a line that is not UTF-8 ends the reading: it is appended to
    ``bad`` as (file, line, reason, text) when given, else raised as :class:`DataFileError`.
    """
    lineno = 0
    with open_binary(path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8", errors="strict", newline="")
        try:
            for lineno, line in enumerate(text, start=1):
                yield lineno, line.rstrip("\r\n")
        except (EOFError, OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                reason = f"not UTF-8 text ({exc.reason})"
            else:
                reason = f"the gzip stream ends early or is corrupt (truncated file?); lines 1-{lineno} read"
            if bad is None:
                raise DataFileError(path, [f"line {lineno + 1}: {reason}"]) from None
            bad.append((path, lineno + 1, reason, ""))


def sniff(path: str, realtime_fields: Sequence[str] | None) -> LogFile:
    """Tell the format of one file and read its field list."""
    gz = _is_gzip(path)
    with open_binary(path) as fh:
        head = fh.read(4)
    if head == b"PAR1":
        import pyarrow.parquet as pq

        with open_binary(path) as fh:
            names = tuple(str(n) for n in pq.ParquetFile(fh).schema_arrow.names)
        return LogFile(path, "parquet", names, 0, gz)
    lines = _first_lines(path, 3)
    first = lines[0] if lines else ""
    if first.startswith("#Version:"):
        return _sniff_w3c(path, lines, gz)
    if first.lstrip().startswith("{"):
        return LogFile(path, "json", (), 0, gz)
    if realtime_fields is not None:
        return LogFile(path, "realtime", tuple(realtime_fields), 0, gz)
    problem = (
        "line 1: neither a standard log (#Version: header), a JSON-lines or Parquet v2 log; "
        "for a real-time log pass realtime_fields (the field list of its configuration)"
    )
    raise DataFileError(path, [problem])


def _first_lines(path: str, n: int) -> list[str]:
    out: list[str] = []
    for _, line in open_text_lines(path):
        out.append(line)
        if len(out) >= n:
            break
    return out


def _sniff_w3c(path: str, lines: list[str], gz: bool) -> LogFile:
    version = lines[0].removeprefix("#Version:").strip()
    if version not in KNOWN_VERSIONS:
        known = ", ".join(KNOWN_VERSIONS)
        problem = f"line 1: unknown W3C log version {version!r}; cloudgeo reads version(s) {known}"
        raise DataFileError(path, [problem])
    if len(lines) < 2 or not lines[1].startswith("#Fields:"):
        raise DataFileError(path, ["line 2: expected the '#Fields:' line after '#Version:'"])
    fields = tuple(lines[1].removeprefix("#Fields:").split())
    if not fields:
        raise DataFileError(path, ["line 2: the '#Fields:' line names no field"])
    if len(set(fields)) != len(fields):
        dup = sorted({f for f in fields if fields.count(f) > 1})
        raise DataFileError(path, [f"line 2: the '#Fields:' line repeats {dup}"])
    return LogFile(path, "w3c", fields, 2, gz)


def arrow_input(path: str, gz: bool) -> Any:
    """Return a pyarrow input stream over the (decompressed) bytes of ``path``."""
    import pyarrow as pa

    if is_url(path):
        import fsspec

        raw = pa.PythonFile(fsspec.open(path, "rb").open(), mode="r")
        return pa.CompressedInputStream(raw, "gzip") if gz else raw
    return pa.input_stream(path, compression="gzip" if gz else None)
