"""Run the cloudgeo command line: ``python -m cloudgeo``."""

from __future__ import annotations

from cloudgeo.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
