"""Session-wide guard for every pytest run of this repository (tests and notebooks).

Outbound sockets are blocked in this process and, through ``PYTHONPATH``, in every Python
subprocess the run starts (nbval kernels, the report CLI, the wheel venv): only loopback and
Unix sockets are allowed. See ``tests/netblock/sitecustomize.py``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

NETBLOCK_DIR = Path(__file__).parent / "tests" / "netblock"

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)
if "cloudgeo_netblock" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("cloudgeo_netblock", NETBLOCK_DIR / "sitecustomize.py")
    assert _spec is not None
    assert _spec.loader is not None
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules["cloudgeo_netblock"] = _mod
    _spec.loader.exec_module(_mod)
