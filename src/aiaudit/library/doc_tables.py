"""Regenerate the library tables in a Markdown file (built-in checklists, frameworks, genai-baseline coverage).

``python -m aiaudit.library_table docs/library.md`` replaces the text between each pair of
``<!-- library-table:NAME -->`` and ``<!-- /library-table:NAME -->`` markers with the current table;
without a file it prints the tables. The tables are the ``--format md`` output of
``aiaudit checklists list``, ``aiaudit frameworks list`` and ``aiaudit checklists coverage genai-baseline``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .builtins import builtin_checklist_ids
from .checklists import builtin_checklist
from .coverage import coverage_all
from .listing import builtin_listing, render_checklist_list, render_coverage_summary, render_framework_list


def tables(lang: str = "en") -> dict[str, str]:
    """The generated Markdown tables, by marker name."""
    out = {
        "checklists": render_checklist_list(builtin_listing(), "md", lang),
        "frameworks": render_framework_list("md", lang),
    }
    if "genai-baseline" in builtin_checklist_ids():
        baseline = builtin_checklist("genai-baseline")
        out["coverage"] = render_coverage_summary(baseline, coverage_all(baseline), "md", lang)
    return out


def fill(text: str, generated: dict[str, str]) -> str:
    """``text`` with every marked block replaced by its generated table."""
    for name, table in generated.items():
        pattern = re.compile(rf"(<!-- library-table:{name} -->\n).*?(<!-- /library-table:{name} -->)", re.DOTALL)
        text = pattern.sub(lambda m, table=table: m.group(1) + table + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    from ..files import atomic_write

    args = sys.argv[1:] if argv is None else argv
    generated = tables()
    if not args:
        for name, table in generated.items():
            print(f"<!-- library-table:{name} -->\n{table}<!-- /library-table:{name} -->\n")
        return 0
    for name in args:
        path = Path(name)
        atomic_write(path, fill(path.read_text(encoding="utf-8"), generated))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
