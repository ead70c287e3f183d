"""Build the wheel, install it into a fresh virtual environment and load every shipped dataset.

The fresh venv sees the current environment's third-party packages through a ``.pth`` line
(no download), but cloudgeo itself must come from the wheel, with its data folder inside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, cloudgeo
from cloudgeo import _data, catalog, population
counts = {
    "regions": len(catalog.load_regions()),
    "regions_2019": len(catalog.load_regions(as_of="2019-12-31")),
    "regions_unannounced": len(catalog.load_regions(include_unannounced=True)),
    "regions_every_status": len(catalog.load_regions(include_unannounced=True, include_announced=True)),
    "availability_zones": len(catalog.load_availability_zones()),
    "edge_locations": len(catalog.load_edge_locations()),
    "edge_pops_2019": int(catalog.load_edge_locations(as_of="2019-12-31")["pops"].sum()),
    "regional_edge_caches": len(catalog.load_regional_edge_caches()),
    "storage_classes": len(catalog.load_storage_classes()),
    "slas": len(catalog.load_slas()),
    "world_cities": len(population.load_world_cities()),
    "country_population": len(population.load_country_population()),
    "lookup_iad12": catalog.lookup_edge_location("IAD12")["city"].iloc[0],
    "lookup_lgw_listed": bool(catalog.lookup_edge_location("LGW3")["listed"].iloc[0]),
}
import importlib.metadata
versions = [cloudgeo.__version__, importlib.metadata.version("cloudgeo")]
print(json.dumps({"file": cloudgeo.__file__, "data_dir": str(_data.data_dir()), "counts": counts,
                  "versions": versions}))
"""


@pytest.mark.slow
def test_wheel_in_fresh_venv_loads_every_dataset(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheels = list(dist.glob("cloudgeo-*.whl"))
    assert len(wheels) == 1, wheels

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    py = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "--no-index",
            str(wheels[0]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    # third-party dependencies from the current environment, appended after the venv's own packages
    (purelib / "_cloudgeo_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    run_dir = tmp_path / "cwd"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CLOUDGEO_DATA_DIR"}
    out = subprocess.run(
        [str(py), "-c", PROBE], cwd=run_dir, capture_output=True, text=True, check=False, env=env
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(result)
    pkg_file = Path(result["file"]).resolve()
    assert env_dir.resolve() in pkg_file.parents, pkg_file
    assert Path(result["data_dir"]).resolve() == pkg_file.parent / "data"
    version, installed = result["versions"]
    assert installed == version, f"wheel metadata says {installed}, cloudgeo.__version__ {version}"
    assert wheels[0].name.startswith(f"cloudgeo-{version}-")
    counts = result["counts"]
    assert counts["regions"] == 39
    assert counts["regions_2019"] == 22
    assert counts["regions_unannounced"] == 40  # + us-south-1 (seen in ip-ranges.json only)
    assert counts["regions_every_status"] == 42  # + me-west-1, sa-west-1 (announced)
    assert counts["availability_zones"] == 124  # AWS: 124 AZs in 39 regions (Oct 2026)
    assert counts["edge_locations"] == 107
    assert counts["edge_pops_2019"] == 199
    assert counts["regional_edge_caches"] == 15
    assert counts["storage_classes"] == 15
    assert counts["slas"] >= 22
    assert 33_000 <= counts["world_cities"] <= 35_000
    assert counts["country_population"] == 250
    assert counts["lookup_iad12"] == "Washington"
    assert counts["lookup_lgw_listed"] is False  # found through airportsdata
