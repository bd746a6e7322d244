"""Reading the CSV files users give (answers to import, grading overrides): one reader, one set of diagnostics.

UTF-8 with or without a byte-order mark; the delimiter (comma, semicolon or tab) is taken from the
header line unless given; header names are compared in lower case with spaces as ``_``. Every
problem is a diagnostic with a line and column: E003 not UTF-8 (exit 2), E106 empty (exit 1),
E101 a malformed row (exit 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .diagnostics import Diagnostic, DiagnosticError
from .i18n import Msg
from .records import record


@record
class Row:
    """One non-blank data row: its 1-based line, its cells by header name, and each cell's 1-based column."""

    line: int
    cells: dict[str, str]
    columns: dict[str, int]


def header_name(text: str) -> str:
    """A header cell as the readers compare it: ``Item ID`` → ``item_id``."""
    return text.strip().lower().replace(" ", "_")


def read_csv(raw: bytes, name: str, delimiter: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """The header (normalised names) and an iterator over the data rows of a CSV file's bytes.

    Raises :class:`DiagnosticError` for a file that is not UTF-8 or is empty, and while iterating
    for a row the csv module cannot read.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiagnosticError([Diagnostic(name, 1, 1, "E003", Msg("csv.not_utf8", offset=exc.start))]) from None
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [header_name(h) for h in next(reader)]
    except StopIteration:
        raise DiagnosticError([Diagnostic(name, 1, 1, "E106", Msg("csv.empty"))]) from None
    except csv.Error as exc:
        raise DiagnosticError([Diagnostic(name, 1, 1, "E101", Msg("csv.error", error=str(exc)))]) from None
    if not any(header):
        raise DiagnosticError([Diagnostic(name, 1, 1, "E106", Msg("csv.empty"))])
    return header, _rows(reader, header, name, len(delimiter))


def _rows(reader, header: list[str], name: str, sep: int) -> Iterator[Row]:
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DiagnosticError([Diagnostic(name, reader.line_num, 1, "E101", Msg("csv.error", error=str(exc)))]) from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells: dict[str, str] = {}
        columns: dict[str, int] = {}
        col = 1
        for key, cell in zip(header, row, strict=False):  # short rows: missing cells
            if key and key not in cells:
                cells[key] = cell
                columns[key] = col
            col += len(cell) + sep
        yield Row(start, cells, columns)
