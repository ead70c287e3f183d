"""A seeded synthetic CloudFront standard log (all 33 fields), for tests, benchmarks and demos.

Misses take their time to first byte from a known model: the modelled edge -> regional edge
cache -> origin round trips (:func:`cloudgeo.traffic.miss_fetch_legs_ms`)
times ``scale`` plus ``origin_time_ms``, with symmetric noise, so
:func:`cloudgeo.traffic.compare_cdn_with_logs` can be checked to recover it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import check_int, check_nonnegative, check_positive
from cloudgeo.io._logfields import STANDARD_FIELDS

__all__ = ["synthetic_cloudfront_log"]

_AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "curl/8.5.0", 'Mozilla/5.0 "quoted" (X11; Linux)')
_URIS = ("/index.html", "/img/logo.png", "/app.js", "/a b/ünïcode.css", "/api/v1/items")
_DEFAULT_EDGES = ("IAD", "FRA", "NRT", "SIN", "GRU", "SYD", "LHR", "BOM", "JNB", "LAX", "CDG", "ICN")


def _fetch_ms(edges: pd.DataFrame, origin_region: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    from cloudgeo.traffic import miss_fetch_legs_ms

    legs = miss_fetch_legs_ms(edges[["lat", "lon"]], origin_region)
    return (legs["rtt_edge_rec_ms"] + legs["rtt_rec_origin_ms"]).to_numpy(dtype=np.float64)


def _block(
    rng: np.random.Generator,
    n: int,
    start_s: int,
    codes: list[str],
    fetch: np.ndarray[Any, Any],
    probs: np.ndarray[Any, Any],
    origin_time_ms: float,
    scale: float,
) -> pd.DataFrame:
    edge = rng.choice(len(codes), size=n, p=probs)
    u = rng.random(n)
    result = np.where(
        u < 0.7, 0, np.where(u < 0.95, 1, np.where(u < 0.98, 2, 3))
    )  # Hit Miss RefreshHit Error
    kinds = np.array(["Hit", "Miss", "RefreshHit", "Error"], dtype=object)
    hit_ms = rng.uniform(0.5, 4.0, n)
    miss_ms = fetch[edge] * scale + origin_time_ms + rng.normal(0.0, 5.0, n)
    ttfb_ms = np.round(np.maximum(np.where(result == 1, miss_ms, hit_ms), 0.0))
    ts = start_s + np.sort(rng.integers(0, 3600, n))
    status = np.where(result == 3, 502, np.where(rng.random(n) < 0.1, 304, 200))
    sc_bytes = rng.lognormal(8.0, 1.5, n).astype(np.int64) + 200
    ip4 = rng.integers(1, 224, (n, 4))
    ips = pd.Series([f"{a}.{b}.{c}.{d}" for a, b, c, d in ip4[: min(n, 1000)]])
    cat: Any = pd.Categorical.from_codes  # categories given as lists (pandas-stubs wants an Index)
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(ts, unit="s", utc=True).as_unit("ms"),
            "edge_code": cat(edge, categories=codes),
            "bytes": pd.array(sc_bytes, dtype="Int64"),
            "client_ip": cat(rng.integers(0, len(ips), n), categories=[*ips.tolist(), "2001:db8::7"]),
            "method": cat(rng.integers(0, 2, n), categories=["GET", "HEAD"]),
            "uri_stem": cat(rng.integers(0, len(_URIS), n), categories=list(_URIS)),
            "status": pd.array(status, dtype="Int16"),
            "user_agent": cat(rng.integers(0, len(_AGENTS), n), categories=list(_AGENTS)),
            "query": cat(rng.integers(-1, 1, n), categories=["q=a%b c"]),
            "result_type": cat(result, categories=kinds.tolist()),
            "request_id": pd.array(rng.integers(0, 2**62, n).astype(str), dtype="str"),
            "protocol": cat(rng.integers(0, 2, n), categories=["http", "https"]),
            "request_bytes": pd.array(rng.integers(50, 900, n), dtype="Int64"),
            "time_taken_s": (ttfb_ms + np.round(rng.uniform(0, 20, n))) / 1000.0,
            "ssl_protocol": cat(np.ones(n, dtype=np.int8), categories=["TLSv1.2", "TLSv1.3"]),
            "response_result_type": cat(result, categories=kinds.tolist()),
            "protocol_version": cat(rng.integers(0, 2, n), categories=["HTTP/1.1", "HTTP/2.0"]),
            "client_port": pd.array(rng.integers(1024, 65535, n), dtype="Int32"),
            "time_to_first_byte_s": ttfb_ms / 1000.0,
            "detailed_result_type": cat(result, categories=kinds.tolist()),
            "content_type": cat(rng.integers(0, 2, n), categories=["text/html", "image/png"]),
            "content_length": pd.array(sc_bytes - 150, dtype="Int64"),
            **_unvaried_columns(n),
        }
    )


def _unvaried_columns(n: int) -> dict[str, Any]:
    """Columns with one value or null on every line (host names, cipher, FLE, ranges)."""
    cat: Any = pd.Categorical.from_codes
    return {
        "host": cat(np.zeros(n, dtype=np.int8), categories=["d111111abcdef8.cloudfront.net"]),
        "referer": cat(np.full(n, -1, dtype=np.int8), categories=["https://example.com/"]),
        "cookie": cat(np.full(n, -1, dtype=np.int8), categories=["x"]),
        "host_header": cat(np.zeros(n, dtype=np.int8), categories=["www.example.com"]),
        "forwarded_for": cat(np.full(n, -1, dtype=np.int8), categories=["198.51.100.7"]),
        "ssl_cipher": cat(np.zeros(n, dtype=np.int8), categories=["TLS_AES_128_GCM_SHA256"]),
        "fle_status": cat(np.full(n, -1, dtype=np.int8), categories=["Processed"]),
        "fle_encrypted_fields": pd.array(np.full(n, None), dtype="Int64"),
        "range_start": pd.array(np.full(n, None), dtype="Int64"),
        "range_end": pd.array(np.full(n, None), dtype="Int64"),
    }


def synthetic_cloudfront_log(
    path: str,
    *,
    lines: int = 100_000,
    seed: int = 0,
    edges: tuple[str, ...] = _DEFAULT_EDGES,
    origin_region: str = "us-east-1",
    origin_time_ms: float = 40.0,
    scale: float = 1.0,
    block_lines: int = 500_000,
) -> str:
    """Write a seeded synthetic standard log (W3C, 33 fields; gzip when ``path`` ends in .gz).

    Parameters
    ----------
    path : str
        Output file.
    lines : int, default 100000
        Log lines (requests). [count]
    seed : int, default 0
        Random seed: the same arguments give the same file.
    edges : tuple of str
        IATA prefixes of the edges serving the traffic (Zipf-like shares, first most).
    origin_region : str, default "us-east-1"
        Origin of the modelled miss fetch.
    origin_time_ms, scale : float
        Miss TTFB = scale x (edge -> REC + REC -> origin RTT) + origin_time_ms + N(0, 5 ms). [ms], [-]
    block_lines : int, default 500000
        Lines generated and written at a time (bounds the memory). [count]

    Returns
    -------
    str
        ``path``.
    """
    import gzip

    from cloudgeo.catalog import lookup_edge_location
    from cloudgeo.io.cloudfront import _write_rows

    check_int(lines, "lines", minimum=1)
    check_int(block_lines, "block_lines", minimum=1)
    check_nonnegative(origin_time_ms, "origin_time_ms", "ms")
    check_positive(scale, "scale")
    codes = [f"{e}{50 + i}-C{1 + i % 3}" for i, e in enumerate(edges)]
    located = lookup_edge_location(codes).set_index("code")
    located.index = located.index.astype(str)
    fetch = _fetch_ms(located, origin_region)
    probs = 1.0 / np.arange(1, len(codes) + 1)
    probs /= probs.sum()
    rng = np.random.default_rng(seed)
    start = int(pd.Timestamp("2026-11-01T00:00:00Z").timestamp())
    gz = path.endswith(".gz")
    with open(path, "wb") as raw:
        out: Any = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) if gz else raw
        out.write(f"#Version: 1.0\n#Fields: {' '.join(STANDARD_FIELDS)}\n".encode())
        done = 0
        while done < lines:
            n = min(block_lines, lines - done)
            frame = _block(
                rng, n, start + 3600 * (done // block_lines), codes, fetch, probs, origin_time_ms, scale
            )
            _write_rows(out, frame, STANDARD_FIELDS)
            done += n
        if gz:
            out.close()
    return path
