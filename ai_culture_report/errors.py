"""Errors a reader of the report can act on.

Every problem with the data snapshot or the parameters raises a subclass of
:class:`ReportError` whose message says what is wrong and how to fix it; the
build scripts print that message and exit non-zero instead of a traceback.
"""


class ReportError(Exception):
    """A problem with the inputs of the report, explained for a person."""


class SnapshotNotFound(ReportError):
    """The data snapshot directory does not exist."""


class DataFileMissing(ReportError):
    """A file the registry lists is not in the snapshot."""


class ChecksumMismatch(ReportError):
    """A snapshot file differs from the registered version."""


class SchemaMismatch(ReportError):
    """A snapshot file lacks a column or has a column of the wrong type."""


class UnknownResource(ReportError):
    """A notebook asked for a dataset the registry does not list."""


class ParameterError(ReportError):
    """A parameter file or value is invalid."""
