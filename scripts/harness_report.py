"""Run the bad-input harness (tests/test_harness.py) and print its counts.

Usage: ``python scripts/harness_report.py`` from the repository root. Prints the number of
public callables, strategies, examples, how they ended, and the escapes (0 when all is well);
exits with pytest's status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Run the harness once and print its summary; return pytest's exit status."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "harness.json"
        env = {**os.environ, "CLOUDGEO_HARNESS_SUMMARY": str(target)}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/test_harness.py"]
        code = subprocess.call(cmd, cwd=root, env=env)
        if not target.exists():
            print("harness: no summary written (did the module run?)")
            return code or 1
        summary = json.loads(target.read_text(encoding="utf-8"))
    print(
        f"harness: {summary['callables']} public callables ({summary['driven']} driven, "
        f"{len(summary['not_driven'])} not driven), {summary['strategies']} strategies, "
        f"{summary['examples']} examples ({summary['returned']} returned, "
        f"{summary['raised_cloudgeo_error']} raised a CloudGeoError), {summary['escapes']} escapes"
    )
    for name, why in summary["not_driven"].items():
        print(f"  not driven: {name}: {why}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
