"""Regenerate data/MANIFEST.json (checksums, row counts, columns) after a deliberate data change.

Usage: python scripts/update_manifest.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cloudgeo._data import compute_manifest

DATA = Path(__file__).resolve().parent.parent / "data"


def main() -> int:
    manifest = compute_manifest(DATA)
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    (DATA / "MANIFEST.json").write_text(text, encoding="utf-8")
    print(f"wrote {DATA / 'MANIFEST.json'}: {len(manifest)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
