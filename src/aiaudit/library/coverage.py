"""Coverage of a framework by a checklist: every clause with the items that cite it; uncovered clauses are gaps.

A clause is *covered* when at least one item of the (resolved) checklist lists the clause id in its
``refs``, exactly as the audit crosswalk counts it. Items pulled in by ``include`` count too.
"""

from __future__ import annotations

from ..diagnostics import UsageError
from ..i18n import Msg
from ..model import Checklist, Clause, Framework, Item
from ..records import record
from .catalog import framework_of, frameworks


@record
class ClauseCoverage:
    """One clause of the framework and the checklist items that cite it (none: a gap)."""

    clause: Clause
    items: tuple[Item, ...]

    @property
    def covered(self) -> bool:
        return bool(self.items)


@record
class Coverage:
    """How much of one framework one checklist covers."""

    checklist: Checklist
    framework: Framework
    rows: tuple[ClauseCoverage, ...]
    #: References with this framework's prefix that are not in the catalog (lint reports them as E306).
    unknown_refs: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(r.covered for r in self.rows)

    @property
    def percent(self) -> float:
        return round(100.0 * self.covered / self.total, 1) if self.total else 100.0

    @property
    def gaps(self) -> tuple[Clause, ...]:
        return tuple(r.clause for r in self.rows if not r.covered)

    @property
    def items(self) -> tuple[Item, ...]:
        """The checklist's items that cite at least one clause of the framework, in checklist order."""
        cited = {i.id for r in self.rows for i in r.items}
        return tuple(i for i in self.checklist.items if i.id in cited)


def find_framework(key: str) -> Framework:
    """A framework by id or clause prefix (case-insensitive); :class:`UsageError` listing the choices otherwise."""
    catalog = frameworks()
    wanted = key.strip().lower()
    for fw in catalog.values():
        if wanted in (fw.id.lower(), fw.prefix.lower()):
            return fw
    choices = ", ".join(f"{fw.id} ({fw.prefix})" for fw in catalog.values())
    raise UsageError(Msg("coverage.unknown_framework", framework=repr(key), choices=choices))


def coverage(checklist: Checklist, framework: Framework) -> Coverage:
    """Every clause of ``framework`` that is an obligation (not informational: definitions, tiers, area lists)
    with the items of ``checklist`` that cite it, in catalog order."""
    clauses = [c for c in framework.clauses if not c.informational]
    by_clause: dict[str, list[Item]] = {c.id: [] for c in clauses}
    informational = {c.id for c in framework.clauses if c.informational}
    unknown: list[str] = []
    for item in checklist.items:
        for ref in item.refs:
            if ref in by_clause:
                by_clause[ref].append(item)
            elif ref in informational:
                continue
            elif ref not in unknown and (fw := framework_of(ref)) is not None and fw.id == framework.id:
                unknown.append(ref)
    rows = tuple(ClauseCoverage(c, tuple(by_clause[c.id])) for c in clauses)
    return Coverage(checklist, framework, rows, tuple(unknown))


def referenced_frameworks(checklist: Checklist) -> list[Framework]:
    """The frameworks the checklist's items cite at least once, in catalog order."""
    cited = {fw.id for item in checklist.items for ref in item.refs if (fw := framework_of(ref)) is not None}
    return [fw for fw in frameworks().values() if fw.id in cited]


def coverage_all(checklist: Checklist) -> list[Coverage]:
    """Coverage of every framework in the catalog, in catalog order (uncited frameworks at 0%)."""
    return [coverage(checklist, fw) for fw in frameworks().values()]


def named_frameworks(checklist_id: str) -> list[Framework]:
    """The frameworks a checklist is named after: its id is the framework id or starts with ``<framework id>-``."""
    return [fw for fw in frameworks().values() if checklist_id == fw.id or checklist_id.startswith(fw.id + "-")]
