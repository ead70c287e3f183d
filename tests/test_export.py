"""Static export (kaleido + Debian chromium) of geo figures draws the vendored base map offline."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from cloudgeo import plotting
from cloudgeo.errors import InvalidInputError, InvalidTypeError, MissingDependencyError

WIDTH_PX, HEIGHT_PX = 720, 360


def _read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG with the standard library: (width, height, rows)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8
    assert interlace == 0
    bpp = {2: 3, 6: 4}[color_type]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows if bpp == 3 else [_strip_alpha(r) for r in rows]


def _strip_alpha(row: bytes) -> bytes:
    return b"".join(row[i : i + 3] for i in range(0, len(row), 4))


def _pixel(rows: list[bytes], lat: float, lon: float, width: int, height: int) -> tuple[int, int, int]:
    """Colour at (lat, lon) in an equirectangular whole-world image with no margins."""
    x = min(width - 1, int((lon + 180.0) / 360.0 * width))
    y = min(height - 1, int((90.0 - lat) / 180.0 * height))
    r, g, b = rows[y][3 * x : 3 * x + 3]
    return (r, g, b)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _close(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _flat_world(marker_color: str = "#ff00ff") -> go.Figure:
    """A whole-world equirectangular map filling the image, one big marker in the Pacific."""
    fig = go.Figure(
        go.Scattergeo(lat=[0.0], lon=[-150.0], mode="markers", marker={"size": 30, "color": marker_color})
    )
    fig.update_layout(
        geo=plotting.world_geo_layout(
            projection={"type": "equirectangular"},
            lataxis={"range": [-90, 90]},
            lonaxis={"range": [-180, 180]},
            domain={"x": [0, 1], "y": [0, 1]},
            showcountries=False,
            showcoastlines=False,
        ),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        width=WIDTH_PX,
        height=HEIGHT_PX,
    )
    return fig


@pytest.mark.browser
@pytest.mark.slow
def test_png_export_draws_land_ocean_and_markers(chromium: str, tmp_path: Path) -> None:
    out = plotting.export_figure(_flat_world(), tmp_path / "world.png")
    assert out == tmp_path / "world.png"
    width, height, rows = _read_png(out)
    assert (width, height) == (WIDTH_PX, HEIGHT_PX)
    land = _rgb(plotting.LAND_COLOR)
    ocean = _rgb(plotting.OCEAN_COLOR)
    # central Africa (Congo basin) and Brazil (Mato Grosso) are land; mid-Atlantic is ocean
    assert _close(_pixel(rows, 0.0, 22.0, width, height), land)
    assert _close(_pixel(rows, -10.0, -55.0, width, height), land)
    assert _close(_pixel(rows, 0.0, -30.0, width, height), ocean)
    assert _close(_pixel(rows, 0.0, -150.0, width, height), (255, 0, 255))


@pytest.mark.browser
@pytest.mark.slow
def test_svg_export_has_land_layer(chromium: str, tmp_path: Path) -> None:
    regions = pd.DataFrame(
        {"code": ["us-east-1", "eu-central-1"], "lat": [38.9, 50.1], "lon": [-77.0, 8.7], "az_count": [6, 3]}
    ).set_index("code", drop=False)
    fig = plotting.plot_infrastructure_map(regions=regions, show_edges=False, show_recs=False)
    out = plotting.export_figure(fig, tmp_path / "map.svg")
    text = out.read_text()
    assert text.startswith("<svg")
    assert 'class="layer land"' in text or "layer land" in text
    assert "layer coastlines" in text
    assert text.count('class="point"') >= 2


@pytest.mark.browser
@pytest.mark.slow
def test_export_figures_writes_each_with_one_browser(chromium: str, tmp_path: Path) -> None:
    bar = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    paths = plotting.export_figures({"World map": _flat_world(), "bars": bar}, tmp_path / "out", format="png")
    assert paths == {"World map": tmp_path / "out" / "world-map.png", "bars": tmp_path / "out" / "bars.png"}
    for path in paths.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_browser_gives_apt_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependencyError, match=r"apt-get install -y chromium"):
        plotting.export_figure(_flat_world(), tmp_path / "x.png")
    with pytest.raises(MissingDependencyError, match=r"none was found"):
        plotting.find_chromium()


def test_bad_browser_path_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    with pytest.raises(MissingDependencyError, match=r"BROWSER_PATH=.*no-such-chrome.*not an executable"):
        plotting.find_chromium()


def test_browser_path_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert plotting.find_chromium() == str(fake)


def test_missing_kaleido_gives_pip_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "kaleido" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError, match=r'pip install "cloudgeo\[export\]"'):
        plotting.export_figure(_flat_world(), tmp_path / "x.png")


def test_format_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"cannot tell the image format"):
        plotting.export_figure(_flat_world(), tmp_path / "noext")
    with pytest.raises(InvalidInputError, match=r"format must be one of png, svg"):
        plotting.export_figure(_flat_world(), tmp_path / "x.bmp")
    with pytest.raises(InvalidInputError, match=r"format must be one of"):
        plotting.export_figures({"a": _flat_world()}, tmp_path, format="eps")


def test_unvendored_scope_is_refused_before_export(tmp_path: Path) -> None:
    fig = _flat_world()
    fig.update_geos(scope="europe")
    with pytest.raises(InvalidInputError, match=r"no vendored base map 'europe_110m'"):
        plotting.export_figure(fig, tmp_path / "x.png")


def test_export_needs_a_figure(tmp_path: Path) -> None:
    with pytest.raises(InvalidTypeError, match=r"fig must be a plotly.graph_objects.Figure, got str"):
        plotting.export_figure("not a figure", tmp_path / "x.png")
