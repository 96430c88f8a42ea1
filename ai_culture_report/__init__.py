"""Tested logic behind the report "Can AI and culture become a Nordic area of strength?".

Notebooks stay thin: they load parameters (:mod:`.params`), read verified data
(:mod:`.data`), compute indicators (:mod:`.measures`), draw charts (:mod:`.charts`)
and publish numbers for the prose (:mod:`.prose`).
"""

from .errors import ReportError

__all__ = ["ReportError"]
