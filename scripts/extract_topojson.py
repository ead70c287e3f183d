"""Regenerate cloudgeo's vendored plotly base-map topojson (``data/topojson/``).

plotly.js draws geo subplots from a topojson file it fetches from ``https://cdn.plot.ly/un/``
unless ``window.PlotlyGeoAssets.topojson[<name>]`` is set first. No Python wheel ships those
files, so cloudgeo vendors ``world_110m.json`` (and ``world_50m.json``) taken from the npm
package ``plotly.js`` of exactly the version bundled with the installed plotly.py.

Run this whenever plotly is bumped::

    .venv/bin/python scripts/extract_topojson.py            # version from plotly.offline
    .venv/bin/python scripts/extract_topojson.py --version 4.1.1 --names world_110m

It needs ``npm`` and ``node`` on PATH and access to the npm registry. The tarball's
``dist/plotly-geo-assets.js`` assigns ``window.Plotly = {topojson, version}`` (and module.exports
in CommonJS); node evaluates it with a stub ``window`` and the JSON objects are written out.
A ``VERSION.json`` sidecar records the plotly.js version, the npm tarball integrity and the
SHA-256 of every written file (``tests/test_plotting.py`` checks it against the installed plotly).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEFAULT_NAMES = ("world_110m", "world_50m")

NODE_EXTRACT = r"""
global.window = {};
const path = process.argv[1], out = process.argv[2], names = process.argv[3].split(",");
const mod = require(path);
const assets = (mod && mod.topojson) ? mod : (global.window.Plotly || global.window.PlotlyGeoAssets);
if (!assets || !assets.topojson) { console.error("no topojson object found in " + path); process.exit(2); }
const fs = require("fs");
for (const n of names) {
  if (!(n in assets.topojson)) {
    console.error("missing " + n + "; have " + Object.keys(assets.topojson));
    process.exit(3);
  }
  fs.writeFileSync(out + "/" + n + ".json", JSON.stringify(assets.topojson[n]));
}
"""


def installed_plotlyjs_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=None, help="plotly.js version (default: the installed one)")
    parser.add_argument("--names", default=",".join(DEFAULT_NAMES), help="comma-separated topojson names")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "topojson")
    args = parser.parse_args(argv)
    version = args.version or installed_plotlyjs_version()
    names = [n.strip() for n in args.names.split(",") if n.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        packed = subprocess.run(
            ["npm", "pack", "--json", f"plotly.js@{version}"],
            cwd=tmpdir,
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(packed.stdout)[0]
        tarball = tmpdir / info["filename"]
        with tarfile.open(tarball) as tar:
            member = tar.getmember("package/dist/plotly-geo-assets.js")
            tar.extractall(tmpdir, members=[member], filter="data")
        script = tmpdir / "package" / "dist" / "plotly-geo-assets.js"
        subprocess.run(["node", "-e", NODE_EXTRACT, str(script), str(args.out), ",".join(names)], check=True)
        files = {}
        for n in names:
            data = (args.out / f"{n}.json").read_bytes()
            json.loads(data)  # must be valid JSON
            files[f"{n}.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        meta = {
            "plotlyjs_version": version,
            "source": f"npm plotly.js@{version} package/dist/plotly-geo-assets.js",
            "npm_integrity": info.get("integrity"),
            "npm_shasum": info.get("shasum"),
            "files": files,
        }
    (args.out / "VERSION.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    for name, f in files.items():
        print(f"wrote {args.out / name} ({f['bytes']} bytes)")
    print(f"plotly.js {version}; metadata in {args.out / 'VERSION.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
