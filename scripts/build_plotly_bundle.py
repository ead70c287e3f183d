"""Build cloudgeo's partial plotly.js bundle (``data/plotlyjs/``) for the offline report.

The full plotly.js (4.8 MB) would dominate the report; the report draws only a few trace
types, so cloudgeo ships a bundle of plotly.js's core plus exactly those traces, built from
the npm package ``plotly.js`` of the version bundled with the installed plotly.py::

    .venv/bin/python scripts/build_plotly_bundle.py                 # version from plotly.offline
    .venv/bin/python scripts/build_plotly_bundle.py --traces bar,scatter,scattergeo

It needs ``npm``/``npx`` and access to the npm registry. In a temporary folder it installs
``plotly.js@<version>`` and ``esbuild``, writes an entry that registers the traces with
``plotly.js/lib/core`` (as the package's own ``lib/index-*.js`` partial bundles do) and
bundles it minified as an IIFE defining ``window.Plotly``. The maplibre stylesheet plotly.js
pulls in for map subplots is not kept (the report has no map subplots). ``VERSION.json``
records the plotly.js version, the traces and the SHA-256 of the bundle
(``tests/test_report.py`` checks it against the installed plotly and the report's figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_TRACES = ("bar", "scatter", "scattergeo")
ESBUILD_VERSION = "0.25.0"
OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "plotlyjs"
BUNDLE = "plotly-cloudgeo.min.js"


def _run(cmd: list[str], cwd: Path) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def build(version: str, traces: list[str], out_dir: Path) -> Path:
    """Install plotly.js ``version``, bundle ``traces`` and write the bundle into ``out_dir``."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "package.json").write_text('{"name": "cloudgeo-plotly-bundle", "private": true}\n')
        _run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                f"plotly.js@{version}",
                f"esbuild@{ESBUILD_VERSION}",
            ],
            work,
        )
        registered = ", ".join(f"require('plotly.js/lib/{t}')" for t in traces if t != "scatter")
        (work / "entry.js").write_text(
            "var Plotly = require('plotly.js/lib/core');\n"  # core registers scatter itself
            f"Plotly.register([{registered}]);\n"
            "module.exports = Plotly;\n"
        )
        _run(
            [
                "npx",
                "esbuild",
                "entry.js",
                "--bundle",
                "--minify",
                "--format=iife",
                "--global-name=Plotly",
                "--target=es2016",
                "--define:global=window",
                "--define:define.amd=false",
                "--alias:stream=stream-browserify",
                "--legal-comments=inline",
                "--outfile=bundle.js",
            ],
            work,
        )
        text = (work / "bundle.js").read_text(encoding="utf-8")
        licence = (work / "node_modules" / "plotly.js" / "LICENSE").read_text(encoding="utf-8")
    header = (
        f"/*! cloudgeo partial bundle of plotly.js v{version} (MIT licence, see LICENSE.plotly.js); "
        f"traces: {','.join(traces)}. Built by scripts/build_plotly_bundle.py. */\n"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / BUNDLE
    out.write_text(header + text, encoding="utf-8")
    (out_dir / "LICENSE.plotly.js").write_text(licence, encoding="utf-8")
    meta = {
        "plotlyjs_version": version,
        "traces": sorted(traces),
        "file": BUNDLE,
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "esbuild_version": ESBUILD_VERSION,
    }
    (out_dir / "VERSION.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB), traces {', '.join(traces)}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build the bundle."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="plotly.js version (default: the one bundled with plotly.py)")
    parser.add_argument("--traces", default=",".join(DEFAULT_TRACES), help="comma-separated trace types")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    version = args.version
    if version is None:
        from plotly.offline import get_plotlyjs_version

        version = get_plotlyjs_version()
    traces = sorted({t.strip() for t in args.traces.split(",") if t.strip()} | {"scatter"})
    build(version, traces, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
