"""Block outbound network connections in this Python process (loopback and Unix sockets allowed).

Put this folder on ``PYTHONPATH`` and every Python process started with it (the test run,
Jupyter kernels started by nbval, subprocesses running ``cloudgeo report``) refuses to
connect anywhere but 127.0.0.0/8, ::1 and Unix sockets. A refused connection raises
``OSError`` whose message starts with ``cloudgeo test: network blocked``.

When the environment variable ``CLOUDGEO_NETLOG`` names a file, every refused connection or
name lookup is also appended to it, one line each (so a test can prove that nothing even tried).
"""

from __future__ import annotations

import ipaddress
import os
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _allowed(sock: socket.socket, address: object) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _log(what: str) -> None:
    path = os.environ.get("CLOUDGEO_NETLOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what}\n")


def _refuse(address: object) -> OSError:
    _log(f"connect {address!r}")
    return OSError(f"cloudgeo test: network blocked (outbound connection to {address!r})")


def _connect(self: socket.socket, address: object) -> None:
    if not _allowed(self, address):
        raise _refuse(address)
    return _real_connect(self, address)  # type: ignore[arg-type]


def _connect_ex(self: socket.socket, address: object) -> int:
    if not _allowed(self, address):
        raise _refuse(address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


def _getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in (None, "", "localhost") and not _is_loopback_literal(host):
        try:
            ipaddress.ip_address(str(host))
        except ValueError:
            _log(f"getaddrinfo {host!r}")
            raise socket.gaierror(f"cloudgeo test: network blocked (name lookup of {host!r})") from None
    return _real_getaddrinfo(host, *args, **kwargs)


def _is_loopback_literal(host: object) -> bool:
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _getaddrinfo
