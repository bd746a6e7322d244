"""The checklist library: the frameworks catalog, built-in and user checklists, coverage, lint, browsing, import.

The names below are the library's API for the layers above (audit, render, gate, grading, cli).
"""

from .builtins import BUILTIN_PREFIX, builtin_checklist_ids, builtin_checklist_path
from .catalog import clause_index, framework_of, frameworks
from .checklists import builtin_checklist, checklist_from_document, checklist_from_file, load_checklist

__all__ = [
    "BUILTIN_PREFIX",
    "builtin_checklist",
    "builtin_checklist_ids",
    "builtin_checklist_path",
    "checklist_from_document",
    "checklist_from_file",
    "clause_index",
    "framework_of",
    "frameworks",
    "load_checklist",
]
