"""Reading what users bring: CloudFront access logs (standard, v2, real-time) into typed frames.

Public API: :func:`read_cloudfront_logs` (pandas, in bounded chunks, or dask),
:func:`write_cloudfront_log` (the standard format), :func:`synthetic_cloudfront_log` (a seeded
log in the real format, for trying the analyses without logs) and :class:`LogReadResult`.
"""

from __future__ import annotations

from cloudgeo.io.cloudfront import LogReadResult, read_cloudfront_logs, write_cloudfront_log
from cloudgeo.io.synthetic import synthetic_cloudfront_log

__all__ = ["LogReadResult", "read_cloudfront_logs", "synthetic_cloudfront_log", "write_cloudfront_log"]
