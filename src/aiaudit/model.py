"""Plain typed dataclasses for every kind of file: checklists, frameworks and audits."""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from typing import Any

from .records import record

SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("met", "partial", "not_met", "na", "unanswered")
#: Where a finding's remediation stands (an answer's ``remediation_status``).
REMEDIATION_STATUSES = ("open", "in_progress", "resolved", "risk_accepted")
#: What an auditor writes for a finding (an answer that is not met or partial), in the order a report shows it.
FINDING_FIELDS = ("observation", "risk", "recommendation", "owner", "due", "management_response", "remediation_status")
PRINCIPLES = ("ethics", "transparency", "fairness", "privacy", "safety", "accountability")


@record
class Text:
    """A user-facing text in English and Korean."""

    en: str
    ko: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    @classmethod
    def of(cls, value: Any) -> Text | None:
        if value is None:
            return None
        if isinstance(value, str):
            return cls(value, value)
        return cls(value.get("en", ""), value.get("ko", "") or value.get("en", ""))


@record
class Item:
    id: str
    question: Text
    guidance: Text
    severity: str
    weight: float
    evidence: str  # required | optional | none
    refs: tuple[str, ...]
    remediation: Text
    principle: str
    section_id: str
    origin: str  # the checklist that defines the item
    applies_when: Any = None  # a condition mapping, see applicability.py
    tags: tuple[str, ...] = ()


@record
class Section:
    id: str
    principle: str
    title: Text
    description: Text | None
    items: tuple[Item, ...]


@record
class ChecklistChange:
    """What changed in one version of a checklist (its ``changes:`` list), as data ``aiaudit upgrade`` acts on.

    ``renamed`` maps an old id to its new id, ``split`` an old id to the items it became, ``merged``
    a new id to the old items it replaces, ``removed`` an old id to the reason. ``reworded`` items
    ask something else now (answers are kept and marked for review); ``recited`` items cite other
    clauses (answers are kept as they are). ``checklist`` is the checklist that records the change
    (an including checklist inherits the records of the checklists it includes).
    """

    version: str
    checklist: str
    date: str | None = None
    summary: Text | None = None
    added: tuple[str, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict, hash=False)
    split: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    removed: dict[str, Text | None] = field(default_factory=dict, hash=False)
    reworded: tuple[str, ...] = ()
    recited: tuple[str, ...] = ()


@record
class Checklist:
    id: str
    version: str
    title: Text
    description: Text
    sections: tuple[Section, ...]
    source: str  # "builtin:<id>" or a file path
    sha256: str
    applies_when: Any = None
    policy: str | None = None  # the built-in policy preset a report judges readiness by (without --policy)
    module: Any = None  # a module added to a baseline: {"reason": Text}; None for a full checklist
    changes: tuple[ChecklistChange, ...] = ()  # its own ``changes:`` records, then those of the checklists it includes

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


@record
class AppliesTo:
    """Whom a clause binds: any of ``roles`` (empty: any role), systems with any of ``categories``
    (None: the obligation group's, or every system in scope), and ``modalities`` (empty: any)."""

    roles: tuple[str, ...] = ()
    categories: tuple[str, ...] | None = None
    modalities: tuple[str, ...] = ()


@record
class ObligationDate:
    """When an obligation group applies, for systems of category ``when`` (None: all of the group)."""

    applies_from: str
    when: str | None = None
    original: str | None = None
    verified: bool = True
    source: str | None = None


@record
class Obligation:
    """A group of a law's clauses with one trigger and one set of application dates (e.g. the EU high-risk duties)."""

    id: str
    title: Text
    categories: tuple[str, ...] | None
    dates: tuple[ObligationDate, ...] = ()
    note: Text | None = None


@record
class Clause:
    id: str
    title: Text
    summary: Text
    verified: bool
    framework: str
    cite: str = ""
    group: str = ""
    applies_from: str | None = None
    source: str | None = None
    note: Text | None = None
    obligation: str = ""  # the obligation group's id
    applies_to: AppliesTo | None = None
    informational: bool = False  # a definition, tier or area list: never an obligation


@record
class Scope:
    """Where a law binds (``regions``) and which classification in an audit decides its categories."""

    regions: tuple[str, ...]
    scheme: str | None = None  # None: a law whose clauses take no categories


@record
class Framework:
    id: str
    prefix: str
    title: Text
    short: Text
    source: str
    clauses: tuple[Clause, ...]
    edition: str = ""
    dates: tuple[dict, ...] = ()
    scope: Scope | None = None  # None: voluntary guidance that reaches every system
    obligations: tuple[Obligation, ...] = ()

    def obligation(self, obligation_id: str) -> Obligation | None:
        return next((o for o in self.obligations if o.id == obligation_id), None)


@record
class Evidence:
    path: str | None = None
    url: str | None = None
    sha256: str | None = None
    size: int | None = None
    description: str | None = None

    @property
    def label(self) -> str:
        return self.path or self.url or ""


@record
class Answer:
    item_id: str
    status: str
    notes: str = ""
    evidence: tuple[Evidence, ...] = ()
    answered_by: str | None = None
    date: str | None = None
    review: Any = None  # set by ``aiaudit upgrade``: {reason, from, checklist, version} until the item is answered again
    # the auditor's finding (for an answer that is not met or partial); every field optional
    observation: str = ""
    risk: str = ""
    recommendation: str = ""
    owner: str = ""
    due: str | None = None  # YYYY-MM-DD
    management_response: str = ""
    remediation_status: str | None = None  # one of REMEDIATION_STATUSES

    @property
    def has_finding_details(self) -> bool:
        return any(getattr(self, name) for name in FINDING_FIELDS)


@record
class ChecklistRef:
    id: str | None = None
    path: str | None = None
    version: str | None = None
    sha256: str | None = None

    @property
    def label(self) -> str:
        return self.id or self.path or ""


@record
class Signoff:
    name: str
    date: str
    role: str = ""
    statement: str = ""
    signature: Any = None  # {method, principal, key, content_sha256, value} written by ``aiaudit sign``


@record
class Audit:
    """A filled-in audit file, with the checklists it uses resolved."""

    name: str  # the file name as the user gave it
    checklist_refs: tuple[ChecklistRef, ...]
    checklists: tuple[Checklist, ...]
    system: dict[str, Any]
    answers: dict[str, Answer]
    signoff: tuple[Signoff, ...] = ()
    submitted_at: str | None = None
    engagement: dict[str, Any] = field(default_factory=dict)  # how the report presents the audit (cover, document control)
    raw: bytes = field(default=b"", repr=False)
    doc: Any = field(default=None, repr=False, compare=False)  # the loaded Document (positions for the policy engine)
    #: What the loader found of each evidence entry, by (item id, entry index, outside allowed): the
    #: policy engine and the report reuse it, so a command looks at each file once.
    evidence_checked: dict[tuple[str, int, bool], Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def sha256(self) -> str:
        """The sha256 of the file's bytes (computed when first asked for: a save need not hash the file)."""
        from .digest import sha256_hex

        return sha256_hex(self.raw)

    @property
    def system_name(self) -> str:
        return str(self.system.get("name", ""))

    @property
    def sections(self) -> tuple[Section, ...]:
        """Sections of all checklists, merged by id, each item once (first checklist wins)."""
        return merge_sections(self.checklists)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    @property
    def to_review(self) -> tuple[str, ...]:
        """Items whose answers carry a ``review`` mark (set by ``upgrade``), in checklist order: ``fill --review`` asks them."""
        answers = self.answers
        return tuple(item.id for item in self.items if (a := answers.get(item.id)) is not None and a.review)


def merge_sections(checklists: tuple[Checklist, ...] | list[Checklist]) -> tuple[Section, ...]:
    """Merge sections by id across checklists; an item id appears once, where first seen."""
    order: dict[str, Section] = {}
    items: dict[str, list[Item]] = {}
    seen: set[str] = set()
    for checklist in checklists:
        for section in checklist.sections:
            if section.id not in order:
                order[section.id] = section
                items[section.id] = []
            for item in section.items:
                if item.id not in seen:
                    seen.add(item.id)
                    items[section.id].append(item)
    return tuple(Section(s.id, s.principle, s.title, s.description, tuple(items[s.id])) for s in order.values() if items[s.id])
