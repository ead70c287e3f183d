"""Issue 17, small ones: empty partitions/regions, NaT dates, what the CLI says it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cloudgeo import catalog as C
from cloudgeo import report as R
from cloudgeo.cli import main
from cloudgeo.errors import CatalogDateError, InvalidInputError


def test_load_regions_refuses_empty_partitions() -> None:
    with pytest.raises(InvalidInputError, match=r"partitions is empty; pass at least one of \['aws'"):
        C.load_regions(partitions=[])


@pytest.mark.parametrize("nat", [pd.NaT, pd.Timestamp("NaT")])
def test_nat_as_of_is_a_clear_date_error(nat: object) -> None:
    with pytest.raises(CatalogDateError, match=r"as_of is NaT \(a missing date\)"):
        C.load_regions(as_of=nat)


@pytest.fixture
def fake_report(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def write(out: str | Path, **kwargs: Any) -> Path:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<html></html>", encoding="utf-8")
        calls.append(kwargs)
        return path

    monkeypatch.setattr(R, "write_report", write)
    return calls


def test_cli_report_says_when_it_overwrites_or_creates_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_report: list[dict[str, Any]]
) -> None:
    out = tmp_path / "new" / "deeper" / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "creating the missing folder(s)" in err
    assert "overwriting" not in err
    assert main(["report", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"overwriting the existing file {str(out)!r}" in err
    assert "creating" not in err
    assert len(fake_report) == 2


@pytest.mark.parametrize("given", [[""], [" ", ","], [",,"]])
def test_cli_report_refuses_empty_regions(
    given: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_report: list[dict[str, Any]]
) -> None:
    assert main(["report", "--out", str(tmp_path / "r.html"), "--regions", *given]) == 2
    assert "--regions got no region code" in capsys.readouterr().err
    assert fake_report == []
