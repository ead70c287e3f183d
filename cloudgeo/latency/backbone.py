"""A coarse global fibre backbone and routed distance between any two points.

The backbone (``data/backbone_hubs.csv``, ``data/backbone_links.csv``) is a graph of major
interconnection cities (hubs) joined by links that exist: named submarine cable systems and
terrestrial long-haul routes. Each link is as long as the great circle between its hubs times a
path factor (cables and conduits are longer than the great circle).

Routed distance between two points: each point is attached to its ``n_attach`` nearest hubs
(attachment length = great circle x ``attach_factor``; only hubs at most ``ATTACH_SLACK_KM``
farther than the nearest one, so a point at a hub uses that hub's links), the hubs are joined
by the shortest path over the graph (all hub pairs precomputed once, :mod:`scipy.sparse.csgraph`)
and the minimum over all attachment combinations is taken. Pairs at most ``direct_max_km``
apart are short hops, joined directly (great circle x ``attach_factor``). The result is never
shorter than the great circle. Used by :mod:`cloudgeo.latency` (``routing="backbone"``).

References
----------
.. [1] Bozkurt, I. N. et al. (2018). "Dissecting Latency in the Internet's Fiber
   Infrastructure". arXiv:1811.10737 (shortest paths over the US long-haul conduit map are
   about 1.3x the line-of-sight distance in the median: the terrestrial path factor).
.. [2] Submarine path factor 1.15: median ratio of published system length to the great circle
   between end landings for MAREA, Dunant, Curie, INDIGO-West and FASTER (``data/SOURCES.md``).
.. [3] Dijkstra, E. W. (1959). "A note on two problems in connexion with graphs". Numerische
   Mathematik 1, 269-271 (``scipy.sparse.csgraph.shortest_path``).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._data import data_path
from cloudgeo._validate import (
    check_int,
    check_nonnegative,
    check_positive,
    coordinate_problems,
    numeric_array,
    raise_if_problems,
    require_columns,
)
from cloudgeo.errors import DataFileError, InvalidInputError, InvalidTypeError
from cloudgeo.geodesy import chord_to_km, great_circle_trusted_km, unit_vectors_trusted

__all__ = [
    "ATTACH_FACTOR",
    "ATTACH_SLACK_KM",
    "DIRECT_MAX_KM",
    "Backbone",
    "load_backbone",
    "route_hubs",
    "routed_distance_km",
    "routed_distance_matrix_km",
]

#: Path factor of the terrestrial leg that joins a point to a hub (Bozkurt et al. 2018: 1.3).
ATTACH_FACTOR = 1.3
#: A point attaches to its nearest hub and to others at most this much farther away. [km]
ATTACH_SLACK_KM = 200.0
#: Pairs at most this far apart are short hops joined directly, without the graph. [km]
DIRECT_MAX_KM = 500.0

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Backbone:
    """The backbone graph with all hub-to-hub shortest paths precomputed.

    Attributes
    ----------
    hubs : pandas.DataFrame
        Indexed by hub id; columns ``name``, ``country_code``, ``lat``, ``lon``. [deg]
    links : pandas.DataFrame
        Columns ``hub_a``, ``hub_b``, ``kind`` (``submarine``/``terrestrial``), ``path_factor``,
        ``gc_distance_km`` [km], ``length_km`` [km] (= great circle x path factor), ``source``.
    hub_distance_km : numpy.ndarray
        Shortest-path length between every pair of hubs, shape (H, H), each link counted as its
        length plus ``hop_penalty_km``. [km]
    predecessors : numpy.ndarray
        Predecessor matrix of the shortest paths (for :func:`route_hubs`).
    hop_penalty_km : float, default 0
        Distance equivalent added for every link a path traverses (see :func:`load_backbone`);
        0 gives pure fibre length. [km]

    Build it with :func:`load_backbone`; a Backbone built directly is checked (types, columns,
    coordinates, unique hub ids, links between known hubs, matrix shapes, finite non-negative
    distances) and a :class:`~cloudgeo.errors.CloudGeoError` names what is wrong.
    """

    hubs: pd.DataFrame
    links: pd.DataFrame
    hub_distance_km: FloatArray = field(repr=False)
    predecessors: npt.NDArray[np.int32] = field(repr=False)
    hop_penalty_km: float = 0.0

    def __post_init__(self) -> None:
        """Validate the parts (errors name the attribute, what came in and what is expected)."""
        hubs = require_columns(self.hubs, ["lat", "lon"], source="Backbone hubs")
        links = require_columns(self.links, ["hub_a", "hub_b", "length_km"], source="Backbone links")
        problems: list[str] = []
        if len(hubs) == 0:
            problems.append("hubs is empty; a backbone needs at least one hub")
        if hubs.index.has_duplicates:
            problems.append(f"duplicate hub id(s) {sorted(map(str, hubs.index[hubs.index.duplicated()]))}")
        try:
            lat = hubs["lat"].to_numpy(dtype=np.float64)
            lon = hubs["lon"].to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            problems.append("hubs lat/lon must be numeric decimal degrees")
        else:
            problems += [f"hubs {p}" for p in coordinate_problems(lat, lon, hubs.index)]
        known = set(hubs.index)
        unknown = sorted(map(str, (set(links["hub_a"]) | set(links["hub_b"])) - known))
        if unknown:
            problems.append(f"links name unknown hub id(s) {unknown[:10]}")
        n = len(hubs)
        for name in ("hub_distance_km", "predecessors"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray):
                msg = (
                    f"Backbone {name} must be a numpy array of shape ({n}, {n}), got {type(value).__name__}."
                )
                raise InvalidTypeError(msg)
            if value.shape != (n, n):
                problems.append(f"{name} has shape {value.shape}, expected ({n}, {n}) (one row per hub)")
        dist = self.hub_distance_km
        if dist.shape == (n, n):
            if not np.issubdtype(dist.dtype, np.number):
                problems.append(f"hub_distance_km must be numeric [km], got dtype {dist.dtype}")
            elif not (np.isfinite(dist).all() and (dist >= 0).all()):
                problems.append(
                    "hub_distance_km must be finite and >= 0 km (a connected backbone); "
                    "build the Backbone with load_backbone()"
                )
        if self.predecessors.shape == (n, n) and not np.issubdtype(self.predecessors.dtype, np.integer):
            problems.append(
                f"predecessors must hold integer hub positions, got dtype {self.predecessors.dtype}"
            )
        if isinstance(self.hop_penalty_km, bool) or not isinstance(self.hop_penalty_km, numbers.Real):
            msg = f"Backbone hop_penalty_km must be a number [km], got {type(self.hop_penalty_km).__name__}."
            raise InvalidTypeError(msg)
        if not (np.isfinite(self.hop_penalty_km) and self.hop_penalty_km >= 0):
            problems.append(f"hop_penalty_km must be finite and >= 0 km, got {self.hop_penalty_km!r}")
        raise_if_problems("Backbone", problems)

    @functools.cached_property
    def _tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(
            unit_vectors_trusted(
                self.hubs["lat"].to_numpy(dtype=np.float64), self.hubs["lon"].to_numpy(dtype=np.float64)
            )
        )

    def attach(
        self, lat: FloatArray, lon: FloatArray, n_attach: int, vectors: FloatArray | None = None
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Return the ``n_attach`` nearest hubs (indices) of each point and their distances.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            Validated coordinates. [deg]
        n_attach : int
            Number of hubs per point.
        vectors : numpy.ndarray, optional
            The points' unit vectors if already computed (saves time).

        Returns
        -------
        tuple of numpy.ndarray
            Hub indices, shape (n, n_attach), and great-circle distances to them; hubs more than
        :data:`ATTACH_SLACK_KM` farther than the nearest hub get an infinite distance (a point
        at a hub attaches to that hub only). [km]
        """
        k = min(n_attach, len(self.hubs))
        chord, idx = self._tree.query(unit_vectors_trusted(lat, lon) if vectors is None else vectors, k=k)
        idx = np.asarray(idx, dtype=np.intp).reshape(len(lat), k)
        d = chord_to_km(np.asarray(chord, dtype=np.float64).reshape(len(lat), k))
        # only hubs about as near as the nearest one: a point at a hub attaches to that hub only
        d[d > d[:, :1] + ATTACH_SLACK_KM] = np.inf
        return idx, d


HUB_COLUMNS = ("hub", "name", "country_code", "lat", "lon")
LINK_COLUMNS = ("hub_a", "hub_b", "kind", "path_factor", "source")
LINK_KINDS = ("submarine", "terrestrial")


def _read_csv(name: str, columns: Sequence[str]) -> pd.DataFrame:
    """Read one shipped backbone file and check its columns, or raise a DataFileError naming it."""
    path = data_path(name)
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError) as exc:  # UnicodeDecodeError is a ValueError
        raise DataFileError(name, [f"could not read {path}: {type(exc).__name__}: {exc}"]) from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        present = [str(c)[:40] for c in df.columns[:8]]
        raise DataFileError(
            name,
            [
                f"missing column(s) {missing}; present: {present}. The file is damaged or not a "
                "cloudgeo backbone table: reinstall cloudgeo to restore it"
            ],
        )
    return df


def _numeric(df: pd.DataFrame, col: str, problems: list[str]) -> FloatArray:
    """Return a column as floats; non-numeric cells become NaN and are listed in ``problems``."""
    values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values) & df[col].notna().to_numpy()
    if bad.any():
        problems.append(
            f"{col} is not a number in row(s) {list(df.index[bad][:5])}: {list(df[col][bad][:5])}"
        )
    return values


def _checked_hubs(hubs: pd.DataFrame, hubs_file: str) -> pd.DataFrame:
    """Return the hub table with numeric lat, lon, or raise listing every problem of the file."""
    problems: list[str] = []
    ids = hubs["hub"]
    if ids.isna().any():
        problems.append(f"hub id is empty in row(s) {list(hubs.index[ids.isna()][:5])}")
    dup = ids.duplicated(keep=False) & ids.notna()
    if dup.any():
        problems.append(f"duplicate hub id(s) {sorted(set(map(str, ids[dup])))}; each hub needs one row")
    lat = _numeric(hubs, "lat", problems)
    lon = _numeric(hubs, "lon", problems)
    problems += coordinate_problems(lat, lon, pd.Index(ids.astype(str)))
    if len(hubs) == 0:
        problems.append("the table is empty; the backbone needs hubs")
    if problems:
        raise DataFileError(hubs_file, problems)
    return hubs.assign(lat=lat, lon=lon)


def _link_problems(links: pd.DataFrame, hub_ids: pd.Index) -> list[str]:
    problems: list[str] = []
    for col in ("hub_a", "hub_b"):
        empty = links[col].isna()
        if empty.any():
            problems.append(f"{col} is empty in row(s) {list(links.index[empty][:5])}")
    a = links["hub_a"].astype(str)
    b = links["hub_b"].astype(str)
    unknown = sorted((set(a) | set(b)) - set(hub_ids.astype(str)))
    if unknown:
        problems.append(f"links name unknown hub id(s) {unknown[:10]} (not in backbone_hubs.csv)")
    loop = (a == b).to_numpy()
    if loop.any():
        problems.append(f"link from a hub to itself in row(s) {list(links.index[loop][:5])}")
    pair = pd.Series([tuple(sorted(p)) for p in zip(a, b, strict=True)], index=links.index, dtype=object)
    dup = pair.duplicated(keep=False).to_numpy()
    if dup.any():
        shown = sorted({f"{x}-{y}" for x, y in pair[dup]})[:5]
        problems.append(
            f"duplicate link(s) {shown} in row(s) {list(links.index[dup][:10])}: each hub pair must "
            "appear once (in either direction)"
        )
    kind_ok = links["kind"].isin(LINK_KINDS).to_numpy()
    if not kind_ok.all():
        kinds = sorted(set(map(str, links["kind"][~kind_ok])))[:5]
        problems.append(
            f"kind must be one of {list(LINK_KINDS)}; got {kinds} in row(s) {list(links.index[~kind_ok][:5])}"
        )
    factor = _numeric(links, "path_factor", problems)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(factor) & (factor >= 1.0))
    if bad.any():
        problems.append(
            f"path_factor must be a finite number >= 1 (a route is never shorter than the great circle); "
            f"bad in row(s) {list(links.index[bad][:5])}: {list(links['path_factor'][bad][:5])}"
        )
    return problems


def load_backbone(hop_penalty_km: float = 0.0) -> Backbone:
    """Load the shipped backbone and precompute all hub-to-hub shortest paths (cached).

    Parameters
    ----------
    hop_penalty_km : float, default 0
        Distance equivalent of the transit delay at each link a path traverses (switching,
        regeneration and the exchange at every hub): paths are found and measured with each
        link as long as its fibre length plus this. 0 gives the pure fibre distance; the
        calibrated latency model uses a value selected by leave-one-region-out error on
        measured AWS round trips (``data/latency_model.json``). [km]

    Returns
    -------
    Backbone
        Hubs, links (with ``length_km`` [km]) and the shortest-path matrix [km]. The object is
        cached and shared, so its ``hub_distance_km`` and ``predecessors`` arrays are read-only
        (``flags.writeable`` is False); copy them to modify.

    Raises
    ------
    DataFileError
        If a shipped file (``backbone_hubs.csv`` or ``backbone_links.csv``, named in the
        message) is missing, unreadable, lacks a column, or is inconsistent (duplicate hub ids,
        duplicate links, unknown hub ids, path factors below 1, a disconnected graph).
    InvalidInputError
        If ``hop_penalty_km`` is negative or not finite.

    References
    ----------
    Link sources (cable systems, terrestrial routes) and path factors: ``data/SOURCES.md``.
    """
    return _load_backbone(check_nonnegative(hop_penalty_km, "hop_penalty_km", "km"))


@functools.lru_cache(maxsize=4)
def _load_backbone(hop_penalty_km: float) -> Backbone:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    hubs_file, links_file = "backbone_hubs.csv", "backbone_links.csv"
    raw_hubs = _read_csv(hubs_file, HUB_COLUMNS)
    links = _read_csv(links_file, LINK_COLUMNS)
    hubs = _checked_hubs(raw_hubs, hubs_file).set_index("hub")
    lat = hubs["lat"].to_numpy(dtype=np.float64)
    lon = hubs["lon"].to_numpy(dtype=np.float64)
    link_problems = _link_problems(links, hubs.index)
    if link_problems:
        raise DataFileError(links_file, link_problems)
    links = links.assign(path_factor=links["path_factor"].astype(np.float64))
    pos = {h: i for i, h in enumerate(hubs.index)}
    ia = links["hub_a"].map(pos).to_numpy(dtype=np.intp)
    ib = links["hub_b"].map(pos).to_numpy(dtype=np.intp)
    gc = great_circle_trusted_km(lat[ia], lon[ia], lat[ib], lon[ib])
    links = links.assign(gc_distance_km=gc, length_km=gc * links["path_factor"].to_numpy())
    n = len(hubs)
    graph = csr_matrix((links["length_km"].to_numpy() + hop_penalty_km, (ia, ib)), shape=(n, n))
    dist, pred = shortest_path(graph, method="D", directed=False, return_predecessors=True)
    if not np.isfinite(dist).all():
        cut = sorted(map(str, hubs.index[~np.isfinite(dist[0])]))
        raise DataFileError(
            links_file,
            [f"the backbone graph is not connected: hub(s) {cut[:10]} are unreachable from {hubs.index[0]}"],
        )
    dist = np.array(dist, dtype=np.float64)
    pred = np.array(pred)
    # the Backbone is cached and shared: its matrices are read-only (issue 17)
    dist.flags.writeable = False
    pred.flags.writeable = False
    return Backbone(
        hubs=hubs,
        links=links,
        hub_distance_km=dist,
        predecessors=pred,
        hop_penalty_km=hop_penalty_km,
    )


def _backbone_arg(backbone: object) -> Backbone:
    """Return ``backbone`` if it is a Backbone, the shipped one if None, else raise."""
    if backbone is None:
        return load_backbone()
    if not isinstance(backbone, Backbone):
        msg = f"backbone must be a Backbone (from load_backbone()) or None, got {type(backbone).__name__}."
        raise InvalidTypeError(msg)
    return backbone


def _checked(lat: object, lon: object, source: str) -> tuple[FloatArray, FloatArray]:
    la = np.atleast_1d(numeric_array(lat, f"{source}: lat", expected="numeric decimal degrees"))
    lo = np.atleast_1d(numeric_array(lon, f"{source}: lon", expected="numeric decimal degrees"))
    if la.shape != lo.shape or la.ndim != 1:
        msg = (
            f"{source}: lat and lon must be 1-D arrays of equal length, got shapes {la.shape} and {lo.shape}."
        )
        raise InvalidInputError(msg)
    raise_if_problems(source, coordinate_problems(la, lo, pd.RangeIndex(la.size)))
    return la, lo


def routed_distance_km(
    src_lat: object,
    src_lon: object,
    dst_lat: object,
    dst_lon: object,
    *,
    backbone: Backbone | None = None,
    n_attach: int = 3,
    attach_factor: float = ATTACH_FACTOR,
    direct_max_km: float = DIRECT_MAX_KM,
) -> FloatArray:
    """Routed fibre distance over the backbone for row-aligned pairs of points.

    Parameters
    ----------
    src_lat, src_lon, dst_lat, dst_lon : array-like
        Coordinates of the sources and destinations, equal length (a scalar is broadcast). [deg]
    backbone : Backbone, optional
        Default: :func:`load_backbone`.
    n_attach : int, default 3
        Number of nearest hubs each point may attach to.
    attach_factor : float, default 1.3
        Path factor of the point-to-hub leg (and of a direct short hop) (Bozkurt et al. 2018).
    direct_max_km : float, default 500
        Short hops: pairs at most this far apart (great circle) are joined directly at great
        circle x ``attach_factor``, without the graph. [km]

    Returns
    -------
    numpy.ndarray
        Routed distance, never below the great circle. [km]

    Raises
    ------
    InvalidInputError
        If coordinates are not numeric, lengths differ, or an option is out of range.
    DataValidationError
        If a coordinate is NaN, infinite or out of range (rows are named).
    InvalidTypeError
        If ``backbone`` is not a :class:`Backbone`.

    References
    ----------
    Bozkurt et al. (2018), arXiv:1811.10737 (terrestrial factor 1.3); link sources in
    ``data/SOURCES.md``.
    """
    n_attach = check_int(n_attach, "n_attach", minimum=1)
    attach_factor = check_positive(attach_factor, "attach_factor")
    direct_max_km = check_nonnegative(direct_max_km, "direct_max_km", "km")
    sa, so = _checked(src_lat, src_lon, "source points")
    da, do = _checked(dst_lat, dst_lon, "destination points")
    try:
        sa, so, da, do = np.broadcast_arrays(sa, so, da, do)
    except ValueError:
        msg = f"sources ({sa.size}) and destinations ({da.size}) must have equal length (or one point)."
        raise InvalidInputError(msg) from None
    return routed_pairs_trusted_km(
        sa, so, da, do, _backbone_arg(backbone), n_attach, attach_factor, direct_max_km
    )


def routed_pairs_trusted_km(
    sa: FloatArray,
    so: FloatArray,
    da: FloatArray,
    do: FloatArray,
    bb: Backbone,
    n_attach: int,
    attach_factor: float,
    direct_max_km: float,
) -> FloatArray:
    """Return the routed distance [km] of already validated point pairs (row-aligned; hot paths)."""
    gc = great_circle_trusted_km(sa, so, da, do)
    if sa.size == 0:
        return gc
    hs, ds = bb.attach(sa, so, n_attach)
    hd, dd = bb.attach(da, do, n_attach)
    ds = ds * attach_factor
    dd = dd * attach_factor
    best = np.full(sa.shape, np.inf)
    hub_d = bb.hub_distance_km
    for p in range(hs.shape[1]):
        for q in range(hd.shape[1]):
            np.minimum(best, ds[:, p] + hub_d[hs[:, p], hd[:, q]] + dd[:, q], out=best)
    out: FloatArray = np.where(gc <= direct_max_km, gc * attach_factor, np.maximum(best, gc))
    return out


def routed_distance_matrix_km(
    a_lat: object,
    a_lon: object,
    b_lat: object,
    b_lon: object,
    *,
    backbone: Backbone | None = None,
    n_attach: int = 3,
    attach_factor: float = ATTACH_FACTOR,
    direct_max_km: float = DIRECT_MAX_KM,
) -> FloatArray:
    """Routed fibre distance over the backbone between every point of ``a`` and of ``b``.

    Parameters
    ----------
    a_lat, a_lon : array-like
        First set of points (rows). [deg]
    b_lat, b_lon : array-like
        Second set of points (columns). [deg]
    backbone, n_attach, attach_factor, direct_max_km
        As in :func:`routed_distance_km`. [km]

    Returns
    -------
    numpy.ndarray
        Shape (len(a), len(b)); never below the great circle. [km]

    Raises
    ------
    InvalidInputError, DataValidationError, InvalidTypeError
        As :func:`routed_distance_km`.

    References
    ----------
    As :func:`routed_distance_km`.
    """
    n_attach = check_int(n_attach, "n_attach", minimum=1)
    attach_factor = check_positive(attach_factor, "attach_factor")
    direct_max_km = check_nonnegative(direct_max_km, "direct_max_km", "km")
    aa, ao = _checked(a_lat, a_lon, "points a")
    ba, bo = _checked(b_lat, b_lon, "points b")
    return routed_matrix_trusted_km(
        aa, ao, ba, bo, _backbone_arg(backbone), n_attach, attach_factor, direct_max_km
    )


def routed_matrix_trusted_km(
    aa: FloatArray,
    ao: FloatArray,
    ba: FloatArray,
    bo: FloatArray,
    bb: Backbone,
    n_attach: int,
    attach_factor: float,
    direct_max_km: float,
) -> FloatArray:
    """Return the routed distance matrix [km] of already validated points (hot paths)."""
    gc = great_circle_trusted_km(aa[:, None], ao[:, None], ba[None, :], bo[None, :])
    if aa.size == 0 or ba.size == 0:
        return gc
    ha, da = bb.attach(aa, ao, n_attach)
    hb, db = bb.attach(ba, bo, n_attach)
    da = da * attach_factor
    db = db * attach_factor
    best = np.full(gc.shape, np.inf)
    hub_d = bb.hub_distance_km
    for p in range(ha.shape[1]):
        for q in range(hb.shape[1]):
            cand = hub_d[ha[:, p][:, None], hb[:, q][None, :]]
            cand += da[:, p][:, None]
            cand += db[:, q][None, :]
            np.minimum(best, cand, out=best)
    out: FloatArray = np.where(gc <= direct_max_km, gc * attach_factor, np.maximum(best, gc))
    return out


def hub_to_sites_trusted_km(
    bb: Backbone, lat: FloatArray, lon: FloatArray, n_attach: int, attach_factor: float
) -> FloatArray:
    """Return the routed distance [km] from every hub to every site, shape (H, S)."""
    hs, ds = bb.attach(lat, lon, n_attach)
    out = np.full((len(bb.hubs), len(lat)), np.inf)
    for q in range(hs.shape[1]):
        np.minimum(out, bb.hub_distance_km[:, hs[:, q]] + ds[:, q][None, :] * attach_factor, out=out)
    return out


def routed_to_sites_trusted_km(
    lat: FloatArray,
    lon: FloatArray,
    gc_km: FloatArray,
    site_index: npt.NDArray[np.intp],
    hub_to_site_km: FloatArray,
    bb: Backbone,
    n_attach: int,
    attach_factor: float,
    vectors: FloatArray | None = None,
) -> FloatArray:
    """Return the routed distance [km] from points to given sites (beyond the short haul)."""
    hu, du = bb.attach(lat, lon, n_attach, vectors)
    best = np.full(lat.shape, np.inf)
    for p in range(hu.shape[1]):
        np.minimum(best, du[:, p] * attach_factor + hub_to_site_km[hu[:, p], site_index], out=best)
    out: FloatArray = np.maximum(best, gc_km)
    return out


def _lat_lon_pair(value: object, name: str) -> tuple[float, float]:
    """Return a ``(lat, lon)`` pair of real numbers or raise naming ``name``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray) or len(value) != 2:
        msg = f"{name} must be a (lat, lon) pair of numbers [deg], got {value!r}."
        raise InvalidTypeError(msg)
    items = list(value)
    if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in items):
        msg = f"{name} must be a (lat, lon) pair of numbers [deg], got {value!r}."
        raise InvalidTypeError(msg)
    return float(items[0]), float(items[1])


def route_hubs(
    src: tuple[float, float],
    dst: tuple[float, float],
    *,
    backbone: Backbone | None = None,
    n_attach: int = 3,
    attach_factor: float = ATTACH_FACTOR,
) -> list[str]:
    """List the hubs a route between two points passes through (explains a routed distance).

    Parameters
    ----------
    src, dst : tuple of float
        ``(lat, lon)`` of the two end points. [deg]
    backbone, n_attach, attach_factor
        As in :func:`routed_distance_km`.

    Returns
    -------
    list of str
        Hub ids from the source side to the destination side.

    Raises
    ------
    InvalidTypeError
        If a point is not a ``(lat, lon)`` pair of numbers or ``backbone`` is not a Backbone.
    DataValidationError
        If a coordinate is NaN, infinite or out of range.
    InvalidInputError
        If ``n_attach`` or ``attach_factor`` is out of range.

    References
    ----------
    Shortest paths: Dijkstra (1959) via :mod:`scipy.sparse.csgraph`; links: ``data/SOURCES.md``.
    """
    s_lat, s_lon = _lat_lon_pair(src, "source point")
    d_lat, d_lon = _lat_lon_pair(dst, "destination point")
    n_attach = check_int(n_attach, "n_attach", minimum=1)
    attach_factor = check_positive(attach_factor, "attach_factor")
    sa, so = _checked([s_lat], [s_lon], "source point")
    da, do = _checked([d_lat], [d_lon], "destination point")
    bb = _backbone_arg(backbone)
    hs, ds = bb.attach(sa, so, n_attach)
    hd, dd = bb.attach(da, do, n_attach)
    tot = ds[0][:, None] * attach_factor + bb.hub_distance_km[hs[0][:, None], hd[0][None, :]]
    tot = tot + dd[0][None, :] * attach_factor
    p, q = np.unravel_index(int(np.argmin(tot)), tot.shape)
    i, j = int(hs[0, p]), int(hd[0, q])
    path = [j]
    while path[-1] != i:
        path.append(int(bb.predecessors[i, path[-1]]))
    ids = list(bb.hubs.index)
    return [str(ids[k]) for k in reversed(path)]
