"""Reading CloudFront access logs into typed frames, pandas (in bounded chunks) or dask.

Owns :func:`read_cloudfront_logs` (standard logs, standard logging v2 as W3C, JSON lines or
Parquet, real-time logs) and :func:`write_cloudfront_log` (the standard format, for tests,
benchmarks and exports). Field names, kinds and types live in :mod:`cloudgeo.io._logfields`;
finding and sniffing files in :mod:`cloudgeo.io._logfiles`.

References
----------
Amazon CloudFront Developer Guide, "Standard logging reference" (log file fields),
"Configure standard logging (v2)" (output formats) and "Real-time access logs" (fields).
W3C Working Draft WD-logfile-960323, "Extended Log File Format".
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import check_choice, check_int
from cloudgeo.errors import (
    BadLogLinesWarning,
    DataFileError,
    InvalidInputError,
    InvalidTypeError,
    UnknownEdgeLocationError,
)
from cloudgeo.io._logfields import (
    DEFAULT_COLUMNS,
    EDGE_COLUMNS,
    KIND_PATTERNS,
    STANDARD_FIELDS,
    arrow_type,
    canonical,
    column_of,
)
from cloudgeo.io._logfiles import LogFile, arrow_input, expand_paths, open_binary, open_text_lines, sniff

__all__ = ["BAD_LINE_COLUMNS", "LogReadResult", "read_cloudfront_logs", "write_cloudfront_log"]

ENGINES = ("pandas", "dask")
ERRORS = ("raise", "collect")
CLIENT_IP = ("drop", "truncate")
BAD_LINE_COLUMNS = ("file", "line", "reason", "text")
_REQUIRED_KINDS = ("date", "time", "epoch_s", "epoch_ms", "edge")  # never null
_CHUNK_ROWS = 1_000_000
_IP_KINDS = ("ip", "ips")


@dataclass(frozen=True)
class LogReadResult:
    """The good rows and the set-aside lines of a read with ``errors="collect"``.

    Attributes
    ----------
    logs : pandas.DataFrame or dask.dataframe.DataFrame
        The typed rows (as :func:`read_cloudfront_logs` returns them).
    bad_lines : pandas.DataFrame or dask.dataframe.DataFrame
        One row per line set aside: ``file``, ``line`` (from 1), ``reason``, ``text``.
    """

    logs: Any
    bad_lines: Any


@dataclass(frozen=True)
class _Plan:
    """What to read from each file and how to type it."""

    columns: tuple[str, ...]  # output columns, in order
    fields_asked: Any  # None, "all" or a tuple of names
    client_ip: str
    as_of: Any
    chunk_rows: int
    errors: str


def _bad_frame(rows: Sequence[tuple[str, int, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(BAD_LINE_COLUMNS))
    return frame.astype({"file": "str", "line": "int64", "reason": "str", "text": "str"})


# --------------------------------------------------------------------------------------------
# choosing fields
# --------------------------------------------------------------------------------------------


def _available_columns(info: LogFile, client_ip: str) -> dict[str, list[str]]:
    """Map each output column the file can give to the source fields it needs."""
    avail: dict[str, list[str]] = {}
    by_kind = {column_of(f)[2]: f for f in info.fields}
    for field in info.fields:
        _, column, kind = column_of(field)
        if kind in ("date", "time", "epoch_s", "epoch_ms"):
            continue
        if kind in _IP_KINDS and client_ip == "drop":
            continue
        avail[column] = [field]
        if kind == "edge":
            avail.update({c: [field] for c in EDGE_COLUMNS})
    if "date" in by_kind and "time" in by_kind:
        avail["timestamp"] = [by_kind["date"], by_kind["time"]]
    elif "epoch_ms" in by_kind:
        avail["timestamp"] = [by_kind["epoch_ms"]]
    elif "epoch_s" in by_kind:
        avail["timestamp"] = [by_kind["epoch_s"]]
    return avail


def _choose_columns(info: LogFile, plan: _Plan) -> tuple[str, ...]:
    avail = _available_columns(info, plan.client_ip)
    if plan.fields_asked is None:
        return tuple(c for c in DEFAULT_COLUMNS if c in avail)
    if plan.fields_asked == "all":
        order = ["timestamp", "edge_code", *EDGE_COLUMNS]
        return tuple(dict.fromkeys([c for c in order if c in avail] + list(avail)))
    wanted = [_column_name(f) for f in plan.fields_asked]
    missing = [f for f, c in zip(plan.fields_asked, wanted, strict=True) if c not in avail]
    if missing:
        hint = ""
        if any(column_of(f)[2] in _IP_KINDS for f in missing):
            hint = "; client addresses are dropped unless client_ip='truncate'"
        problem = f"the file has no field(s) {missing} (it has {list(info.fields)}){hint}"
        raise DataFileError(info.path, [problem])
    return tuple(dict.fromkeys(wanted))


def _column_name(name: str) -> str:
    if name in ("timestamp", *EDGE_COLUMNS):
        return name
    known = {column_of(f)[1] for f in (*STANDARD_FIELDS, "timestamp")}
    return name if name in known else column_of(name)[1]


def _source_fields(info: LogFile, columns: Sequence[str], client_ip: str) -> list[str]:
    avail = _available_columns(info, client_ip)
    needed = {f for c in columns for f in avail[c]}
    return [f for f in info.fields if f in needed]


# --------------------------------------------------------------------------------------------
# typed Arrow tables: the fast path (pyarrow's CSV reader) and the checked path (line by line)
# --------------------------------------------------------------------------------------------


def _tsv_reader(info: LogFile, fields: Sequence[str], skip_rows: int, block_bytes: int) -> Any:
    import pyarrow.csv as pacsv

    return pacsv.open_csv(
        arrow_input(info.path, info.gzip),
        read_options=pacsv.ReadOptions(
            column_names=list(info.fields), skip_rows=info.header_lines + skip_rows, block_size=block_bytes
        ),
        parse_options=pacsv.ParseOptions(
            delimiter="\t", quote_char=False, escape_char=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(fields),
            column_types={f: arrow_type(column_of(f)[2]) for f in fields},
            null_values=["-"],
            strings_can_be_null=True,
        ),
    )


def _fast_batches(info: LogFile, fields: Sequence[str], done: list[int]) -> Iterator[tuple[Any, Any]]:
    """Yield (typed batch, line numbers) with pyarrow; ``done[0]`` counts the rows yielded."""
    import pyarrow as pa

    reader = _tsv_reader(info, fields, 0, 4 << 20)  # 4 MB blocks: less read-ahead memory
    for batch in reader:
        if batch.num_rows == 0:
            continue
        if any(batch.column(f).null_count for f in fields if column_of(f)[2] in _REQUIRED_KINDS):
            msg = "a required field is null"
            raise pa.ArrowInvalid(msg)
        start = info.header_lines + done[0] + 1
        yield batch, np.arange(start, start + batch.num_rows, dtype=np.int64)
        done[0] += batch.num_rows


def _cast_strings(values: Any, kind: str) -> Any:
    """Cast a checked Arrow string array to the type of ``kind``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "time":
        parts = [pc.cast(pc.utf8_slice_codeunits(values, a, a + 2), pa.int32()) for a in (0, 3, 6)]
        secs = pc.add(pc.add(pc.multiply(parts[0], 3600), pc.multiply(parts[1], 60)), parts[2])
        return pc.cast(pc.cast(secs, pa.int32()), pa.time32("s"))
    if kind in ("cat", "edge"):
        return values.dictionary_encode()
    target = arrow_type(kind)
    return values if pa.types.is_string(target) else pc.cast(values, target)


def _check_rows(
    info: LogFile, rows: list[tuple[int, list[str | None]]], fields: Sequence[str], bad: list[Any]
) -> tuple[Any, npt.NDArray[np.int64]]:
    """Type rows of text fields (``None`` = null): bad values go to ``bad``, the rest to a table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = np.array([n for n, _ in rows], dtype=np.int64)
    in_order = info.format in ("json", "parquet")  # rows hold just `fields`, in order
    pos = list(range(len(fields))) if in_order else [info.fields.index(f) for f in fields]
    cols = [pa.array([r[p] for _, r in rows], type=pa.string()) for p in pos]
    ok = np.ones(len(rows), dtype=bool)
    for field, col in zip(fields, cols, strict=True):
        kind = column_of(field)[2]
        valid = np.ones(len(rows), dtype=bool)
        if kind in KIND_PATTERNS:
            matched = pc.match_substring_regex(col, KIND_PATTERNS[kind])
            valid = matched.fill_null(kind not in _REQUIRED_KINDS).to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(ok & ~valid):
            value = col[int(i)].as_py()
            what = "missing" if value is None else f"{value!r} is not a valid {kind} value"
            bad.append((info.path, int(lines[i]), f"field {field}: {what}", "\t".join(_texts(rows[i][1]))))
        ok &= valid
    keep = pa.array(ok)
    typed = [
        _cast_strings(pc.filter(col, keep), column_of(f)[2]) for f, col in zip(fields, cols, strict=True)
    ]
    return pa.table(typed, names=list(fields)), lines[ok]


def _texts(values: list[str | None]) -> list[str]:
    return ["-" if v is None else str(v) for v in values]


def _split_line(info: LogFile, lineno: int, line: str, bad: list[Any]) -> list[str | None] | None:
    """Split one TSV line; header-like lines and blank lines give ``None`` (not data)."""
    if not line:
        return None
    if line.startswith("#"):
        same = line.startswith("#Version:") or line.removeprefix("#Fields:").split() == list(info.fields)
        if not same:
            bad.append(
                (info.path, lineno, "a '#' line that is not this file's #Version/#Fields header", line)
            )
        return None
    parts = line.split("\t")
    if len(parts) != len(info.fields):
        reason = f"expected {len(info.fields)} tab-separated fields (as declared), got {len(parts)}"
        bad.append((info.path, lineno, reason, line))
        return None
    return [None if p == "-" else p for p in parts]


def _checked_tsv(
    info: LogFile, fields: Sequence[str], skip_rows: int, chunk_rows: int, bad: list[Any]
) -> Iterator[tuple[Any, npt.NDArray[np.int64]]]:
    """Read a TSV log line by line from data row ``skip_rows``: exact line numbers, bad lines set aside."""
    rows: list[tuple[int, list[str | None]]] = []
    seen = 0
    for lineno, line in open_text_lines(info.path, bad):
        if lineno <= info.header_lines:
            continue
        if seen < skip_rows:  # rows the fast path already delivered
            seen += 1
            continue
        parts = _split_line(info, lineno, line, bad)
        if parts is not None:
            rows.append((lineno, parts))
        if len(rows) >= chunk_rows:
            yield _check_rows(info, rows, fields, bad)
            rows = []
    if rows:
        yield _check_rows(info, rows, fields, bad)


def _json_batches(
    info: LogFile, fields: Sequence[str], chunk_rows: int, bad: list[Any]
) -> Iterator[tuple[Any, npt.NDArray[np.int64]]]:
    keys = {canonical(f): f for f in fields}
    rows: list[tuple[int, list[str | None]]] = []
    for lineno, line in open_text_lines(info.path, bad):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise TypeError
        except (ValueError, TypeError):
            bad.append((info.path, lineno, "not a JSON object", line))
            continue
        by_key = {canonical(str(k)): v for k, v in record.items()}
        missing = [f for k, f in keys.items() if k not in by_key]
        if missing:
            bad.append((info.path, lineno, f"missing field(s) {missing}", line))
            continue
        rows.append((lineno, [_json_text(by_key[k]) for k in keys]))
        if len(rows) >= chunk_rows:
            yield _check_rows(info, rows, fields, bad)
            rows = []
    if rows:
        yield _check_rows(info, rows, fields, bad)


def _json_text(value: object) -> str | None:
    if value is None or value == "-":
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _json_fields(info: LogFile) -> LogFile:
    """Read the field list of a JSON-lines log from its first record."""
    for lineno, line in open_text_lines(info.path):
        if line.strip():
            try:
                record = json.loads(line)
            except ValueError:
                raise DataFileError(info.path, [f"line {lineno}: not a JSON object"]) from None
            if not isinstance(record, dict) or not record:
                raise DataFileError(info.path, [f"line {lineno}: not a JSON object with fields"])
            return LogFile(info.path, "json", tuple(str(k) for k in record), 0, info.gzip)
    raise DataFileError(info.path, ["the file holds no JSON record"])


def _parquet_batches(
    info: LogFile, fields: Sequence[str], chunk_rows: int, bad: list[Any]
) -> Iterator[tuple[Any, npt.NDArray[np.int64]]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    start = 1
    with open_binary(info.path) as fh:
        for batch in pq.ParquetFile(fh).iter_batches(batch_size=chunk_rows, columns=list(fields)):
            cols = []
            for f in fields:
                col = batch.column(f)
                col = col if pa.types.is_string(col.type) else pc.cast(col, pa.string())
                cols.append(pc.if_else(pc.equal(col, "-"), None, col))
            values = zip(*(c.to_pylist() for c in cols), strict=True)
            rows = list(zip(range(start, start + batch.num_rows), values, strict=True))
            start += batch.num_rows
            yield _check_rows(info, [(n, list(r)) for n, r in rows], fields, bad)


def _typed_batches(
    info: LogFile, fields: Sequence[str], plan: _Plan, bad: list[Any]
) -> Iterator[tuple[Any, npt.NDArray[np.int64]]]:
    """Yield typed Arrow tables of one file with their line numbers (bad lines into ``bad``)."""
    import pyarrow as pa

    if info.format == "json":
        yield from _json_batches(info, fields, plan.chunk_rows, bad)
        return
    if info.format == "parquet":
        yield from _parquet_batches(info, fields, plan.chunk_rows, bad)
        return
    done = [0]
    try:
        yield from _fast_batches(info, fields, done)
    except (pa.ArrowInvalid, OSError, EOFError):
        # the fast parse met something it cannot type: re-read from the failing block line by
        # line, which names the file and line of every problem
        yield from _checked_tsv(info, fields, done[0], plan.chunk_rows, bad)


# --------------------------------------------------------------------------------------------
# typed Arrow table -> pandas frame
# --------------------------------------------------------------------------------------------


def _timestamp(table: Any, info_fields: Sequence[str]) -> pd.Series:
    kinds = {column_of(f)[2]: f for f in info_fields if f in table.column_names}
    if "date" in kinds:
        days = table.column(kinds["date"]).to_numpy().astype("datetime64[D]").astype("datetime64[ms]")
        secs = np.asarray(table.column(kinds["time"]).cast("int32").to_numpy(), dtype=np.int64)
        values = days + secs.astype("timedelta64[s]")
    elif "epoch_ms" in kinds:
        values = np.asarray(table.column(kinds["epoch_ms"]).to_numpy(), dtype=np.int64).astype(
            "datetime64[ms]"
        )
    else:
        secs_f = np.asarray(table.column(kinds["epoch_s"]).to_numpy(), dtype=np.float64)
        values = np.rint(secs_f * 1000.0).astype(np.int64).astype("datetime64[ms]")
    return pd.Series(pd.DatetimeIndex(values).tz_localize("UTC"), name="timestamp")


def _url_decode(values: Any) -> Any:
    """URL-decode the values holding ``%`` (each distinct value once); undecodable kept as written."""
    import urllib.parse

    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    has = pc.match_substring(values, "%").fill_null(False)
    if not pc.any(has).as_py():
        return values
    encoded = values.dictionary_encode()
    out = []
    for text in encoded.dictionary.to_pylist():
        try:
            out.append(urllib.parse.unquote(text, errors="strict") if "%" in text else text)
        except UnicodeDecodeError:
            out.append(text)
    return pc.take(pa.array(out, type=pa.string()), encoded.indices)


def _truncate_ips(values: Any, source: str) -> Any:
    """Truncate each client address to its /24 (IPv4) or /48 (IPv6) network (distinct values once)."""
    import ipaddress

    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = (
        values.combine_chunks().dictionary_encode()
        if isinstance(values, pa.ChunkedArray)
        else values.dictionary_encode()
    )
    out = []
    for text in encoded.dictionary.to_pylist():
        nets = []
        for part in text.split(","):
            try:
                net = ipaddress.ip_network(part.strip(), strict=False)
            except ValueError:
                msg = f"{source}: {part.strip()!r} is not an IP address (client_ip='truncate' needs one)."
                raise InvalidInputError(msg) from None
            bits = 24 if net.version == 4 else 48
            nets.append(str(net.supernet(new_prefix=bits) if net.prefixlen > bits else net))
        out.append(", ".join(nets))
    return pc.take(pa.array(out, type=pa.string()), encoded.indices)


def _edge_columns(
    codes: Any, lines: npt.NDArray[np.int64], info: LogFile, plan: _Plan, bad: list[Any]
) -> tuple[dict[str, Any], npt.NDArray[np.bool_]]:
    """Decode the edge codes (each distinct code once); rows with unknown codes are flagged."""
    from cloudgeo.catalog import lookup_edge_location

    codes = codes.combine_chunks() if hasattr(codes, "combine_chunks") else codes
    uniques = [str(u) for u in codes.dictionary.to_pylist()]
    index = np.asarray(codes.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    ok_code = np.ones(len(uniques), dtype=bool)
    try:
        table = lookup_edge_location(uniques, as_of=plan.as_of) if uniques else None
    except (UnknownEdgeLocationError, InvalidInputError):
        for i, u in enumerate(uniques):
            try:
                lookup_edge_location(u, as_of=plan.as_of)
            except (UnknownEdgeLocationError, InvalidInputError) as exc:
                ok_code[i] = False
                for row in np.flatnonzero(index == i):
                    bad.append((info.path, int(lines[row]), f"field x-edge-location: {exc}", str(u)))
        good = [u for u, k in zip(uniques, ok_code, strict=True) if k]
        table = lookup_edge_location(good, as_of=plan.as_of) if good else None
    row_of = np.cumsum(ok_code) - 1
    keep = ok_code[index] if len(uniques) else np.zeros(len(index), dtype=bool)
    take = row_of[index[keep]]
    cats = pd.Index(uniques, dtype="str")
    cols: dict[str, Any] = {"edge_code": pd.Categorical.from_codes(index[keep], categories=cats)}
    for out, src in zip(EDGE_COLUMNS, ("city", "country", "lat", "lon"), strict=True):
        if table is None:
            cols[out] = np.zeros(0, dtype=np.float64) if src in ("lat", "lon") else pd.Categorical([])
            continue
        col = table[src]
        cols[out] = col.to_numpy(dtype=np.float64)[take] if src in ("lat", "lon") else col.iloc[take].array
    return cols, keep


def _frame(
    table: Any, lines: npt.NDArray[np.int64], info: LogFile, plan: _Plan, bad: list[Any]
) -> pd.DataFrame:
    """Turn a typed Arrow table into the output frame (rows with unknown edge codes to ``bad``)."""
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    keep = np.ones(table.num_rows, dtype=bool)
    edge: dict[str, Any] = {}
    edge_field = next((f for f in table.column_names if column_of(f)[2] == "edge"), None)
    if edge_field is not None and any(c in plan.columns for c in ("edge_code", *EDGE_COLUMNS)):
        edge, keep = _edge_columns(table.column(edge_field), lines, info, plan, bad)
        if not keep.all():
            table = table.filter(pa.array(keep))
    cols: dict[str, Any] = {}
    for column in plan.columns:
        if column in edge:
            cols[column] = edge[column]
        elif column == "timestamp":
            cols[column] = _timestamp(table, info.fields).array
        else:
            cols[column] = _plain_column(table, column, info)
    return pd.DataFrame(cols, index=pd.RangeIndex(table.num_rows))


_INT_DTYPES = {"int": "Int64", "int16": "Int16", "int32": "Int32", "epoch_ms": "Int64"}


def _plain_column(table: Any, column: str, info: LogFile) -> Any:
    field = next(f for f in table.column_names if column_of(f)[1] == column)
    kind = column_of(field)[2]
    values = table.column(field)
    if kind == "url":
        values = _url_decode(values)
    elif kind in _IP_KINDS:
        values = _truncate_ips(_url_decode(values), info.path)
    if kind in _INT_DTYPES:
        return (
            pd.array(values.to_pandas(), dtype=_INT_DTYPES[kind])
            if values.null_count
            else pd.array(values.to_numpy(), dtype=_INT_DTYPES[kind])
        )
    if kind == "float":
        return values.to_numpy(zero_copy_only=False).astype(np.float64)
    if kind == "cat":
        values = values.combine_chunks() if hasattr(values, "combine_chunks") else values
        codes = values.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return pd.Categorical.from_codes(
            codes, categories=pd.Index(values.dictionary.to_pylist(), dtype="str")
        )
    # through a Series: pandas 2.2's pd.array(..., dtype="str") turns None into the text "None"
    return pd.Series(
        values.to_pylist() if values.null_count else values.to_numpy(zero_copy_only=False), dtype="str"
    ).array


# --------------------------------------------------------------------------------------------
# files -> frames
# --------------------------------------------------------------------------------------------


def _concat_frames(frames: Sequence[pd.DataFrame], start: int = 0) -> pd.DataFrame:
    """Concatenate log frames, uniting the categories of categorical columns (none turns to object)."""
    from pandas.api.types import union_categoricals

    if not frames:
        msg = "no frames to concatenate"
        raise InvalidInputError(msg)
    first = frames[0]
    n = sum(len(f) for f in frames)
    cols: dict[str, Any] = {}
    for c in first.columns:
        if isinstance(first[c].dtype, pd.CategoricalDtype):
            cols[c] = union_categoricals([f[c] for f in frames], ignore_order=True)
        else:
            cols[c] = pd.concat([f[c] for f in frames], ignore_index=True).array
    return pd.DataFrame(cols, index=pd.RangeIndex(start, start + n))


def _prepare(path: str, plan: _Plan, realtime_fields: Sequence[str] | None) -> tuple[LogFile, list[str]]:
    info = sniff(path, realtime_fields)
    if info.format == "json":
        info = _json_fields(info)
    fields = _source_fields(info, plan.columns, plan.client_ip)
    return info, fields


def _file_frames(
    path: str, plan: _Plan, realtime_fields: Sequence[str] | None, bad: list[Any]
) -> Iterator[pd.DataFrame]:
    """Yield the frames of one file, raising on its first bad lines unless collecting."""
    info, fields = _prepare(path, plan, realtime_fields)
    missing = [c for c in plan.columns if c not in _available_columns(info, plan.client_ip)]
    if missing:
        raise DataFileError(
            path, [f"lacks the field(s) for column(s) {missing}; the file has {list(info.fields)}"]
        )
    mine: list[Any] = []
    for table, lines in _typed_batches(info, fields, plan, mine):
        frame = _frame(table, lines, info, plan, mine)
        _settle(mine, bad, plan.errors)
        if len(frame):
            yield frame
    _settle(mine, bad, plan.errors)


def _settle(mine: list[Any], bad: list[Any], errors: str) -> None:
    if not mine:
        return
    if errors == "raise":
        rows = sorted(mine, key=lambda r: r[1])
        problems = [f"line {line}: {reason}: {text[:200]!r}" for _, line, reason, text in rows]
        problems.append("pass errors='collect' to set bad lines aside and read the rest")
        raise DataFileError(rows[0][0], problems)
    bad.extend(mine)
    mine.clear()


def _iter_chunks(
    files: Sequence[str], plan: _Plan, realtime_fields: Sequence[str] | None, bad: list[Any]
) -> Iterator[pd.DataFrame]:
    """Yield frames of about ``plan.chunk_rows`` rows over all files (memory bounded by one chunk)."""
    pending: list[pd.DataFrame] = []
    size = 0
    start = 0
    for path in files:
        for frame in _file_frames(path, plan, realtime_fields, bad):
            pending.append(frame)
            size += len(frame)
            while size >= plan.chunk_rows:
                whole = _concat_frames(pending, start)
                chunk, rest = whole.iloc[: plan.chunk_rows], whole.iloc[plan.chunk_rows :]
                yield chunk
                start += len(chunk)
                pending, size = ([rest.reset_index(drop=True)] if len(rest) else []), len(rest)
    if pending:
        yield _concat_frames(pending, start)


def _plan_for(files: Sequence[str], fields: Any, realtime_fields: Sequence[str] | None, **kw: Any) -> _Plan:
    """Settle the output columns from the first file; the others are checked against them."""
    plan = _Plan(columns=(), fields_asked=fields, **kw)
    first = sniff(files[0], realtime_fields)
    if first.format == "json":
        first = _json_fields(first)
    formats: dict[str, str] = {}
    for path in files:
        formats.setdefault(sniff(path, realtime_fields).format, path)
    if len(formats) > 1:
        listed = ", ".join(f"{fmt} ({p})" for fmt, p in formats.items())
        msg = f"the files are of different log formats: {listed}; read each format in its own call."
        raise InvalidInputError(msg)
    columns = _choose_columns(first, plan)
    if "edge_code" not in columns and any(c in columns for c in EDGE_COLUMNS):
        columns = ("edge_code", *columns)
    return _Plan(columns=columns, fields_asked=fields, **kw)


def _check_realtime_fields(fields: object) -> tuple[str, ...]:
    if isinstance(fields, str) or not isinstance(fields, Sequence) or not fields:
        msg = f"realtime_fields must be the non-empty list of a real-time log's fields, got {fields!r}."
        raise InvalidInputError(msg)
    if not all(isinstance(f, str) and f for f in fields):
        msg = f"realtime_fields must hold field names (str), got {list(fields)!r}."
        raise InvalidInputError(msg)
    if len(set(fields)) != len(fields):
        msg = f"realtime_fields repeats a field: {list(fields)!r}."
        raise InvalidInputError(msg)
    return tuple(fields)


def _check_as_of(as_of: object) -> None:
    """Check the edge-list date once (a bad date is the caller's error, not a bad log line)."""
    from cloudgeo.catalog import load_edge_locations

    load_edge_locations(as_of=as_of)


def _check_fields_arg(fields: object) -> Any:
    if fields is None or fields == "all":
        return fields
    if (
        isinstance(fields, str)
        or not isinstance(fields, Sequence)
        or not all(isinstance(f, str) for f in fields)
    ):
        msg = f"fields must be None, 'all' or a list of field/column names, got {fields!r}."
        raise InvalidInputError(msg)
    if not fields:
        msg = "fields is empty; pass None for the default columns or name at least one field."
        raise InvalidInputError(msg)
    return tuple(fields)


def read_cloudfront_logs(
    paths: Any,
    *,
    fields: Sequence[str] | str | None = None,
    realtime_fields: Sequence[str] | None = None,
    engine: str = "pandas",
    chunksize: int | None = None,
    errors: str = "raise",
    client_ip: str = "drop",
    as_of: object = None,
) -> Any:
    """Read CloudFront access logs (standard, standard v2, real-time) into typed columns.

    Formats are told from each file's first bytes (gzip or plain): a ``#Version:`` /
    ``#Fields:`` header is a standard log (legacy, or v2 in W3C form), tab-separated in the
    field order and subset its ``#Fields:`` line declares; ``{`` starts a v2 JSON-lines log;
    ``PAR1`` a v2 Parquet log; anything else is a real-time log when ``realtime_fields`` gives
    its configuration's field list. ``-`` is a null; URL-encoded text fields (user agent,
    referer, query, cookie, URI stem, headers) are decoded, each distinct value once; an
    undecodable percent sequence is kept as written. Edge codes are decoded by
    :func:`cloudgeo.catalog.lookup_edge_location`, each distinct code once.

    Parameters
    ----------
    paths : str, path-like or sequence of them
        Files, globs (``logs/*.gz``) or fsspec URLs (``s3://bucket/prefix/*.gz`` with s3fs
        installed; the URLs pass to each dask task unchanged).
    fields : None, "all" or sequence of str
        ``None``: the default columns the files have (``timestamp``, ``edge_code``,
        ``edge_city``, ``edge_country``, ``edge_lat``, ``edge_lon``, ``result_type``,
        ``detailed_result_type``, ``status``, ``bytes``, ``time_taken_s``,
        ``time_to_first_byte_s``, ``protocol``, ``method``); ``"all"``: every field; or a list of
        AWS field names (``sc-status``, ``cs(User-Agent)``) or column names (``status``).
    realtime_fields : sequence of str, optional
        The field list of a real-time log configuration, in its order.
    engine : {"pandas", "dask"}
        ``"pandas"`` reads in blocks of ``chunksize`` rows; ``"dask"`` returns a dask DataFrame
        with one partition per file (a gzip member cannot be split; split large plain files
        yourself), so the same analyses run out of core or on a cluster.
    chunksize : int, optional
        With the pandas engine, return an iterator of frames of this many rows (the last
        smaller): memory is bounded by the chunk, not the files. Default: one frame. [rows]
    errors : {"raise", "collect"}
        ``"raise"``: a :class:`DataFileError` naming the file and line(s). ``"collect"``: return
        a :class:`LogReadResult` whose ``bad_lines`` lists every line set aside (file, line,
        reason, text) and warn with their count (pandas engine; dask computes them lazily).
    client_ip : {"drop", "truncate"}
        Client addresses (``c-ip``, ``x-forwarded-for``) are dropped by default (privacy);
        ``"truncate"`` keeps them as their /24 (IPv4) or /48 (IPv6) network.
    as_of : date-like, optional
        Edge list used to decode edge codes (as :func:`cloudgeo.catalog.lookup_edge_location`).

    Returns
    -------
    pandas.DataFrame, iterator of pandas.DataFrame, dask.dataframe.DataFrame or LogReadResult
        ``timestamp`` (datetime64[ms, UTC]), ``edge_code`` and the text columns as categories,
        ``edge_lat``/``edge_lon`` [deg], integer columns as nullable ``Int16``/``Int32``/
        ``Int64`` (``status``, ``bytes`` [B], ``client_port``), ``time_taken_s`` and
        ``time_to_first_byte_s`` as float64 (NaN where the log has ``-``) [s]. RangeIndex.

    Raises
    ------
    LogFileNotFoundError
        A path or glob matches no file.
    DataFileError
        A bad line (wrong number of fields, a value of the wrong form, an edge code no
        catalogue or airport table knows), an unknown ``#Version``, a truncated gzip file or a
        file lacking a requested field; the message names the file and line.
    InvalidInputError
        Files of different formats in one call, or an option that is not one of its choices.
    """
    check_choice(engine, "engine", ENGINES)
    check_choice(errors, "errors", ERRORS)
    check_choice(client_ip, "client_ip", CLIENT_IP)
    if chunksize is not None:
        check_int(chunksize, "chunksize", minimum=1)
        if engine == "dask":
            msg = "chunksize applies to engine='pandas'; dask reads one partition per file."
            raise InvalidInputError(msg)
    if realtime_fields is not None:
        realtime_fields = _check_realtime_fields(realtime_fields)
    _check_as_of(as_of)
    files = expand_paths(paths)
    plan = _plan_for(
        files,
        _check_fields_arg(fields),
        realtime_fields,
        client_ip=client_ip,
        as_of=as_of,
        chunk_rows=chunksize or _CHUNK_ROWS,
        errors=errors,
    )
    if engine == "dask":
        return _read_dask(files, plan, realtime_fields)
    if chunksize is not None:
        return _chunk_iterator(files, plan, realtime_fields)
    bad: list[Any] = []
    frames = list(_iter_chunks(files, plan, realtime_fields, bad))
    logs = _concat_frames(frames) if frames else _empty(plan)
    return _result(logs, bad, plan)


def _chunk_iterator(
    files: Sequence[str], plan: _Plan, realtime_fields: Sequence[str] | None
) -> Iterator[Any]:
    bad: list[Any] = []
    for chunk in _iter_chunks(files, plan, realtime_fields, bad):
        if plan.errors == "collect":
            yield _result(chunk, bad, plan)
            bad.clear()
        else:
            yield chunk


def _result(logs: pd.DataFrame, bad: list[Any], plan: _Plan) -> Any:
    if plan.errors == "raise":
        return logs
    if bad:
        files = len({b[0] for b in bad})
        warnings.warn(
            f"{len(bad)} bad log line(s) in {files} file(s) were set aside; see the bad_lines table "
            "(file, line, reason, text) of the result.",
            BadLogLinesWarning,
            stacklevel=3,
        )
    return LogReadResult(logs=logs, bad_lines=_bad_frame(bad))


def _empty(plan: _Plan) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=_meta_dtype(c)) for c in plan.columns})


def _meta_dtype(column: str) -> Any:
    if column == "timestamp":
        return "datetime64[ms, UTC]"
    if column in ("edge_lat", "edge_lon"):
        return "float64"
    if column in ("edge_code", "edge_city", "edge_country"):
        return "category"
    field = next((f for f, c, _ in _all_fields() if c == column), None)
    kind = column_of(field)[2] if field else "str"
    if kind in _INT_DTYPES:
        return _INT_DTYPES[kind]
    return {"float": "float64", "cat": "category"}.get(kind, "str")


def _all_fields() -> list[tuple[str, str, str]]:
    from cloudgeo.io._logfields import FIELDS

    return list(FIELDS)


def _read_file(path: str, plan: _Plan, realtime_fields: Sequence[str] | None) -> Any:
    """One dask partition: a whole file (with its bad lines when collecting)."""
    bad: list[Any] = []
    frames = list(_file_frames(path, plan, realtime_fields, bad))
    logs = _concat_frames(frames) if frames else _empty(plan)
    if plan.errors == "collect":
        return logs, _bad_frame(bad)
    return logs


def _read_dask(files: Sequence[str], plan: _Plan, realtime_fields: Sequence[str] | None) -> Any:
    try:
        import dask.dataframe as dd
        from dask.delayed import delayed
    except ImportError:  # pragma: no cover - optional dependency
        from cloudgeo.errors import MissingDependencyError

        msg = "engine='dask' needs dask: pip install 'cloudgeo[dask]'."
        raise MissingDependencyError(msg) from None
    meta = _empty(plan)
    if plan.errors == "raise":
        return dd.from_map(  # type: ignore[no-untyped-call]
            _read_file, list(files), plan=plan, realtime_fields=realtime_fields, meta=meta
        )
    parts = [delayed(_read_file)(path, plan, realtime_fields) for path in files]
    logs = dd.from_delayed([p[0] for p in parts], meta=meta)
    bad = dd.from_delayed([p[1] for p in parts], meta=_bad_frame([]))
    return LogReadResult(logs=logs, bad_lines=bad)


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def _encode_text(values: pd.Series) -> Any:
    """URL-encode text so it round-trips: tabs, newlines, spaces, ``%`` and a bare ``-`` escaped."""
    import urllib.parse

    import pyarrow as pa

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        uniques = [str(c) for c in values.cat.categories]
    else:
        codes_arr, uniq = pd.factorize(values.astype(object), use_na_sentinel=True)
        codes, uniques = codes_arr, [str(u) for u in uniq]
    out = ["%2D" if t == "-" else urllib.parse.quote(t, safe="/:;=&?@!$'()*+,~._-") for t in uniques]
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(out, type=pa.string())).cast(pa.string())


def _plain_text(values: pd.Series, field: str) -> Any:
    """Text written as it is (AWS does not URL-encode these fields): refuse what cannot be read back."""
    import pyarrow as pa

    text = values.astype(object).where(values.notna(), None)
    present = text.dropna().astype(str)
    bad = present[(present == "-") | present.str.contains(r"[\t\r\n]", regex=True)]
    if len(bad):
        msg = (
            f"field {field}: {bad.iloc[0]!r} cannot be written (a bare '-' reads back as a null; tabs and "
            "newlines split the line); this field is not URL-encoded in CloudFront logs."
        )
        raise InvalidInputError(msg)
    return pa.array(text.tolist(), type=pa.string())


def _field_values(frame: pd.DataFrame, field: str) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    _, column, kind = column_of(field)
    if kind in ("date", "time"):
        ts = frame["timestamp"]
        if (ts.dt.microsecond != 0).any() or (ts.dt.nanosecond != 0).any():
            msg = "standard logs have whole seconds; timestamp has fractions of a second (floor them first)."
            raise InvalidInputError(msg)
        text = ts.dt.strftime("%Y-%m-%d" if kind == "date" else "%H:%M:%S")
        return pa.array(text.astype(object), type=pa.string())
    values = frame[column]
    if kind in ("float", "epoch_s"):
        arr = pa.array(values.to_numpy(dtype=np.float64), from_pandas=True)
        return pc.cast(arr, pa.string())
    if kind in _INT_DTYPES:
        return pc.cast(pa.array(values.astype("Int64")), pa.string())
    if kind == "url":
        return _encode_text(values)
    return _plain_text(values, field)


def write_cloudfront_log(
    frame: pd.DataFrame, path: str, *, fields: Sequence[str] | None = None, compress: bool | None = None
) -> str:
    """Write a frame in the standard (W3C) CloudFront log format: the inverse of the reader.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns as :func:`read_cloudfront_logs` returns them (``timestamp`` in whole seconds,
        ``edge_code``, ...); the decoded ``edge_*`` columns are not written.
    path : str
        Output file; gzip when it ends in ``.gz`` (or ``compress=True``).
    fields : sequence of str, optional
        AWS field names to write, in order (``#Fields:`` line); each needs its column in
        ``frame``. Default: the standard fields (in AWS's order) whose columns ``frame`` has.
    compress : bool, optional
        Force gzip on or off. Default: by the ``.gz`` suffix.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    InvalidInputError
        A column is missing, or a timestamp has fractions of a second.
    """
    import gzip
    import os

    if not isinstance(frame, pd.DataFrame):
        msg = f"frame must be a pandas DataFrame of log columns, got {type(frame).__name__}."
        raise InvalidTypeError(msg)
    if not isinstance(path, (str, os.PathLike)):
        msg = f"path must be a str or path-like, got {type(path).__name__}: {path!r}."
        raise InvalidTypeError(msg)
    path = os.fspath(path)
    if fields is None:
        fields = [
            f
            for f in STANDARD_FIELDS
            if ("timestamp" if column_of(f)[2] in ("date", "time") else column_of(f)[1]) in frame.columns
        ]
    if isinstance(fields, str) or not isinstance(fields, Sequence) or not fields:
        msg = f"fields must be a non-empty list of AWS field names, got {fields!r}."
        raise InvalidInputError(msg)
    if not all(isinstance(f, str) for f in fields) or len(set(fields)) != len(fields):
        msg = f"fields must be distinct AWS field names (str), got {list(fields)!r}."
        raise InvalidInputError(msg)
    need = {"timestamp" if column_of(f)[2] in ("date", "time") else column_of(f)[1] for f in fields}
    missing = sorted(need - set(frame.columns))
    if missing:
        msg = f"frame lacks column(s) {missing} for the fields {list(fields)}."
        raise InvalidInputError(msg)
    gz = path.endswith(".gz") if compress is None else compress
    with open(path, "wb") as raw:
        out: Any = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) if gz else raw
        out.write(f"#Version: 1.0\n#Fields: {' '.join(fields)}\n".encode())
        _write_rows(out, frame, fields)
        if gz:
            out.close()
    return path


def _write_rows(out: Any, frame: pd.DataFrame, fields: Sequence[str]) -> None:
    """Write the rows of ``frame`` as tab-separated log lines of ``fields`` to a binary stream.

    Lines are joined by pyarrow (no CSV quoting: a ``"`` in a value is data, as in CloudFront's
    own logs, which the reader parses without quote handling).
    """
    import pyarrow.compute as pc

    if not len(frame):
        return
    cols = [_fill_nulls(_field_values(frame, f)) for f in fields]
    lines = pc.binary_join_element_wise(*cols, "\t") if len(cols) > 1 else cols[0]
    out.write(("\n".join(lines.to_pylist()) + "\n").encode("utf-8"))


def _fill_nulls(values: Any) -> Any:
    """Replace nulls with ``-`` (the log's null)."""
    import pyarrow.compute as pc

    return pc.fill_null(values, "-")
