"""Parameters: country codes, aggregates and years are checked before anything runs."""

from __future__ import annotations

import pytest

from ai_culture_report.errors import ParameterError
from ai_culture_report.params import country_name, join_names, load_params, validate

from conftest import REPO


def test_published_parameters_are_valid():
    params = load_params(REPO / "params" / "nordic.yml")
    assert params.countries == ("DK", "FI", "IS", "NO", "SE")
    assert params.names_of(params.countries) == "Denmark, Finland, Iceland, Norway and Sweden"
    assert params.year_start <= params.year_end


@pytest.mark.parametrize("path", sorted((REPO / "params").glob("*.yml")), ids=lambda p: p.name)
def test_every_shipped_parameter_file_is_valid(path):
    assert load_params(path).countries


def test_eurostat_codes_map_to_country_names():
    assert country_name("EL") == "Greece"
    assert country_name("UK") == "United Kingdom"
    assert country_name("NO") == "Norway"
    assert country_name("EU27_2020").startswith("EU27")


def test_codes_are_normalised_and_region_named_from_countries():
    params = validate(["ee", " lv", "LT "])
    assert params.countries == ("EE", "LV", "LT")
    assert params.region_name == "Estonia, Latvia and Lithuania"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"countries": []}, "is empty"),
        ({"countries": ["DK", "DK"]}, "more than once"),
        ({"countries": ["DK", "ZZ"]}, "Unknown country code"),
        ({"countries": ["EU27_2020"]}, "Unknown country code"),
        ({"countries": ["DK"], "comparison_aggregate": "EU99"}, "Unknown comparison aggregate"),
        ({"countries": ["DK"], "year_start": 2020, "year_end": 2019}, "Impossible year range"),
        ({"countries": ["DK"], "year_start": 1850}, "outside the possible range"),
        ({"countries": ["DK"], "year_end": "2020"}, "must be a whole year"),
        ({"countries": ["DK", False]}, "YAML reads a bare NO"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        validate(**kwargs)


def test_parameter_file_errors(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        load_params(tmp_path / "missing.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("countries: [DK\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_params(broken)
    no_countries = tmp_path / "empty.yml"
    no_countries.write_text("year_start: 2011\n")
    with pytest.raises(ParameterError, match="which 'countries'"):
        load_params(no_countries)


def test_join_names():
    assert join_names([]) == ""
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names(["A", "B", "C"], "or") == "A, B or C"


def test_random_group_parameters_have_defaults_and_are_checked(tmp_path):
    from ai_culture_report.params import DEFAULT_RANDOM_DRAWS, DEFAULT_RANDOM_SEED

    params = validate(["DK"])
    assert (params.random_draws, params.random_groups_seed) == (DEFAULT_RANDOM_DRAWS, DEFAULT_RANDOM_SEED)
    assert validate(["DK"], random_draws=50, random_groups_seed=0).random_draws == 50
    for bad in ({"random_draws": 0}, {"random_draws": True}, {"random_groups_seed": -1}, {"random_groups_seed": 1.5}):
        with pytest.raises(ParameterError, match="whole number"):
            validate(["DK"], **bad)
    path = tmp_path / "seeded.yml"
    path.write_text('countries: ["DK"]\nrandom_draws: 100\nrandom_groups_seed: 7\n')
    assert (load_params(path).random_draws, load_params(path).random_groups_seed) == (100, 7)
