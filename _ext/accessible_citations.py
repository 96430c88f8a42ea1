"""Make the bibliography's markup valid ARIA.

docutils writes each citation as ``role="doc-biblioentry"`` inside a ``role="list"``
container; a list may only contain list items, so axe-core reports a critical
violation (aria-required-children), and ``doc-biblioentry`` is deprecated. Citations
keep their ids and back-links; only the role changes to ``listitem``.
"""

from __future__ import annotations


def _patch_translator(app) -> None:
    translator = app.builder.get_translator_class() if hasattr(app.builder, "get_translator_class") else None
    if translator is None or getattr(translator, "_report_citations_patched", False):
        return
    original = translator.visit_citation

    def visit_citation(self, node):
        start = len(self.body)
        original(self, node)
        for index in range(start, len(self.body)):
            self.body[index] = self.body[index].replace('role="doc-biblioentry"', 'role="listitem"')

    translator.visit_citation = visit_citation
    translator._report_citations_patched = True


def setup(app):
    app.connect("builder-inited", _patch_translator)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
