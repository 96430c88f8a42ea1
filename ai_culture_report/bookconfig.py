"""The book's Sphinx/Jupyter Book configuration for one set of parameters."""

from __future__ import annotations

import yaml

from .params import ReportParams


def book_title(params: ReportParams) -> str:
    article = "an" if params.region_short[:1].lower() in "aeiou" else "a"
    return f"Can AI and culture become {article} {params.region_short} area of strength?"


def staged_config(config_text: str, params: ReportParams, pdf: bool = False) -> str:
    """The committed ``_config.yml`` with the title of this variant, and whether its PDF is printed
    (the pages link to it only then: see ``_ext/reader_pages.py``)."""
    config = yaml.safe_load(config_text)
    config["title"] = book_title(params)
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.setdefault("html_context", {})["report_pdf"] = pdf
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
