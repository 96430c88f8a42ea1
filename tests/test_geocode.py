"""Tests of the offline geocoding and the point-in-polygon logic on tiny fixtures built here."""

from __future__ import annotations

import pytest

from ai_culture_report import geocode


def city(gid, name, country, lat=0.0, lon=0.0, population=20000, alternates=()):
    return {"geonameid": gid, "name": name, "countrycode": country, "latitude": lat, "longitude": lon,
            "population": population, "alternatenames": list(alternates)}


@pytest.fixture
def index():
    return geocode.CityIndex([
        city(1, "Västerås", "SE", 59.6, 16.5),
        city(2, "Gothenburg", "SE", 57.7, 11.97, alternates=["Göteborg", "Goeteborg"]),
        city(3, "Lagoa", "PT", 37.1, -8.4),
        city(4, "Lagoa", "PT", 37.7, -25.5),
        city(5, "Málaga", "ES", 36.7, -4.4),
        city(6, "Kocalı", "TR", 40.0, 30.0),
        city(7, "Sainté", "FR", 45.0, 4.0, alternates=["Sainte"]),
    ])


def test_matching_ignores_accents_and_case(index):
    place, how = index.lookup("MALAGA", "ES")
    assert place.geonameid == 5 and how == "name"
    assert index.lookup("Goteborg", "SE")[0].geonameid == 2  # an alternate name, accents folded


def test_nordic_transliteration_is_undone_only_where_the_language_writes_it(index):
    place, how = index.lookup("Vasteraas", "SE")
    assert place.name == "Västerås" and how == "transliterated name"
    assert index.lookup("Kocaeli", "TR") == (None, "unknown")  # "ae" is not "ä" in Turkish


def test_a_name_shared_by_two_towns_is_not_located(index):
    assert index.lookup("Lagoa", "PT") == (None, "ambiguous")


def test_an_unknown_name_or_another_country_is_not_located(index):
    assert index.lookup("Atlantis", "SE") == (None, "unknown")
    assert index.lookup("Málaga", "PT") == (None, "unknown")
    assert index.lookup("", "SE") == (None, "unknown")


def test_larger_towns_decide_before_smaller_ones():
    big = geocode.CityIndex([city(1, "Lund", "SE", population=90000)])
    everything = geocode.CityIndex([city(1, "Lund", "SE", population=90000), city(2, "Lund", "SE", population=1200)])
    gazetteer = geocode.Gazetteer([big, everything])
    assert gazetteer.lookup("Lund", "SE")[0].geonameid == 1
    assert geocode.Gazetteer([everything]).lookup("Lund", "SE") == (None, "ambiguous")


def test_locate_drops_a_province_but_not_a_region_or_a_saint(index):
    gazetteer = geocode.Gazetteer([index])
    place, how, name = geocode.locate(gazetteer, ["Malaga Málaga"], "ES")
    assert place.geonameid == 5 and how == "name without the province" and name == "Malaga"
    assert geocode.locate(gazetteer, ["Sainte Clotilde"], "FR")[0] is None
    assert geocode.locate(gazetteer, ["Co. Malaga"], "ES")[0] is None
    assert geocode.locate(gazetteer, ["Lagoa Algarve"], "PT")[:2] == (None, "ambiguous")


def test_iso_code_translates_eurostat_codes():
    assert [geocode.iso_code(c) for c in ("EL", "UK", "DK")] == ["GR", "GB", "DK"]


# --------------------------------------------------------------------------- polygons

SQUARE = [[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]]
WITH_HOLE = SQUARE + [[(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]]


def test_point_in_a_square():
    assert geocode.point_in_polygon(5, 5, SQUARE)
    assert not geocode.point_in_polygon(11, 5, SQUARE)
    assert not geocode.point_in_polygon(5, -0.1, SQUARE)


def test_a_hole_is_outside():
    assert not geocode.point_in_polygon(5, 5, WITH_HOLE)
    assert geocode.point_in_polygon(2, 2, WITH_HOLE)


def tiny_topology():
    """Two unit squares side by side, quantised: A = [0,1]², B = [1,2]×[0,1], sharing one arc."""
    return {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [0, 0]},
            "objects": {"regions": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"id": "XA1", "na": "A"}},
                {"type": "MultiPolygon", "arcs": [[[~1, 2]]], "properties": {"id": "XB1", "na": "B"}}]}},
            # arc 0: (2,0) -> (0,0) -> (0,2) -> (2,2); arc 1: (2,2) -> (2,0) (shared); arc 2: (2,0)->(4,0)->(4,2)->(2,2)
            "arcs": [[[2, 0], [-2, 0], [0, 2], [2, 0]], [[2, 2], [0, -2]], [[2, 0], [2, 0], [0, 2], [-2, 0]]]}


def test_topojson_regions_decode_and_locate_points():
    regions = geocode.polygons(tiny_topology(), "regions")
    assert geocode.region_of(0.5, 0.5, regions) == "XA1"
    assert geocode.region_of(1.5, 0.5, regions) == "XB1"
    assert geocode.region_of(2.5, 0.5, regions) is None
    assert geocode.region_in_country(1.5, 0.5, regions, "XB") == "XB1"
    assert geocode.region_in_country(1.5, 0.5, regions, "XA") is None


def test_subset_keeps_only_the_arcs_it_uses():
    small = geocode.subset(tiny_topology(), "regions", lambda i: i == "XB1")
    assert [g["properties"]["id"] for g in small["objects"]["regions"]["geometries"]] == ["XB1"]
    assert len(small["arcs"]) == 2
    regions = geocode.polygons(small, "regions")
    assert geocode.region_of(1.5, 0.5, regions) == "XB1" and geocode.region_of(0.5, 0.5, regions) is None


def test_a_town_just_outside_the_generalised_boundary_takes_the_nearest_region():
    regions = geocode.polygons(tiny_topology(), "regions")
    assert geocode.nearest_region(2.05, 0.5, regions, "XB", within=0.2) == "XB1"
    assert geocode.nearest_region(2.5, 0.5, regions, "XB", within=0.2) is None
    assert geocode.nearest_region(0.5, 0.5, regions, "XA", within=0.2) == "XA1"
