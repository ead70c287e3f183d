"""Print pip constraints that pin every runtime dependency to the floor pyproject.toml allows.

``make test-lowest`` installs cloudgeo with these constraints into ``.venv-lowest`` and runs the
fast tests there, so each floor in ``[project].dependencies`` is a version that was tested.
Every runtime dependency must state a ``>=`` floor; the script fails on one that does not.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def floors(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """Return ``{distribution: floor version}`` for ``[project].dependencies``."""
    meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for req in meta["project"]["dependencies"]:
        m = _REQ.match(req.split(";")[0])
        if m is None:
            raise SystemExit(f"cannot parse the requirement {req!r}")
        name, spec = m.group(1), m.group(3)
        lows = re.findall(r">=\s*([0-9][^,\s]*)", spec)
        if len(lows) != 1:
            raise SystemExit(f"{req!r}: every runtime dependency needs exactly one '>=' floor")
        out[name] = lows[0]
    return out


def main() -> int:
    """Print one ``name==floor`` line per runtime dependency."""
    for name, version in floors().items():
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
