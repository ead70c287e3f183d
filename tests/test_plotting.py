"""Figures from cloudgeo.plotting: asserted on figure data (traces, values, sizes, hover, layout)."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs_version

from cloudgeo import plotting
from cloudgeo.errors import DataValidationError, InvalidInputError, InvalidTypeError

# --------------------------------------------------------------------------------------------
# vendored base map
# --------------------------------------------------------------------------------------------


def test_vendored_topojson_matches_installed_plotlyjs() -> None:
    # regenerate with scripts/extract_topojson.py when plotly is bumped
    assert plotting.vendored_plotlyjs_version() == get_plotlyjs_version()


def test_vendored_files_match_their_checksums() -> None:
    folder = plotting.topojson_dir()
    meta = json.loads((folder / "VERSION.json").read_text())
    assert "world_110m.json" in meta["files"]
    for name, entry in meta["files"].items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == entry["bytes"]


def test_world_110m_has_the_layers_plotly_draws() -> None:
    topo = json.loads((plotting.topojson_dir() / "world_110m.json").read_text())
    assert topo["type"] == "Topology"
    assert {"land", "ocean", "coastlines", "countries"} <= set(topo["objects"])


def test_geo_assets_script_defines_plotly_geo_assets() -> None:
    script = plotting.geo_assets_script()
    assert script.startswith('<script type="text/javascript" id="cloudgeo-geo-assets">')
    assert script.endswith("</script>")
    assert script.count("</script>") == 1
    assert "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};" in script
    assert 'window.PlotlyGeoAssets.topojson["world_110m"] = {"type":"Topology"' in script
    assert '"world_50m"' not in script
    both = plotting.geo_assets_script(("world_110m", "world_50m", "world_110m"))
    assert both.count('window.PlotlyGeoAssets.topojson["world_110m"]') == 1
    assert 'window.PlotlyGeoAssets.topojson["world_50m"]' in both


def test_geo_assets_script_rejects_unknown_map() -> None:
    with pytest.raises(
        InvalidInputError, match=r"no vendored base map 'usa_110m'; cloudgeo ships world_110m"
    ):
        plotting.geo_assets_script(("usa_110m",))


def test_enable_offline_maps_displays_script_and_sets_topojson(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(pio.defaults, "topojson", None)
    plotting.enable_offline_maps()
    assert len(shown) == 1
    assert "window.PlotlyGeoAssets" in shown[0].data  # type: ignore[attr-defined]
    assert pio.defaults.topojson == plotting.topojson_dir().as_uri() + "/"


def test_geo_topojson_names() -> None:
    assert plotting.geo_topojson_names(go.Figure(go.Bar(y=[1]))) == ()
    fig = go.Figure(go.Scattergeo(lat=[0], lon=[0]))
    assert plotting.geo_topojson_names(fig) == ("world_110m",)
    fig.update_geos(resolution=50)
    assert plotting.geo_topojson_names(fig) == ("world_50m",)
    fig.update_geos(scope="north america")
    assert plotting.geo_topojson_names(fig) == ("north-america_50m",)


# --------------------------------------------------------------------------------------------
# offline HTML
# --------------------------------------------------------------------------------------------


def _geo_fig() -> go.Figure:
    fig = go.Figure(go.Scattergeo(lat=[1.0, 2.0], lon=[3.0, 4.0]))
    fig.update_layout(geo=plotting.world_geo_layout())
    return fig


def test_to_offline_html_is_self_contained_and_deterministic() -> None:
    fig = _geo_fig()
    html = plotting.to_offline_html(fig, title="Map <1>")
    assert html == plotting.to_offline_html(fig, title="Map <1>")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Map &lt;1&gt;</title>" in html
    head, body = html.split("</head>", 1)
    assert "window.PlotlyGeoAssets" in head
    assert head.index("window.PlotlyGeoAssets") < head.index("plotly.js v")
    assert head.count(f"plotly.js v{get_plotlyjs_version()}") == 1
    assert 'id="cg-figure"' in body
    assert "Plotly.newPlot" not in head
    assert "cdn.plot.ly" not in body
    assert '"showSendToCloud": false' in body


def test_to_offline_html_mapping_names_and_ids() -> None:
    bar = go.Figure(go.Bar(x=["a"], y=[1]))
    html = plotting.to_offline_html(
        {"World map": _geo_fig(), "latency_cdf": bar}, div_ids={"latency_cdf": "cdf"}
    )
    assert html.index('id="cg-world-map"') < html.index('id="cdf"')
    assert html.count("plotly.js v") == 1
    only_bar = plotting.to_offline_html({"bars": bar})
    assert "cloudgeo-geo-assets" not in only_bar


def test_to_offline_html_fragment_and_plotlyjs_options() -> None:
    frag = plotting.to_offline_html(_geo_fig(), full_html=False, include_plotlyjs=False)
    assert "<html" not in frag
    assert "plotly.js v" not in frag
    assert frag.index("PlotlyGeoAssets") < frag.index('id="cg-figure"')
    cdn = plotting.to_offline_html(_geo_fig(), include_plotlyjs="cdn")
    assert f'<script src="https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"' in cdn
    local = plotting.to_offline_html(_geo_fig(), include_plotlyjs="plotly.min.js")
    assert '<script src="plotly.min.js"' in local


def test_to_offline_html_embeds_50m_when_used() -> None:
    fig = _geo_fig()
    fig.update_geos(resolution=50)
    html = plotting.to_offline_html(fig, include_plotlyjs=False)
    assert 'window.PlotlyGeoAssets.topojson["world_50m"]' in html
    assert 'window.PlotlyGeoAssets.topojson["world_110m"]' not in html


def test_to_offline_html_errors() -> None:
    with pytest.raises(InvalidTypeError, match=r"figures must be a plotly Figure or a mapping"):
        plotting.to_offline_html([_geo_fig()])
    with pytest.raises(InvalidInputError, match=r"figures is an empty mapping"):
        plotting.to_offline_html({})
    with pytest.raises(InvalidInputError, match=r"get the same div id 'cg-a-b'"):
        plotting.to_offline_html({"a b": _geo_fig(), "a-b": _geo_fig()})
    with pytest.raises(InvalidInputError, match=r"div_ids names \['nope'\] are not figure names"):
        plotting.to_offline_html({"a": _geo_fig()}, div_ids={"nope": "x"})
    with pytest.raises(InvalidTypeError, match=r"figure 'a' must be a plotly.graph_objects.Figure, got int"):
        plotting.to_offline_html({"a": 3})
    europe = _geo_fig()
    europe.update_geos(scope="europe")
    with pytest.raises(InvalidInputError, match=r"no vendored base map 'europe_110m'"):
        plotting.to_offline_html(europe)


# --------------------------------------------------------------------------------------------
# infrastructure maps
# --------------------------------------------------------------------------------------------


def _regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["us-east-1", "eu-central-1", "ap-southeast-1"],
            "name": ["US East (N. Virginia)", "Europe (Frankfurt)", "Asia Pacific (Singapore)"],
            "lat": [38.9, 50.1, 1.35],
            "lon": [-77.0, 8.7, 103.8],
            "az_count": [6, 3, 3],
            "opened": pd.to_datetime(["2006-08-25", "2014-10-23", "2010-04-29"]),
        }
    ).set_index("code", drop=False)


def _edges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iata": ["MNL", "SIN", "FRA"],
            "city": ["Manila", "Singapore", "Frankfurt"],
            "country": ["Philippines", "Singapore", "Germany"],
            "lat": [14.5, 1.36, 50.03],
            "lon": [121.0, 103.99, 8.56],
            "pops": [1, 4, 16],
        }
    ).set_index("iata", drop=False)


def _recs() -> pd.DataFrame:
    return pd.DataFrame({"metro": ["Singapore"], "lat": [1.3], "lon": [103.8]}, index=["ap-southeast-1"])


def _assert_world_geo(geo: go.layout.Geo) -> None:
    assert geo.fitbounds is False
    assert geo.projection.type == "natural earth"
    assert geo.showland is True
    assert geo.showocean is True
    assert geo.showcoastlines is True


def test_infrastructure_map_traces_sizes_and_hover() -> None:
    regions, edges, recs = _regions(), _edges(), _recs()
    before = (regions.copy(), edges.copy(), recs.copy())
    fig = plotting.plot_infrastructure_map(regions=regions, edges=edges, recs=recs)
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["scattergeo"] * 3
    edge_t, region_t, rec_t = fig.data
    np.testing.assert_allclose(region_t.lat, [38.9, 50.1, 1.35])
    np.testing.assert_allclose(region_t.lon, [-77.0, 8.7, 103.8])
    np.testing.assert_allclose(region_t.marker.size, [6 + 3 * 6, 6 + 3 * 3, 6 + 3 * 3])
    assert list(region_t.text) == ["us-east-1", "eu-central-1", "ap-southeast-1"]
    assert (
        region_t.hovertext[0]
        == "<b>US East (N. Virginia)</b> (us-east-1)<br>Availability Zones: 6<br>opened: 2006-08-25"
    )
    np.testing.assert_allclose(edge_t.marker.size, 4 + 2 * np.sqrt([1, 4, 16]))
    assert edge_t.hovertext[0] == "<b>MNL</b> Manila, Philippines<br>edge PoPs: 1"
    assert "Edge locations (3, 21 PoPs" in edge_t.name
    assert rec_t.hovertext[0] == "<b>Regional edge cache</b><br>Singapore"
    assert "Regions (3, 12 AZs" in region_t.name
    _assert_world_geo(fig.layout.geo)
    assert fig.layout.title.text == (
        "AWS global infrastructure, current catalogue: 3 regions, 12 Availability Zones, "
        "3 edge locations (21 PoPs)"
    )
    for df, old in zip((regions, edges, recs), before, strict=True):
        pd.testing.assert_frame_equal(df, old)


def test_infrastructure_map_without_edges_and_recs() -> None:
    fig = plotting.plot_infrastructure_map(
        regions=_regions(), show_edges=False, show_recs=False, title="Regions only", as_of="2019-12-31"
    )
    assert len(fig.data) == 1
    assert fig.layout.title.text == "Regions only"
    fig2 = plotting.plot_infrastructure_map(
        regions=_regions(), show_edges=False, show_recs=False, as_of="2019-12-31"
    )
    assert fig2.layout.title.text.startswith("AWS global infrastructure, as of 2019-12-31: 3 regions")


def test_infrastructure_map_bad_frames() -> None:
    bad = _regions().drop(columns="az_count")
    with pytest.raises(
        DataValidationError, match=r"(?s)regions failed validation.*missing column\(s\) \['az_count'\]"
    ):
        plotting.plot_infrastructure_map(regions=bad, show_edges=False, show_recs=False)
    swapped = _regions().assign(lat=[-77.0, 8.7, 103.8], lon=[38.9, 50.1, 1.35])
    with pytest.raises(DataValidationError, match=r"(?s)lat outside \[-90, 90\].*swapped"):
        plotting.plot_infrastructure_map(regions=swapped, show_edges=False, show_recs=False)
    with pytest.raises(DataValidationError, match=r"(?s)edge locations failed validation.*\['pops'\]"):
        plotting.plot_infrastructure_map(
            regions=_regions(), edges=_edges().drop(columns="pops"), show_recs=False
        )


def test_world_geo_layout_overrides() -> None:
    geo = plotting.world_geo_layout(projection={"type": "orthographic"})
    assert geo["projection"] == {"type": "orthographic"}
    assert geo["fitbounds"] is False


def test_html_of_infrastructure_map_uses_fixed_ids() -> None:
    fig = plotting.plot_infrastructure_map(regions=_regions(), edges=_edges(), recs=_recs())
    html = plotting.to_offline_html({"infrastructure": fig}, include_plotlyjs=False)
    assert re.search(r'<div id="cg-infrastructure" class="plotly-graph-div"', html)
