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
from cloudgeo.plotting import _common as _plotcommon

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
    from cloudgeo.plotting import offline as _offline

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(pio.defaults, "topojson", None)
    monkeypatch.setattr(_offline, "_in_kernel", lambda: True)
    plotting.enable_offline_maps()
    assert len(shown) == 1
    assert "window.PlotlyGeoAssets" in shown[0].data  # type: ignore[attr-defined]
    assert pio.defaults.topojson == plotting.topojson_dir().as_uri() + "/"


def test_enable_offline_maps_prints_nothing_outside_jupyter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cloudgeo.plotting import offline as _offline

    assert _offline._in_kernel() is False  # pytest is no Jupyter kernel
    monkeypatch.setattr(pio.defaults, "topojson", None)
    plotting.enable_offline_maps()
    out = capsys.readouterr()
    assert out.out == ""
    assert "IPython.core.display.HTML" not in out.err
    assert pio.defaults.topojson == plotting.topojson_dir().as_uri() + "/"  # exports still offline


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
    # a long title wraps: its tail goes to a smaller second line (not cut off in JupyterLab)
    assert fig.layout.title.text == (
        "AWS global infrastructure, current catalogue<br><sup>3 regions, 12 Availability Zones, "
        "3 edge locations (21 PoPs)</sup>"
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
    assert plotting.world_geo_layout(projection_type="orthographic")["projection_type"] == "orthographic"


def test_world_geo_layout_rejects_typos_and_bad_values() -> None:
    with pytest.raises(
        InvalidInputError, match=r"unknown layout.geo property 'bogus'\. Valid properties: .*landcolor"
    ):
        plotting.world_geo_layout(bogus=1)
    with pytest.raises(InvalidInputError, match=r"unknown layout.geo properties 'a', 'projection_typ'"):
        plotting.world_geo_layout(a=1, projection_typ="orthographic")
    with pytest.raises(InvalidInputError, match=r"plotly rejected a layout.geo value: .*'moon'"):
        plotting.world_geo_layout(projection_type="moon")


def test_html_of_infrastructure_map_uses_fixed_ids() -> None:
    fig = plotting.plot_infrastructure_map(regions=_regions(), edges=_edges(), recs=_recs())
    html = plotting.to_offline_html({"infrastructure": fig}, include_plotlyjs=False)
    assert re.search(r'<div id="cg-infrastructure" class="plotly-graph-div"', html)


def test_infrastructure_map_from_catalog_2019() -> None:
    from cloudgeo import catalog

    fig = plotting.plot_infrastructure_map(as_of="2019-12-31")
    regions = catalog.load_regions(as_of="2019-12-31")
    edge_t, region_t, rec_t = fig.data
    assert len(region_t.lat) == len(regions) == 22  # the seed article: 22 regions at the end of 2019
    assert set(region_t.text) == set(regions.index)
    assert len(edge_t.lat) == len(catalog.load_edge_locations(as_of="2019-12-31"))
    assert len(rec_t.lat) == len(catalog.load_regional_edge_caches())
    _assert_world_geo(fig.layout.geo)


def test_infrastructure_comparison_two_geos() -> None:
    from cloudgeo import catalog

    fig = plotting.plot_infrastructure_comparison(("2019-12-31", None), show_edges=False)
    assert [t.geo for t in fig.data] == ["geo", "geo2"]
    assert len(fig.data[0].lat) == 22
    assert len(fig.data[1].lat) == len(catalog.load_regions())
    assert fig.data[0].showlegend is True
    assert fig.data[1].showlegend is False
    for geo in (fig.layout.geo, fig.layout.geo2):
        _assert_world_geo(geo)
    assert fig.layout.annotations[0].text.startswith("as of 2019-12-31<br>22 regions")
    # the shared legend names kinds, not one date's counts, and sits below the maps (issue 18)
    assert fig.data[0].name == "Regions (size = AZ count)"
    assert fig.layout.legend.y < 0
    assert fig.layout.legend.yanchor == "top"
    assert plotting.geo_topojson_names(fig) == ("world_110m",)
    with pytest.raises(InvalidInputError, match=r"as_of_dates must hold 1 to 4 dates, got 0"):
        plotting.plot_infrastructure_comparison(())


def test_footprint_growth_counts() -> None:
    regions = pd.DataFrame(
        {"opened": pd.to_datetime(["2006-08-25", "2010-04-29", "2010-11-01"]), "az_count": [6, 3, 2]},
        index=["a", "b", "c"],
    )
    snaps = {"2019-11-27": _edges(), "2024-02-25": pd.concat([_edges(), _edges()])}
    fig = plotting.plot_footprint_growth(regions=regions, edge_snapshots=snaps)
    bars, azs, pops, locs = fig.data
    assert bars.type == "bar"
    years = [pd.Timestamp(x).year for x in bars.x]
    assert years[0] == 2006
    counts = dict(zip(years, bars.y, strict=True))
    assert counts[2006] == 1
    assert counts[2009] == 1
    assert counts[2010] == 3
    assert dict(zip(years, azs.y, strict=True))[2010] == 11
    assert list(pops.y) == [21, 42]
    assert list(locs.y) == [3, 6]
    assert [pd.Timestamp(x) for x in pops.x] == [pd.Timestamp("2019-11-27"), pd.Timestamp("2024-02-25")]
    with pytest.raises(InvalidInputError, match=r"without an opening date.*\['c'\]"):
        plotting.plot_footprint_growth(
            regions=regions.assign(opened=[regions.opened.iloc[0], regions.opened.iloc[1], pd.NaT]),
            edge_snapshots=snaps,
        )


def test_footprint_growth_from_catalog() -> None:
    fig = plotting.plot_footprint_growth()
    bars = fig.data[0]
    by_year = {pd.Timestamp(x).year: y for x, y in zip(bars.x, bars.y, strict=True)}
    assert by_year[2019] == 22


# --------------------------------------------------------------------------------------------
# latency
# --------------------------------------------------------------------------------------------


def _users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Manila", "Singapore", "Berlin", "Lima"],
            "country_code": ["PH", "SG", "DE", "PE"],
            "lat": [14.6, 1.35, 52.5, -12.0],
            "lon": [121.0, 103.8, 13.4, -77.0],
            "weight": [100.0, 50.0, 25.0, 0.0],
        },
        index=[10, 11, 12, 13],
    )


def _user_latency() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site": ["ap-southeast-1", "ap-southeast-1", "eu-central-1", "us-east-1"],
            "distance_km": [2390.0, 1.0, 420.0, 5600.0],
            "rtt_ms": [40.0, 5.0, 12.0, 90.0],
            "weight": [100.0, 50.0, 25.0, 0.0],
        },
        index=[10, 11, 12, 13],
    )


def test_user_latency_map_values_sizes_hover() -> None:
    ul, users = _user_latency(), _users()
    fig = plotting.plot_user_latency_map(ul, users=users, sites=_regions())
    pts, sites = fig.data
    np.testing.assert_allclose(pts.lat, users["lat"])
    np.testing.assert_allclose(pts.marker.color, [40.0, 5.0, 12.0, 90.0])
    np.testing.assert_allclose(pts.marker.size, 4 + 14 * np.sqrt(np.array([100, 50, 25, 0]) / 100))
    assert pts.hovertext[0] == (
        "<b>Manila</b><br>nearest site: ap-southeast-1<br>RTT: 40.0 ms<br>distance: 2,390 km<br>"
        "weight: 100<br>country: PH"
    )
    assert pts.marker.colorbar.title.text == "RTT [ms]"
    assert set(sites.text) == {"ap-southeast-1", "eu-central-1", "us-east-1"}
    assert sites.marker.symbol == "star"
    _assert_world_geo(fig.layout.geo)
    # weighted mean: (40*100 + 5*50 + 12*25) / 175
    assert fig.layout.title.text == "RTT to the nearest site: weighted mean 26 ms"


def test_user_latency_map_samples_and_says_so() -> None:
    n = 50
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "lat": rng.uniform(-60, 60, n),
            "lon": rng.uniform(-180, 180, n),
            "site": ["us-east-1"] * n,
            "rtt_ms": rng.uniform(10, 200, n),
            "weight": rng.uniform(1, 2, n),
        }
    )
    fig = plotting.plot_user_latency_map(df, max_points=20)
    assert len(fig.data[0].lat) == 20
    assert "showing a random sample of 20 of 50 users, seed 0" in fig.layout.title.text
    again = plotting.plot_user_latency_map(df, max_points=20)
    np.testing.assert_array_equal(fig.data[0].lat, again.data[0].lat)
    # the site is found in the catalogue
    assert list(fig.data[1].text) == ["us-east-1"]


def test_sample_rows_are_kept_per_weights_and_read_only() -> None:
    rng = np.random.default_rng(2)
    w = rng.uniform(1, 2, 400)
    rows = _plotcommon.sample_rows(400, 50, w, seed=0)
    fresh = np.sort(np.random.default_rng(0).choice(400, size=50, replace=False, p=w / w.sum()))
    np.testing.assert_array_equal(rows, fresh)  # the seeded weight-proportional sample
    assert _plotcommon.sample_rows(400, 50, w.copy(), seed=0) is rows  # equal weights: kept
    assert not rows.flags.writeable
    # any other argument is another sample (compared exactly, not by identity)
    w2 = w.copy()
    w2[7] += 1e-9
    for other in (
        _plotcommon.sample_rows(400, 50, w2, seed=0),
        _plotcommon.sample_rows(400, 50, w, seed=1),
        _plotcommon.sample_rows(400, 51, w, seed=0),
        _plotcommon.sample_rows(400, 50, None, seed=0),
    ):
        assert other is not rows
    expected = np.sort(np.random.default_rng(0).choice(400, size=50, replace=False, p=w2 / w2.sum()))
    np.testing.assert_array_equal(_plotcommon.sample_rows(400, 50, w2, seed=0), expected)
    np.testing.assert_array_equal(
        _plotcommon.sample_rows(400, 50, None, seed=0),
        np.sort(np.random.default_rng(0).choice(400, size=50, replace=False)),
    )
    np.testing.assert_array_equal(_plotcommon.sample_rows(30, 50, w[:30], seed=0), np.arange(30))


def test_user_latency_map_by_country_and_errors() -> None:
    fig = plotting.plot_user_latency_map(
        _user_latency(), users=_users(), color="country_code", sites=_regions()
    )
    colors = list(fig.data[0].marker.color)
    assert len(set(colors)) == 4
    with pytest.raises(InvalidInputError, match=r"color must be one of 'rtt_ms', 'country_code'; got 'rtt'"):
        plotting.plot_user_latency_map(_user_latency(), users=_users(), color="rtt")
    with pytest.raises(DataValidationError, match=r"pass users=<the users frame given to"):
        plotting.plot_user_latency_map(_user_latency())
    with pytest.raises(InvalidInputError, match=r"users must have the same index as user_latency_df"):
        plotting.plot_user_latency_map(_user_latency(), users=_users().reset_index(drop=True))
    with pytest.raises(InvalidInputError, match=r"max_points must be >= 1, got 0"):
        plotting.plot_user_latency_map(_user_latency(), users=_users(), max_points=0)


def test_user_latency_map_with_real_latency_model() -> None:
    from cloudgeo import catalog, latency

    users = _users()
    sites = catalog.load_regions().loc[["ap-southeast-1", "eu-central-1"]]
    ul = latency.user_latency(users, sites)
    fig = plotting.plot_user_latency_map(ul, users=users)
    np.testing.assert_allclose(fig.data[0].marker.color, ul["rtt_ms"])
    assert sorted(fig.data[1].text) == ["ap-southeast-1", "eu-central-1"]


def test_latency_cdf_weighted_steps() -> None:
    a = pd.DataFrame({"rtt_ms": [30.0, 10.0, 20.0, 20.0], "weight": [1.0, 1.0, 1.0, 1.0]})
    b = pd.DataFrame({"rtt_ms": [100.0, 50.0], "weight": [3.0, 1.0]})
    fig = plotting.plot_latency_cdf({"A": a, "B": b}, thresholds_ms=(25,))
    ta, tb = fig.data
    np.testing.assert_allclose(ta.x, [10, 20, 30])
    np.testing.assert_allclose(ta.y, [0.25, 0.75, 1.0])
    np.testing.assert_allclose(tb.x, [50, 100])
    np.testing.assert_allclose(tb.y, [0.25, 1.0])
    assert ta.line.shape == "hv"
    assert ta.name == "A (p50 20 ms, p90 30 ms)"
    assert tb.name == "B (p50 100 ms, p90 100 ms)"
    assert fig.layout.shapes[0].x0 == 25
    assert fig.layout.xaxis.title.text == "round-trip time to the serving site [ms]"
    unweighted = plotting.plot_latency_cdf(a.drop(columns="weight"))
    assert unweighted.data[0].name == "users (p50 20 ms, p90 30 ms, unweighted)"


def test_latency_cdf_many_points_is_thinned_but_exact_at_ends() -> None:
    rtt = np.arange(1, 20_001, dtype=float)
    fig = plotting.plot_latency_cdf(pd.DataFrame({"rtt_ms": rtt}))
    x, y = np.asarray(fig.data[0].x), np.asarray(fig.data[0].y)
    assert len(x) <= 2003
    assert x[0] == 1
    assert x[-1] == 20_000
    assert y[-1] == 1.0
    np.testing.assert_allclose(y, x / 20_000)


def test_latency_cdf_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"results is empty"):
        plotting.plot_latency_cdf({})
    with pytest.raises(DataValidationError, match=r"(?s)results\['x'\].*rtt_ms has NaN"):
        plotting.plot_latency_cdf({"x": pd.DataFrame({"rtt_ms": [1.0, np.nan]})})
    with pytest.raises(DataValidationError, match=r"(?s)results\['x'\].*weight must be finite"):
        plotting.plot_latency_cdf({"x": pd.DataFrame({"rtt_ms": [1.0], "weight": [-1.0]})})
    with pytest.raises(DataValidationError, match=r"(?s)missing column\(s\) \['rtt_ms'\]"):
        plotting.plot_latency_cdf({"x": pd.DataFrame({"rtt": [1.0]})})
    with pytest.raises(
        InvalidTypeError, match=r"results must be a user_latency DataFrame or a mapping .*got int"
    ):
        plotting.plot_latency_cdf(5)  # type: ignore[arg-type]


def test_rtt_matrix_heatmap_and_error_panel() -> None:
    m = pd.DataFrame([[0.0, 80.0], [80.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    fig = plotting.plot_rtt_matrix(m)
    (h,) = fig.data
    assert h.type == "heatmap"
    np.testing.assert_allclose(np.asarray(h.z), m.to_numpy())
    assert list(h.x) == ["a", "b"]
    assert "ms" in h.hovertemplate
    tidy = pd.DataFrame({"src": ["a", "b", "a"], "dst": ["b", "a", "b"], "rtt_ms": [100.0, 100.0, 60.0]})
    fig2 = plotting.plot_rtt_matrix(m, measured=tidy)
    _model, err = fig2.data
    z = np.asarray(err.z, dtype=float)
    # a->b: median of 100 and 60 = 80 -> 0 %; b->a: 80 vs 100 -> -20 %
    assert z[0, 1] == pytest.approx(0.0)
    assert z[1, 0] == pytest.approx(-20.0)
    assert np.isnan(z[0, 0])
    assert "over 2 pairs" in fig2.layout.title.text


def test_rtt_matrix_errors() -> None:
    m = pd.DataFrame([[0.0, 80.0], [80.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(InvalidInputError, match=r"measured shares no \(from, to\) pair with matrix_ms"):
        plotting.plot_rtt_matrix(m, measured=pd.DataFrame([[1.0]], index=["x"], columns=["y"]))
    with pytest.raises(InvalidTypeError, match=r"matrix_ms must be a pandas DataFrame, got list"):
        plotting.plot_rtt_matrix([[1.0]])  # type: ignore[arg-type]
    with pytest.raises(DataValidationError, match=r"(?s)matrix_ms.*the matrix is empty"):
        plotting.plot_rtt_matrix(pd.DataFrame())
    with pytest.raises(DataValidationError, match=r"(?s)matrix_ms.*values must be numeric"):
        plotting.plot_rtt_matrix(pd.DataFrame({"a": ["x"]}))
    bad = pd.DataFrame([[0.0, -5.0, 1.0], [np.nan, 0.0, np.inf]], index=["a", "b"], columns=["a", "b", "c"])
    with pytest.raises(
        DataValidationError, match=r"(?s)3 problem.*RTT is NaN \(missing\) in 1 cell\(s\): \(b -> a\) = nan"
    ):
        plotting.plot_rtt_matrix(bad)
    with pytest.raises(DataValidationError, match=r"RTT is infinite in 1 cell\(s\): \(b -> c\) = inf"):
        plotting.plot_rtt_matrix(bad)
    with pytest.raises(
        DataValidationError,
        match=r"RTT is negative in 1 cell\(s\): \(a -> b\) = -5; an RTT must be a finite number >= 0 ms",
    ):
        plotting.plot_rtt_matrix(bad)
    many = pd.DataFrame(-np.ones((3, 3)))
    with pytest.raises(DataValidationError, match=r"negative in 9 cell\(s\): .* \(\+4 more\)"):
        plotting.plot_rtt_matrix(many)


def test_rtt_matrix_from_latency_model() -> None:
    from cloudgeo import latency

    m = latency.rtt_matrix_ms(["us-east-1", "eu-west-1", "ap-southeast-1"])
    fig = plotting.plot_rtt_matrix(m)
    np.testing.assert_allclose(np.asarray(fig.data[0].z), m.to_numpy())


# --------------------------------------------------------------------------------------------
# durability, availability
# --------------------------------------------------------------------------------------------


def test_durability_lines_and_seed_marker() -> None:
    table = pd.DataFrame(
        {"name": ["Standard", "One Zone", "RRS"], "durability": [0.99999999999, 0.99999999999, 0.9999]},
        index=["s3-standard", "s3-one-zone-ia", "s3-reduced-redundancy"],
    )
    fig = plotting.plot_durability(table, objects=1e6, years=2.0, highlight="s3-reduced-redundancy")
    # two durability groups x two panels + the seed marker
    assert len(fig.data) == 5
    left11, _right11, left4, right4, seed = fig.data
    assert left11.name.startswith("0.99999999999 (11.0 nines): Standard, One Zone")
    x = np.asarray(left11.x)
    np.testing.assert_allclose(np.asarray(left4.y), x * 1e-4 * 2.0, rtol=1e-9)
    assert left11.opacity == pytest.approx(0.3)
    assert left4.opacity == pytest.approx(1.0)
    years = np.asarray(right4.x)
    np.testing.assert_allclose(np.asarray(right4.y), -np.expm1(1e6 * years * np.log1p(-1e-4)), rtol=1e-9)
    # the seed: 10 million objects at 11 nines lose 1e-4 objects a year (one per 10,000 years); 2 years here
    assert list(seed.x) == [10_000_000]
    assert seed.y[0] == pytest.approx(2e-4, rel=1e-6)
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis2.type == "log"
    assert fig.layout.xaxis.title.text == "stored objects [count]"


def test_durability_defaults_from_catalog_and_errors() -> None:
    from cloudgeo.errors import UnknownNameError

    fig = plotting.plot_durability()
    assert fig.layout.annotations[1].text == "probability of losing at least one of 10,000,000 objects"
    fig2 = plotting.plot_durability(["s3-standard", "ebs-gp3"])
    assert len(fig2.data) == 5
    with pytest.raises(
        UnknownNameError, match=r"unknown storage class 's3-standrd'. Did you mean 's3-standard'"
    ):
        plotting.plot_durability(["s3-standrd"])
    with pytest.raises(DataValidationError, match=r"(?s)durability must be in \(0, 1\).*\['x'\]"):
        plotting.plot_durability(pd.DataFrame({"durability": [1.5]}, index=["x"]))
    with pytest.raises(
        InvalidTypeError, match=r"data must be None, a list of storage-class ids or a DataFrame"
    ):
        plotting.plot_durability(3)
    with pytest.raises(InvalidInputError, match=r"objects must be > 0"):
        plotting.plot_durability(objects=-1)


def test_durability_reads_objects_and_years_from_table() -> None:
    table = pd.DataFrame({"durability": [0.999], "objects": [500.0], "years": [3.0]}, index=["x"])
    fig = plotting.plot_durability(table)
    assert fig.layout.annotations[0].text == "expected objects lost in 3 year(s)"
    assert fig.layout.annotations[1].text == "probability of losing at least one of 500 objects"


def test_availability_bars_from_presets() -> None:
    from cloudgeo import availability

    table = availability.compare_architectures()
    fig = plotting.plot_availability(table, highlight="multi_az")
    nines, down = fig.data
    assert nines.type == down.type == "bar"
    np.testing.assert_allclose(nines.y, -np.log10(1 - table["availability"].to_numpy()))
    np.testing.assert_allclose(down.y, table["downtime_per_year_h"].to_numpy())
    assert list(nines.x) == list(table["title"])
    assert nines.marker.color[2] == "#d6541b"
    assert nines.marker.color[0] == "#c9c9c9"
    assert "availability: " in nines.hovertext[0]
    assert "downtime: " in nines.hovertext[0]
    assert "adds: " in nines.hovertext[0]
    assert "(+" in down.text[1] or "(−" in down.text[1]
    assert fig.layout.yaxis2.type == "log"


def test_figures_carry_the_cloudgeo_template_unless_deferred() -> None:
    from cloudgeo import availability
    from cloudgeo.plotting import style as _plotstyle

    expected = pio.templates[_plotstyle.TEMPLATE].to_plotly_json()
    table = availability.compare_architectures()
    builds = (
        lambda: plotting.plot_availability(table),  # one figure
        lambda: plotting.plot_durability(),  # subplots
    )
    for build in builds:
        assert build().layout.template.to_plotly_json() == expected
    # a widget re-render: no template of its own (the figure widget keeps TEMPLATE), not
    # plotly's default one either
    with _plotstyle.template_deferred():
        for fig in (_plotstyle.new_figure(), _plotstyle.new_subplots(rows=1, cols=2), *(b() for b in builds)):
            assert not fig.layout.template.layout.to_plotly_json()
    assert (
        _plotstyle.new_figure().layout.template.to_plotly_json()
        == pio.templates[pio.templates.default].to_plotly_json()
    )
    assert len(_plotstyle.new_subplots(rows=1, cols=2).layout.template.layout.to_plotly_json()) > 0


def test_availability_from_documented_columns() -> None:
    table = pd.DataFrame(
        {
            "architecture": ["one", "two"],
            "availability": [0.99, 0.9999],
            "downtime_per_year": [pd.Timedelta(hours=87.66), pd.Timedelta(minutes=52.6)],
        }
    )
    fig = plotting.plot_availability(table)
    np.testing.assert_allclose(fig.data[0].y, [2.0, 4.0])
    np.testing.assert_allclose(fig.data[1].y, [87.66, 52.6 / 60])
    assert list(fig.data[0].text) == ["99.0 %", "99.990 %"]
    assert fig.data[1].text[1] == "52.6 min (−3.6 days)"
    seconds = table.assign(downtime_per_year=[3600.0, 36.0])
    np.testing.assert_allclose(plotting.plot_availability(seconds).data[1].y, [1.0, 0.01])
    with pytest.raises(DataValidationError, match=r"(?s)availability must be a fraction in \[0, 1\]"):
        plotting.plot_availability(table.assign(availability=[99.0, 0.5]))
    with pytest.raises(DataValidationError, match=r"(?s)missing column\(s\) \['availability'\]"):
        plotting.plot_availability(table.drop(columns="availability"))


# --------------------------------------------------------------------------------------------
# placement, failover, autoscaling
# --------------------------------------------------------------------------------------------


def _placement() -> tuple[object, pd.DataFrame, pd.DataFrame]:
    from cloudgeo import placement

    users = _users()
    cands = _regions()
    result = placement.optimize_placement(users, cands, 2)
    return result, users, cands


def test_placement_map() -> None:
    result, users, cands = _placement()
    fig = plotting.plot_placement(result, users, cands)
    pts, others, chosen = fig.data
    assert sorted(chosen.text) == sorted(map(str, result.sites))  # type: ignore[attr-defined]
    assert len(others.lat) == len(cands) - 2
    np.testing.assert_allclose(pts.marker.color, result.rtt_ms.to_numpy())  # type: ignore[attr-defined]
    assert pts.hovertext[0].startswith("<b>Manila</b><br>served by ")
    assert "of the weight" in chosen.hovertext[0]
    _assert_world_geo(fig.layout.geo)
    assert fig.layout.title.text.startswith("2 sites chosen (mean = ")
    with pytest.raises(InvalidInputError, match=r"result.assignment is not aligned with users"):
        plotting.plot_placement(result, users.iloc[:2], cands)
    with pytest.raises(InvalidTypeError, match=r"result has no 'sites'"):
        plotting.plot_placement(object(), users, cands)


def test_placement_with_stand_in_result() -> None:
    from types import SimpleNamespace

    users = _users()
    stand_in = SimpleNamespace(
        sites=["us-east-1"],
        assignment=pd.Series("us-east-1", index=users.index),
        objective="coverage",
        objective_value=0.5,
    )
    fig = plotting.plot_placement(stand_in, users, _regions())
    assert len(set(fig.data[0].marker.color)) == 1  # coloured by serving site without rtt_ms
    assert fig.layout.title.text.startswith("1 sites chosen (coverage = 0.5)")
    # users without a serving site keep their own label; the share counts the served ones only
    half = pd.Series(
        ["us-east-1"] * (len(users) // 2) + [None] * (len(users) - len(users) // 2), index=users.index
    )
    fig = plotting.plot_placement(
        SimpleNamespace(sites=["us-east-1"], assignment=half, objective="coverage", objective_value=0.5),
        users,
        _regions(),
    )
    served = [h.split("served by ")[1] for h in fig.data[0].hovertext]
    assert served.count("us-east-1") == len(users) // 2
    assert set(served) == {"us-east-1", "nan"}
    w = users["weight"].to_numpy() if "weight" in users.columns else np.ones(len(users))
    share = w[: len(users) // 2].sum() / w.sum()
    assert fig.data[2].hovertext[0].endswith(f"serves {share:.1%} of the weight")


def test_placement_frontier_and_failover() -> None:
    from cloudgeo import placement

    users, cands = _users(), _regions()
    frontier = placement.placement_frontier(users, cands, 3)
    fig = plotting.plot_placement_frontier(frontier)
    np.testing.assert_allclose(fig.data[0].y, frontier["objective_value"])
    assert list(fig.data[0].x) == list(frontier.index)
    assert fig.layout.xaxis.title.text == "number of sites k"
    assert [t.name for t in fig.data] == ["best mean [ms]", "p90 RTT [ms]"]
    cov = plotting.plot_placement_frontier(
        pd.DataFrame({"k": [1, 2], "objective_value": [0.4, 0.9]}), objective="coverage"
    )
    assert cov.layout.yaxis.tickformat == ".0%"
    with pytest.raises(DataValidationError, match=r"(?s)frontier_df.*\['objective_value'\]"):
        plotting.plot_placement_frontier(pd.DataFrame({"k": [1]}))
    result = placement.optimize_placement(users, cands, 2)
    ff = plotting.plot_failover(result)
    before, after = ff.data
    np.testing.assert_allclose(after.y, result.failover["affected_mean_rtt_ms_after"])
    np.testing.assert_allclose(before.y, result.failover["affected_mean_rtt_ms_before"])
    assert list(after.x) == [str(s) for s in result.failover.index]
    assert "of users" in after.text[0]
    assert ff.layout.shapes[0].y0 == pytest.approx(float(result.summary["mean_rtt_ms"]))


def test_autoscaling_timeline() -> None:
    from cloudgeo import scaling

    demand = scaling.daily_demand(days=1)
    result = scaling.simulate_autoscaling(demand, scaling.StepScalingPolicy())
    fig = plotting.plot_autoscaling(result)
    tl = result.timeline
    names = [t.name for t in fig.data]
    assert names[:2] == ["capacity (in service)", "demand"]
    np.testing.assert_allclose(fig.data[1].y, tl["demand"])
    np.testing.assert_allclose(fig.data[0].y, tl["capacity"])
    util = next(t for t in fig.data if t.name == "utilisation")
    np.testing.assert_allclose(util.y, tl["utilisation"])
    assert util.yaxis == "y3"
    out_alarm = next(t for t in fig.data if t.name.startswith("scale-out alarm"))
    assert len(out_alarm.x) == int((tl["alarm"] == "scale-out").sum())
    assert any(a.text == "scale-out alarm 80%" for a in fig.layout.annotations)


def test_autoscaling_stand_in_timeline_marks_actions() -> None:
    idx = pd.date_range("2024-01-01", periods=4, freq="min")
    tl = pd.DataFrame(
        {
            "demand": [10.0, 30.0, 30.0, 10.0],
            "instances": [1, 1, 2, 2],
            "in_service_instances": [1, 1, 1, 2],
            "capacity": [20.0, 20.0, 20.0, 40.0],
            "utilisation": [0.5, 1.0, 1.0, 0.25],
            "served": [10.0, 20.0, 20.0, 10.0],
            "unserved": [0.0, 10.0, 10.0, 0.0],
            "alarm": ["", "scale-out", "", "scale-in"],
            "action": [0, 1, 0, -1],
        },
        index=idx,
    )
    fig = plotting.plot_autoscaling(tl, demand_unit="jobs/s")
    actions = next(t for t in fig.data if t.name.startswith("scaling actions"))
    assert actions.name == "scaling actions (2)"
    assert list(actions.marker.symbol) == ["triangle-up", "triangle-down"]
    unserved = next(t for t in fig.data if t.name.startswith("unserved"))
    assert unserved.name == "unserved (25.00% of demand)"
    assert fig.layout.yaxis.title.text == "jobs/s"
    with pytest.raises(DataValidationError, match=r"(?s)autoscaling timeline.*\['alarm'\]"):
        plotting.plot_autoscaling(tl.drop(columns="alarm"))
    with pytest.raises(
        InvalidTypeError, match=r"result has no 'timeline' \(got int\); pass the ScalingResult from cloudgeo"
    ):
        plotting.plot_autoscaling(5)
    with pytest.raises(
        InvalidTypeError, match=r"result has no 'failover' \(got str\); pass the PlacementResult"
    ):
        plotting.plot_failover("x")


def test_chart_modules_do_not_import_each_other() -> None:
    # the plotting package re-exports the chart modules (one way); no chart module and no
    # shared helper imports the package or another chart module, so there is no cycle (issue 16)
    modules = (
        "maps",
        "latency_charts",
        "reliability_charts",
        "placement_charts",
        "scaling_charts",
        "cdn_charts",
    )
    charts = {"cloudgeo.plotting", *(f"cloudgeo.plotting.{m}" for m in modules)}
    for name in modules:
        assert not (charts - {f"cloudgeo.plotting.{name}"}) & _module_imports(name), name
    assert not charts & _module_imports("_common")
    assert not charts & _module_imports("style")


def _module_imports(name: str) -> set[str]:
    import ast
    from pathlib import Path

    tree = ast.parse((Path(plotting.__file__).parent / f"{name}.py").read_text(encoding="utf-8"))
    found = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return found | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}


def test_footprint_snapshots_are_markers_and_right_axis_ticks_are_its_own() -> None:
    fig = plotting.plot_footprint_growth()
    snaps = [t for t in fig.data if "snapshots" in str(t.name)]
    assert len(snaps) == 2
    assert all(t.mode == "markers" for t in snaps)
    assert fig.layout.yaxis2.tickmode == "auto"


def test_durability_default_is_object_storage_and_ebs_has_its_own_chart() -> None:
    from cloudgeo import catalog

    fig = plotting.plot_durability()
    assert not any("EBS" in str(t.name) for t in fig.data)
    dashes = {t.line.dash for t in fig.data if t.line is not None and t.mode == "lines"}
    assert len(dashes) >= 2  # coinciding lines stay distinguishable
    ebs = plotting.plot_ebs_volume_losses(volumes=1000)
    assert ebs.layout.yaxis.title.text == "volumes lost a year [count/yr]"
    table = catalog.load_storage_classes()
    gp3 = table.loc["ebs-gp3"]
    marked = [t for t in ebs.data if t.mode == "markers+text"]
    assert any(abs(t.y[0] - 1000 * gp3["annual_failure_rate_high"]) < 1e-9 for t in marked), [
        t.y for t in marked
    ]
    with pytest.raises(DataValidationError, match="annual_failure_rate_low"):
        plotting.plot_ebs_volume_losses(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidInputError, match="volumes"):
        plotting.plot_ebs_volume_losses(volumes=0)


def test_downtime_axis_has_no_minor_labels() -> None:
    from cloudgeo import availability

    fig = plotting.plot_availability(availability.compare_architectures())
    assert fig.layout.yaxis2.dtick == 1


def test_long_titles_wrap_short_ones_stay() -> None:
    from cloudgeo.plotting.style import TITLE_CHARS, wrap_title

    assert wrap_title("Short title") == "Short title"
    long = (
        "RTT to the nearest site: weighted mean 89 ms "
        "(showing a random sample of 1,500 of 33,961 users, seed 0)"
    )
    wrapped = wrap_title(long)
    head, tail = wrapped.split("<br>")
    assert head == "RTT to the nearest site: weighted mean 89 ms"
    assert tail == "<sup>(showing a random sample of 1,500 of 33,961 users, seed 0)</sup>"
    assert len(head) <= TITLE_CHARS
