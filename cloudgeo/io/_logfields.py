"""The CloudFront log fields: AWS names, cloudgeo column names, kinds and Arrow types.

One table serves the three formats: a field is matched by its name lower-cased with every
character other than a letter or digit removed, so ``cs(User-Agent)`` (standard logs),
``cs-user-agent`` (real-time logs) and ``cs_user_agent`` (Parquet) are the same field.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "DEFAULT_COLUMNS",
    "EDGE_COLUMNS",
    "FIELDS",
    "KIND_PATTERNS",
    "STANDARD_FIELDS",
    "arrow_type",
    "canonical",
    "column_of",
]

#: (AWS field name, cloudgeo column, kind). Kinds: ``date``/``time`` (joined into ``timestamp``),
#: ``epoch_s``/``epoch_ms`` (``timestamp``), ``edge`` (``edge_code`` + decoded columns), ``int``,
#: ``int16``, ``int32``, ``float`` (seconds), ``cat`` (category), ``str``, ``url`` (URL-decoded
#: text), ``ip``/``ips`` (client addresses: dropped unless kept truncated).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("date", "date", "date"),
    ("time", "time", "time"),
    ("x-edge-location", "edge_code", "edge"),
    ("sc-bytes", "bytes", "int"),
    ("c-ip", "client_ip", "ip"),
    ("cs-method", "method", "cat"),
    ("cs(Host)", "host", "cat"),
    ("cs-uri-stem", "uri_stem", "url"),
    ("sc-status", "status", "int16"),
    ("cs(Referer)", "referer", "url"),
    ("cs(User-Agent)", "user_agent", "url"),
    ("cs-uri-query", "query", "url"),
    ("cs(Cookie)", "cookie", "url"),
    ("x-edge-result-type", "result_type", "cat"),
    ("x-edge-request-id", "request_id", "str"),
    ("x-host-header", "host_header", "cat"),
    ("cs-protocol", "protocol", "cat"),
    ("cs-bytes", "request_bytes", "int"),
    ("time-taken", "time_taken_s", "float"),
    ("x-forwarded-for", "forwarded_for", "ips"),
    ("ssl-protocol", "ssl_protocol", "cat"),
    ("ssl-cipher", "ssl_cipher", "cat"),
    ("x-edge-response-result-type", "response_result_type", "cat"),
    ("cs-protocol-version", "protocol_version", "cat"),
    ("fle-status", "fle_status", "cat"),
    ("fle-encrypted-fields", "fle_encrypted_fields", "int"),
    ("c-port", "client_port", "int32"),
    ("time-to-first-byte", "time_to_first_byte_s", "float"),
    ("x-edge-detailed-result-type", "detailed_result_type", "cat"),
    ("sc-content-type", "content_type", "cat"),
    ("sc-content-len", "content_length", "int"),
    ("sc-range-start", "range_start", "int"),
    ("sc-range-end", "range_end", "int"),
    # real-time logs and standard logging v2 only
    ("timestamp", "timestamp", "epoch_s"),
    ("timestamp(ms)", "timestamp", "epoch_ms"),
    ("c-ip-version", "client_ip_version", "cat"),
    ("c-country", "client_country", "cat"),
    ("cs-accept-encoding", "accept_encoding", "url"),
    ("cs-accept", "accept", "url"),
    ("cache-behavior-path-pattern", "cache_behavior_path_pattern", "cat"),
    ("cs-headers", "headers", "url"),
    ("cs-header-names", "header_names", "url"),
    ("cs-headers-count", "headers_count", "int"),
    ("primary-distribution-id", "primary_distribution_id", "cat"),
    ("primary-distribution-dns-name", "primary_distribution_dns_name", "cat"),
    ("origin-fbl", "origin_first_byte_latency_s", "float"),
    ("origin-lbl", "origin_last_byte_latency_s", "float"),
    ("asn", "asn", "int"),
    ("DistributionId", "distribution_id", "cat"),
)

#: The 33 fields of a standard log (legacy and v2 default), in AWS's documented order.
STANDARD_FIELDS: tuple[str, ...] = tuple(f for f, _, _ in FIELDS[:33])

#: Columns decoded from ``edge_code`` by :func:`cloudgeo.catalog.lookup_edge_location`.
EDGE_COLUMNS: tuple[str, ...] = ("edge_city", "edge_country", "edge_lat", "edge_lon")

#: Columns returned when ``fields=None`` (those the file has).
DEFAULT_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "edge_code",
    *EDGE_COLUMNS,
    "result_type",
    "detailed_result_type",
    "status",
    "bytes",
    "time_taken_s",
    "time_to_first_byte_s",
    "protocol",
    "method",
)

#: What a valid value of each checked kind looks like (nulls are ``-`` and never checked).
KIND_PATTERNS: dict[str, str] = {
    "int": r"^-?[0-9]{1,18}$",
    "int16": r"^-?[0-9]{1,4}$",
    "int32": r"^-?[0-9]{1,9}$",
    "float": r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$",
    "epoch_s": r"^[0-9]{1,11}(\.[0-9]{1,6})?$",
    "epoch_ms": r"^[0-9]{1,14}$",
    "date": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "time": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
    "edge": r"^[A-Za-z]{3}[0-9]{1,3}(-[A-Za-z0-9]{1,6})?$",
}

_BY_KEY: dict[str, tuple[str, str, str]] = {}


def canonical(name: str) -> str:
    """Return the matching key of a field name (lower-case letters and digits only)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


for _f in FIELDS:
    _BY_KEY[canonical(_f[0])] = _f
# real-time spellings that differ from the standard log's beyond punctuation
_BY_KEY[canonical("cs-host")] = FIELDS[6]


def column_of(field: str) -> tuple[str, str, str]:
    """Return (AWS name, column, kind) of a log field; unknown fields are kept as text."""
    hit = _BY_KEY.get(canonical(field))
    if hit is not None:
        return hit
    column = re.sub(r"[^a-z0-9]+", "_", field.lower()).strip("_") or "field"
    return field, column, "str"


def arrow_type(kind: str) -> Any:
    """Return the Arrow type a field of ``kind`` is parsed into."""
    import pyarrow as pa

    types: dict[str, Any] = {
        "date": pa.date32(),
        "time": pa.time32("s"),
        "epoch_s": pa.float64(),
        "epoch_ms": pa.int64(),
        "int": pa.int64(),
        "int16": pa.int16(),
        "int32": pa.int32(),
        "float": pa.float64(),
        "cat": pa.dictionary(pa.int32(), pa.string()),
        "edge": pa.dictionary(pa.int32(), pa.string()),
    }
    return types.get(kind, pa.string())
