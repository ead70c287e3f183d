"""Offline plumbing for plotly figures: vendored base map, self-contained HTML, static export.

plotly.js draws every geo subplot from a topojson base map that it fetches from
``https://cdn.plot.ly/un/`` unless ``window.PlotlyGeoAssets.topojson[<name>]`` already holds
it. Offline the fetch fails and the whole map (land *and* markers) stays blank. cloudgeo ships
plotly's own ``world_110m``/``world_50m`` topojson (``data/topojson/``, extracted from the npm
package ``plotly.js`` of the bundled version by ``scripts/extract_topojson.py``) and

- injects it as ``window.PlotlyGeoAssets`` into HTML (:func:`to_offline_html`) and notebooks
  (:func:`enable_offline_maps`);
- exports PNG/SVG/PDF through kaleido's public API (:func:`export_figure`) with a local
  chromium only (never a browser download), started with :data:`CHROMIUM_OFFLINE_FLAGS` (no
  background calls to Google services), MathJax off and the vendored base map.

The public names are re-exported by :mod:`cloudgeo.plotting`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import functools
import html
import importlib.util
import json
import os
import re
import shlex
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cloudgeo._data import data_dir
from cloudgeo.errors import InvalidInputError, InvalidTypeError, MissingDependencyError

__all__ = [
    "CHROMIUM_OFFLINE_FLAGS",
    "IMAGE_FORMATS",
    "OFFLINE_CONFIG",
    "enable_offline_maps",
    "export_figure",
    "export_figures",
    "chromium_launcher",
    "find_chromium",
    "geo_assets_script",
    "geo_topojson_names",
    "to_offline_html",
    "topojson_dir",
    "vendored_plotlyjs_version",
]

#: Image formats kaleido writes.
IMAGE_FORMATS = ("png", "svg", "pdf", "jpeg", "jpg", "webp")

#: plotly.js config used for offline HTML: no "send to cloud" button, no plotly logo link.
OFFLINE_CONFIG: dict[str, Any] = {"showSendToCloud": False, "displaylogo": False}

_BROWSER_NAMES = ("chromium", "google-chrome", "chromium-browser")
_APT_HINT = (
    "Install Debian's chromium with: apt-get install -y chromium (or set BROWSER_PATH to a chrome binary)"
)
_EXPORT_HINT = 'pip install "cloudgeo[export]"'
_DEFAULT_EXPORT_SIZE_PX = (1000, 600)


def topojson_dir() -> Path:
    """Return the folder holding the vendored plotly base-map topojson files.

    Returns
    -------
    pathlib.Path
        ``<data>/topojson`` with ``world_110m.json``, ``world_50m.json`` and ``VERSION.json``.
    """
    return data_dir() / "topojson"


@functools.cache
def _metadata() -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((topojson_dir() / "VERSION.json").read_text(encoding="utf-8"))
    return meta


def vendored_plotlyjs_version() -> str:
    """Return the plotly.js version the vendored topojson was extracted from.

    Returns
    -------
    str
        For example ``"4.1.1"``; it should equal ``plotly.offline.get_plotlyjs_version()``.
    """
    return str(_metadata()["plotlyjs_version"])


def _vendored_names() -> tuple[str, ...]:
    return tuple(sorted(Path(name).stem for name in _metadata()["files"]))


@functools.cache
def _topojson_text(name: str) -> str:
    text = (topojson_dir() / f"{name}.json").read_text(encoding="utf-8")
    # never let "</script>" inside the data close the surrounding script element
    return text.replace("</", "<\\/")


def _names_tuple(names: object) -> tuple[str, ...]:
    """Return base-map names as a de-duplicated tuple (a bare str or an empty sequence is an error)."""
    if isinstance(names, str) or not isinstance(names, list | tuple):
        msg = f"names must be a tuple or list of base-map names such as ('world_110m',), got {names!r}."
        raise InvalidTypeError(msg)
    if not names:
        raise InvalidInputError("names is empty; pass at least one base-map name such as 'world_110m'.")
    return _check_names(tuple(dict.fromkeys(names)))


def _check_names(names: tuple[str, ...]) -> tuple[str, ...]:
    vendored = _vendored_names()
    unknown = [n for n in names if n not in vendored]
    if unknown:
        msg = (
            f"no vendored base map {unknown[0]!r}; cloudgeo ships {', '.join(vendored)}. "
            "Use geo scope 'world' (zoom with lataxis_range/lonaxis_range) with resolution 110 or 50."
        )
        raise InvalidInputError(msg)
    return names


def geo_assets_script(names: tuple[str, ...] | list[str] = ("world_110m",)) -> str:
    """Return a ``<script>`` that pre-loads plotly's base map so geo figures draw offline.

    Parameters
    ----------
    names : sequence of str, default ("world_110m",)
        Topojson names to embed (``"world_110m"`` is 285 kB, ``"world_50m"`` 1.7 MB).

    Returns
    -------
    str
        ``<script id="cloudgeo-geo-assets">window.PlotlyGeoAssets = ...</script>``; it must run
        before ``Plotly.newPlot``.

    Raises
    ------
    InvalidInputError
        If a name is not vendored or ``names`` is empty.
    InvalidTypeError
        If ``names`` is not a tuple or list.

    References
    ----------
    plotly.js reads ``window.PlotlyGeoAssets.topojson[name]`` before fetching ``topojsonURL``
    (src/plots/geo/geo.js, plotly.js 4.1.1).
    """
    wanted = _names_tuple(names)
    parts = [
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};",
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};",
    ]
    parts += [f"window.PlotlyGeoAssets.topojson[{json.dumps(n)}] = {_topojson_text(n)};" for n in wanted]
    return '<script type="text/javascript" id="cloudgeo-geo-assets">' + "".join(parts) + "</script>"


def _topojson_url() -> str:
    return topojson_dir().as_uri() + "/"


def enable_offline_maps(*, names: tuple[str, ...] | list[str] = ("world_110m",)) -> None:
    """Make plotly geo maps draw offline in this notebook and in static exports.

    Displays :func:`geo_assets_script` once (works for the default ``plotly_mimetype``
    renderer and for ``go.FigureWidget`` in JupyterLab and classic notebooks) and sets
    ``plotly.io.defaults.topojson`` to the vendored folder so ``fig.write_image`` works too.
    Run it again after re-opening a saved notebook (the script lives in the page). Outside a
    Jupyter kernel (a plain ``python`` or IPython terminal) nothing can show the script: only
    the static-export default is set and nothing is printed.

    Parameters
    ----------
    names : sequence of str, default ("world_110m",)
        Topojson names to load; add ``"world_50m"`` for figures with ``resolution=50``.

    Raises
    ------
    MissingDependencyError
        If IPython is not installed (outside Jupyter use :func:`to_offline_html`).
    """
    script = geo_assets_script(names)
    import plotly.io as pio

    pio.defaults.topojson = _topojson_url()
    try:
        from IPython.display import HTML, display
    except ImportError:
        msg = (
            "enable_offline_maps needs IPython (it runs inside Jupyter): pip install ipykernel. "
            "Outside a notebook write figures with cloudgeo.plotting.to_offline_html instead."
        )
        raise MissingDependencyError(msg) from None
    if not _in_kernel():
        return  # a terminal would print "<IPython.core.display.HTML object>"
    display(HTML(script))  # type: ignore[no-untyped-call]


def _in_kernel() -> bool:
    """Return True inside a Jupyter kernel (a frontend that renders HTML), else False."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _figure_dict(fig: object, what: str) -> dict[str, Any]:
    import plotly.graph_objects as go

    if isinstance(fig, go.Figure):
        out: dict[str, Any] = fig.to_dict()
        return out
    if isinstance(fig, dict) and ("data" in fig or "layout" in fig):
        return dict(fig)
    msg = f"{what} must be a plotly.graph_objects.Figure, got {type(fig).__name__}."
    raise InvalidTypeError(msg)


_GEO_TRACE_TYPES = frozenset({"scattergeo", "choropleth"})


def geo_topojson_names(fig: object) -> tuple[str, ...]:
    """Return the topojson files a figure's geo subplots need (``()`` without geo subplots).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
        The figure.

    Returns
    -------
    tuple of str
        Names like ``"world_110m"`` (scope with spaces as hyphens, then the resolution).
    """
    d = _figure_dict(fig, "fig")
    layout = d.get("layout", {}) or {}
    subplots = {k for k in layout if re.fullmatch(r"geo\d*", k)}
    subplots |= {str(t.get("geo", "geo")) for t in d.get("data", []) if t.get("type") in _GEO_TRACE_TYPES}
    names: list[str] = []
    for key in sorted(subplots):
        geo = layout.get(key, {}) or {}
        scope = str(geo.get("scope", "world")).replace(" ", "-")
        resolution = int(geo.get("resolution", 110))
        names.append(f"{scope}_{resolution}m")
    return tuple(dict.fromkeys(names))


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return s or "figure"


def _plotlyjs_tag(include_plotlyjs: bool | str) -> str:
    if include_plotlyjs is True:
        from plotly.offline import get_plotlyjs

        return (
            "<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            f'<script type="text/javascript" charset="utf-8">{get_plotlyjs()}</script>'
        )
    if include_plotlyjs is False:
        return ""
    if include_plotlyjs == "cdn":
        from plotly.offline import get_plotlyjs_version

        src = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"
    else:
        src = include_plotlyjs
    return f'<script src="{html.escape(src)}" charset="utf-8"></script>'


def _as_mapping(figures: object) -> dict[str, Any]:
    import plotly.graph_objects as go

    if isinstance(figures, go.Figure):
        return {"figure": figures}
    if isinstance(figures, Mapping):
        if not figures:
            raise InvalidInputError("figures is an empty mapping; pass at least one figure.")
        return {str(k): v for k, v in figures.items()}
    msg = f"figures must be a plotly Figure or a mapping name -> Figure, got {type(figures).__name__}."
    raise InvalidTypeError(msg)


def _div_ids(names: list[str], div_ids: Mapping[str, str] | None) -> dict[str, str]:
    given = dict(div_ids or {})
    unknown = sorted(set(given) - set(names))
    if unknown:
        msg = f"div_ids names {unknown} are not figure names; figure names are {names}."
        raise InvalidInputError(msg)
    ids = {n: given.get(n, f"cg-{_slug(n)}") for n in names}
    seen: dict[str, str] = {}
    for n, i in ids.items():
        if i in seen:
            msg = f"figures {seen[i]!r} and {n!r} get the same div id {i!r}; pass div_ids to tell them apart."
            raise InvalidInputError(msg)
        seen[i] = n
    return ids


def to_offline_html(
    figures: object,
    *,
    title: str = "cloudgeo",
    full_html: bool = True,
    include_plotlyjs: bool | str = True,
    div_ids: Mapping[str, str] | None = None,
    config: Mapping[str, Any] | None = None,
) -> str:
    """Render one or more figures as HTML that works with no network (geo maps included).

    plotly.js is embedded once and the vendored base maps the figures need are injected in
    ``<head>`` as ``window.PlotlyGeoAssets`` before any plot is drawn. Div ids are fixed
    (``cg-<name>``), so the same figures always give byte-identical HTML.

    Parameters
    ----------
    figures : plotly.graph_objects.Figure or mapping of str to Figure
        One figure (div id ``cg-figure``) or figures by name, in page order.
    title : str, default "cloudgeo"
        The page ``<title>`` (only with ``full_html=True``).
    full_html : bool, default True
        A full document; ``False`` gives a fragment (assets, plotly.js, then the divs) to
        embed in a page.
    include_plotlyjs : bool or str, default True
        ``True`` inlines plotly.js (about 4.6 MB, offline); ``False`` leaves it out (the page
        already loads it); ``"cdn"`` or any other string becomes ``<script src=...>``.
    div_ids : mapping of str to str, optional
        Override the div id of some figures (name -> id).
    config : mapping, optional
        plotly.js config merged over :data:`OFFLINE_CONFIG`.

    Returns
    -------
    str
        The HTML.

    Raises
    ------
    InvalidTypeError
        If ``figures`` is neither a Figure nor a mapping of Figures.
    InvalidInputError
        On an empty mapping, clashing div ids, or a geo scope whose base map is not vendored.
    """
    import plotly.io as pio

    figs = _as_mapping(figures)
    ids = _div_ids(list(figs), div_ids)
    cfg = {**OFFLINE_CONFIG, **dict(config or {})}
    topo: list[str] = []
    divs: list[str] = []
    for name, fig in figs.items():
        d = _figure_dict(fig, f"figure {name!r}")
        topo.extend(geo_topojson_names(d))
        height = (d.get("layout") or {}).get("height") or 450
        div = pio.to_html(
            d,
            include_plotlyjs=False,
            full_html=False,
            div_id=ids[name],
            config=cfg,
            default_height=f"{int(height)}px",
            default_width="100%",
            validate=False,
        )
        divs.append(f'<div class="cg-figure">{div}</div>')
    assets = geo_assets_script(tuple(dict.fromkeys(topo))) if topo else ""
    head = "\n".join(p for p in (assets, _plotlyjs_tag(include_plotlyjs)) if p)
    body = "\n".join(divs)
    if not full_html:
        return f"{head}\n{body}\n" if head else f"{body}\n"
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def find_chromium() -> str:
    """Return a local chromium/chrome executable for static export.

    Looks at ``BROWSER_PATH`` first, then ``chromium``, ``google-chrome`` and
    ``chromium-browser`` on ``PATH``. Never downloads a browser.

    Returns
    -------
    str
        Path of the executable.

    Raises
    ------
    MissingDependencyError
        If ``BROWSER_PATH`` names no executable file, or no browser is on ``PATH``; the
        message gives the ``apt-get install -y chromium`` command.
    """
    env = os.environ.get("BROWSER_PATH")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        msg = f"BROWSER_PATH={env!r} is not an executable file. {_APT_HINT}."
        raise MissingDependencyError(msg)
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    msg = (
        f"static image export needs a chromium browser and none was found (looked for BROWSER_PATH "
        f"and {', '.join(_BROWSER_NAMES)} on PATH). {_APT_HINT}."
    )
    raise MissingDependencyError(msg)


def _require_kaleido() -> Any:
    if importlib.util.find_spec("kaleido") is None:
        msg = f"static image export needs the kaleido package: {_EXPORT_HINT}"
        raise MissingDependencyError(msg)
    import kaleido

    return kaleido


def _check_size(width: object, height: object, scale: object) -> None:
    from cloudgeo._validate import check_int, check_positive

    for name, value in (("width", width), ("height", height)):
        if value is not None:
            check_int(value, name, minimum=1)
    check_positive(scale, "scale")


def _out_path(path: object, name: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        msg = f"{name} must be a str or path-like, got {type(path).__name__}: {path!r}."
        raise InvalidTypeError(msg)
    return Path(path)


def _image_format(path: Path, fmt: object) -> str:
    if fmt is not None and not isinstance(fmt, str):
        msg = f"format must be a str such as 'png' or 'svg', got {type(fmt).__name__}: {fmt!r}."
        raise InvalidTypeError(msg)
    if fmt is None:
        fmt = path.suffix.lstrip(".").lower()
        if not fmt:
            msg = f"cannot tell the image format of {str(path)!r}: add a suffix (.png, .svg) or pass format=."
            raise InvalidInputError(msg)
    fmt = fmt.lower()
    if fmt not in IMAGE_FORMATS:
        msg = f"format must be one of {', '.join(IMAGE_FORMATS)}; got {fmt!r}."
        raise InvalidInputError(msg)
    return "jpeg" if fmt == "jpg" else fmt


def _opts(d: dict[str, Any], fmt: str, width: int | None, height: int | None, scale: float) -> dict[str, Any]:
    layout = d.get("layout") or {}
    w = width or layout.get("width") or _DEFAULT_EXPORT_SIZE_PX[0]
    h = height or layout.get("height") or _DEFAULT_EXPORT_SIZE_PX[1]
    return {"format": fmt, "width": int(w), "height": int(h), "scale": float(scale)}


def _prepare(fig: object, what: str) -> dict[str, Any]:
    d = _figure_dict(fig, what)
    _check_names(geo_topojson_names(d))
    return d


#: Chromium switches added to kaleido's own for every export: no background requests to
#: Google services (accounts, component and safe-browsing updates, sync, metrics, pings), and
#: every host name resolves to "not found" inside the browser, so nothing is even looked up
#: (an export reads only local files: the page, plotly.js and the vendored base map).
CHROMIUM_OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--metrics-recording-only",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-pings",
    "--no-first-run",
)

_LAUNCHERS: dict[str, str] = {}
_LAUNCHERS_LOCK = threading.Lock()


def chromium_launcher(browser: str) -> str:
    """Return an executable that starts ``browser`` with :data:`CHROMIUM_OFFLINE_FLAGS` first.

    kaleido (through choreographer) starts the browser it is given with its own flags, which
    leave background networking on. The launcher is a two-line POSIX shell script, written once
    per browser and process to a private temporary folder; on Windows the browser itself is
    returned (no shell to put in front of it).

    Parameters
    ----------
    browser : str
        A chromium/chrome executable, e.g. from :func:`find_chromium`.

    Returns
    -------
    str
        Path of the launcher (or of ``browser`` on Windows).
    """
    if os.name == "nt":
        return browser
    with _LAUNCHERS_LOCK:
        found = _LAUNCHERS.get(browser)
        if found is not None and Path(found).is_file():
            return found
        folder = Path(tempfile.mkdtemp(prefix="cloudgeo-chromium-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        launcher = folder / "chromium"
        flags = " ".join(shlex.quote(f) for f in CHROMIUM_OFFLINE_FLAGS)
        launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(browser)} {flags} "$@"\n', encoding="utf-8")
        launcher.chmod(0o700)
        _LAUNCHERS[browser] = str(launcher)
        return str(launcher)


def _kaleido_options(browser: str) -> dict[str, Any]:
    """Options of the private :class:`kaleido.Kaleido` of one export: local browser, no MathJax CDN."""
    return {"path": chromium_launcher(browser), "mathjax": False}


def _run_export(kaleido: Any, function: str, *args: Any, **kwargs: Any) -> Any:
    """Run one of kaleido's public async export functions to completion in a worker thread.

    The worker thread has its own event loop (a notebook's is already running) and the export
    its own browser, so a kaleido server the user started is neither used nor disturbed.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cloudgeo-export") as pool:
        return pool.submit(asyncio.run, getattr(kaleido, function)(*args, **kwargs)).result()


def export_figure(
    fig: object,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
) -> Path:
    """Write a figure as PNG, SVG, PDF, JPEG or WebP, offline (geo maps included).

    Uses kaleido's public API with a local chromium (see :func:`find_chromium`) started with
    :data:`CHROMIUM_OFFLINE_FLAGS`, MathJax off and the vendored base map: nothing is fetched.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    path : str or path-like
        Output file; its folder must exist.
    format : str, optional
        One of :data:`IMAGE_FORMATS`; default from the file suffix.
    width, height : int, optional
        Size in layout pixels; default the figure's own size, else 1000 x 600. [px]
    scale : float, default 1.0
        Pixel ratio of raster output (2 doubles the resolution).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    MissingDependencyError
        If kaleido (``pip install "cloudgeo[export]"``) or chromium
        (``apt-get install -y chromium``) is missing.
    InvalidInputError
        On an unknown format, a missing suffix, a geo scope that is not vendored, or a
        size < 1 or scale <= 0.
    InvalidTypeError
        If the figure, the path, ``format`` or a size has the wrong type.
    """
    out = _out_path(path, "path")
    fmt = _image_format(out, format)
    _check_size(width, height, scale)
    d = _prepare(fig, "fig")
    kaleido = _require_kaleido()
    browser = find_chromium()
    data = _run_export(
        kaleido,
        "calc_fig",
        d,
        _opts(d, fmt, width, height, scale),
        topojson=_topojson_url(),
        kopts=_kaleido_options(browser),
    )
    out.write_bytes(data)
    return out


def export_figures(
    figures: Mapping[str, object],
    folder: str | os.PathLike[str],
    *,
    format: str = "png",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
) -> dict[str, Path]:
    """Write many figures with one browser (much faster than calling :func:`export_figure` each time).

    Parameters
    ----------
    figures : mapping of str to Figure
        Figures by name; each is written to ``<folder>/<name>.<format>``.
    folder : str or path-like
        Output folder (created if missing).
    format : str, default "png"
        One of :data:`IMAGE_FORMATS`.
    width, height : int, optional
        Size in layout pixels; default each figure's own size, else 1000 x 600. [px]
    scale : float, default 1.0
        Pixel ratio of raster output.

    Returns
    -------
    dict of str to pathlib.Path
        Written files by figure name.

    Raises
    ------
    MissingDependencyError
        If kaleido or chromium is missing.
    InvalidInputError
        On an unknown format or a geo scope that is not vendored, or a size < 1 / scale <= 0.
    InvalidTypeError
        If the figure, the path, ``format`` or a size has the wrong type.
    """
    figs = _as_mapping(figures)
    fmt = _image_format(Path("x"), format)
    _check_size(width, height, scale)
    out_dir = _out_path(folder, "folder")
    dicts = {name: _prepare(f, f"figure {name!r}") for name, f in figs.items()}
    kaleido = _require_kaleido()
    browser = find_chromium()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{_slug(name)}.{format.lower()}" for name in dicts}
    specs = [
        {
            "fig": d,
            "path": str(paths[n]),
            "opts": _opts(d, fmt, width, height, scale),
            "topojson": _topojson_url(),
        }
        for n, d in dicts.items()
    ]
    _run_export(
        kaleido, "write_fig_from_object", specs, kopts=_kaleido_options(browser), cancel_on_error=True
    )
    return paths
