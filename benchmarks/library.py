"""Time the library commands' work: lint and coverage of every built-in checklist, and the deon conversion.

Run: python benchmarks/library.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path


def timed(label: str, func, repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<55} {best * 1000:8.1f} ms  ({result})")


def main() -> None:
    start = time.perf_counter()
    from aiaudit.library.builtins import builtin_checklist_ids
    from aiaudit.library.catalog import frameworks

    catalog = frameworks()
    print(
        f"{'import + load frameworks catalog (first call)':<55} {(time.perf_counter() - start) * 1000:8.1f} ms"
        f"  ({len(catalog)} frameworks, {sum(len(f.clauses) for f in catalog.values())} clauses)"
    )

    from aiaudit.library.builtins import builtin_checklist_path
    from aiaudit.library.checklists import checklist_from_file
    from aiaudit.library.convert import convert_file
    from aiaudit.library.coverage import coverage_all
    from aiaudit.library.lint import lint_source

    ids = builtin_checklist_ids()

    def lint_all():
        results = [lint_source(cid) for cid in ids]
        return (
            f"{len(ids)} checklists, {sum(len(r.checklist.items) for r in results if r.checklist)} items, "
            f"{sum(r.errors for r in results)} errors, {sum(r.warnings for r in results)} warnings"
        )

    def coverage_every():
        loaded = [checklist_from_file(builtin_checklist_path(cid))[0] for cid in ids]
        rows = sum(len(c.rows) for checklist in loaded if checklist for c in coverage_all(checklist))
        return f"{rows} clause rows"

    deon = Path(str(resources.files("deon").joinpath("assets", "checklist.yml")))

    def convert():
        converted = convert_file("deon", deon, "bench", prefix="DEON")
        return f"{len(converted.checklist.items)} items, {len(converted.text)} bytes"

    timed("lint every built-in checklist (uncached loads)", lint_all)
    timed("coverage of every built-in against every framework", coverage_every)
    timed("convert deon's default checklist (with verification)", convert)


if __name__ == "__main__":
    main()
