"""The tutorials carry stored outputs for nbval to compare, and none embeds plotly.js."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PLOTLYJS_MARKERS = ("plotly.js v", "* plotly.js", "cdn.plot.ly/plotly", "define('plotly'", 'define("plotly"')


def test_there_are_eight_tutorials() -> None:
    assert [p.name[:2] for p in NOTEBOOKS] == [f"0{i}" for i in range(1, 9)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_was_run_and_stored(path: Path) -> None:
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cells"
    not_run = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    assert not_run == [], f"code cells {not_run} were never executed (run `make notebooks`)"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "cells were not run top to bottom in one kernel"
    assert sum(len(c["outputs"]) for c in code) >= len(code) // 2, "too few stored outputs"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == [], errors[:1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_output_embeds_plotlyjs_or_widget_state(path: Path) -> None:
    nb = json.loads(path.read_text())
    assert "widgets" not in nb.get("metadata", {}), "widget state stored (use store_widget_state=False)"
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for mime, value in out.get("data", {}).items():
                text = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else ""
                if mime == "text/html":
                    for marker in PLOTLYJS_MARKERS:
                        assert marker not in text, f"an output embeds plotly.js ({marker!r})"
    assert path.stat().st_size < 2_500_000, "notebook too large: sample big maps (max_points=)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_opens_with_question_and_ends_with_takeaways(path: Path) -> None:
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"])
    last = "".join(nb["cells"][-1]["source"])
    assert "What this answers" in first
    assert "What to take away" in last
