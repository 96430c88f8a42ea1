"""The book's Sphinx/Jupyter Book configuration for one set of parameters."""

from __future__ import annotations

import yaml

from .params import ReportParams


def book_title(params: ReportParams) -> str:
    return f"Can AI and culture become a {params.region_short} area of strength?"


def staged_config(config_text: str, params: ReportParams) -> str:
    """The committed ``_config.yml`` with the title of this variant."""
    config = yaml.safe_load(config_text)
    config["title"] = book_title(params)
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
