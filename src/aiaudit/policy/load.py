"""Policies for the CI gate: built-in presets, loading a policy file, checking it, and its model.

A policy (``kind: policy``) lists the rules an audit must satisfy and the waivers granted against
them. ``--policy preset:NAME`` names a built-in preset (``presets/policies/NAME.yaml``); a policy file
may start from a preset with ``extends: NAME`` and add or replace rules and waivers.

Diagnostics (``aiaudit validate policy.yaml``): schema errors (E2xx), then

* E501 an unknown preset, framework or clause pattern, or (at gate time) an item id that none of
  the audit's checklists has;
* E203 a policy with neither ``rules`` nor ``extends``; E204 one whose ``rules`` are empty;
* E204 a waiver expiry that is not a real date, or two waivers for the same item.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import field
from pathlib import Path

from .. import paths
from ..cache import Store, files_signature
from ..diagnostics import EXIT_UNUSABLE, Diagnostic, DiagnosticError, UsageError, has_errors
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, load_bytes, load_file
from ..model import Text
from ..paths import PRESET_PREFIX
from ..records import record
from ..schemas import schema_diagnostics

#: Where an entry of a policy was written: (file, line, col), 1-based.
Where = tuple[str, int, int]


# --- presets ----------------------------------------------------------------------------------


def preset_names() -> list[str]:
    """Names of the built-in policy presets, sorted."""
    return paths.preset_names("policies")


def preset_text(name: str) -> str:
    """The YAML text of a built-in preset; :class:`UsageError` if there is none of that name."""
    return paths.preset_path("policies", name).read_text(encoding="utf-8")


def presets() -> list[tuple[str, Text | None]]:
    """Every built-in preset's name and title."""
    return [(name, Text.of(_preset_document(name).data.get("title"))) for name in preset_names()]


def _preset_document(name: str) -> Document:
    return load_bytes(preset_text(name).encode("utf-8"), f"{PRESET_PREFIX}{name}")


# --- model ------------------------------------------------------------------------------------


@record
class Waiver:
    """An exception to the policy for one item, valid until (and including) ``expires``."""

    item: str
    reason: str
    approver: str
    expires: dt.date
    where: Where

    def valid_on(self, today: dt.date) -> bool:
        return today <= self.expires


@record
class Coverage:
    """A framework whose clauses (all, or those matching ``clauses`` globs) must each be covered."""

    framework: str
    clauses: tuple[str, ...] = ()

    def selects(self, clause_id: str) -> bool:
        return not self.clauses or any(fnmatch.fnmatchcase(clause_id, pattern) for pattern in self.clauses)


@record
class Policy:
    """A resolved policy (its preset, if it extends one, merged in)."""

    id: str
    source: str  # "preset:NAME" or the file name as given
    title: Text | None = None
    description: Text | None = None
    extends: str | None = None
    min_overall: float | None = None
    min_sections: dict[str, float] = field(default_factory=dict)
    min_frameworks: dict[str, float] = field(default_factory=dict)
    must_meet_severities: tuple[str, ...] = ()
    must_meet_items: tuple[tuple[str, Where], ...] = ()
    allow_na: bool = True
    cover: tuple[Coverage, ...] = ()
    max_age_days: int | None = None
    evidence_required_for: tuple[str, ...] = ()
    evidence_integrity: bool = False
    #: Findings (not met or partial) of these severities must carry ``finding_fields_required``.
    finding_fields_for: tuple[str, ...] = ()
    finding_fields_required: tuple[str, ...] = ("owner", "due")
    #: No finding's remediation may be past its due date unless resolved or the risk accepted.
    no_overdue: bool = False
    waivers: tuple[Waiver, ...] = ()
    require_signatures: int = 0  # 0: sign-off signatures are not required
    allowed_signers: str | None = None  # the allowed-signers file (resolved from the policy's folder)

    @property
    def label(self) -> str:
        return self.id if self.source == f"{PRESET_PREFIX}{self.id}" else f"{self.id} ({self.source})"


# --- checking ---------------------------------------------------------------------------------


def check_document(doc: Document, options: object = None) -> list[Diagnostic]:
    """Every diagnostic of a policy document: schema, then references and waivers.

    This is ``validation.CHECKS["policy"]``; ``options`` is unused.
    """
    if doc.data.get("kind") != "policy":
        return [doc.diagnostic("E107", Msg("gate.diag.not_policy"), ("kind",))]
    problems = schema_diagnostics(doc, "policy")
    if has_errors(problems):
        return problems
    data = doc.data
    if "rules" not in data and "extends" not in data:
        problems.append(doc.diagnostic("E203", Msg("gate.diag.no_rules"), ()))
    elif "extends" not in data and not data["rules"]:
        problems.append(doc.diagnostic("E204", Msg("gate.diag.empty_rules"), ("rules",)))
    if "extends" in data:
        name = data["extends"]
        if name not in preset_names():
            message = Msg("gate.diag.unknown_extends", name=name, available=", ".join(preset_names()))
            problems.append(doc.diagnostic("E501", message, ("extends",)))
        elif doc.name.startswith(PRESET_PREFIX):
            problems.append(doc.diagnostic("E501", Msg("gate.diag.preset_extends"), ("extends",)))
    problems.extend(_reference_problems(doc))
    problems.extend(_waiver_problems(doc, data.get("waivers", []), ()))
    return sorted(set(problems))


def _reference_problems(doc: Document) -> list[Diagnostic]:
    """Framework ids and clause patterns that the catalog does not know."""
    from ..library.catalog import frameworks

    rules = doc.data.get("rules", {})
    if not rules.get("min_score", {}).get("frameworks") and not rules.get("cover_frameworks"):
        return []  # the catalog takes a while to load; most policies name no framework
    catalog = frameworks()
    known = ", ".join(sorted(catalog))
    out = []
    for fw_id in rules.get("min_score", {}).get("frameworks", {}):
        if fw_id not in catalog:
            where = ("rules", "min_score", "frameworks", fw_id)
            out.append(doc.diagnostic("E501", Msg("gate.diag.unknown_framework", id=fw_id, known=known), where, key=True))
    for n, entry in enumerate(rules.get("cover_frameworks", [])):
        entry = {"framework": entry} if isinstance(entry, str) else entry
        where = ("rules", "cover_frameworks", n)
        fw = catalog.get(entry["framework"])
        if fw is None:
            out.append(doc.diagnostic("E501", Msg("gate.diag.unknown_framework", id=entry["framework"], known=known), where))
            continue
        for m, pattern in enumerate(entry.get("clauses", [])):
            if not any(fnmatch.fnmatchcase(c.id, pattern) for c in fw.clauses):
                message = Msg("gate.diag.no_clause_match", pattern=pattern, framework=fw.id, prefix=fw.prefix)
                out.append(doc.diagnostic("E501", message, where + ("clauses", m)))
    return out


def _waiver_problems(doc: Document, waivers: list, seen_from: tuple[str, ...]) -> list[Diagnostic]:
    out = []
    seen = set(seen_from)
    for n, waiver in enumerate(waivers):
        if _date(waiver["expires"]) is None:
            message = Msg("gate.diag.bad_expiry", value=waiver["expires"])
            out.append(doc.diagnostic("E204", message, ("waivers", n, "expires")))
        if waiver["item"] in seen:
            message = Msg("gate.diag.duplicate_waiver", item=waiver["item"])
            out.append(doc.diagnostic("E204", message, ("waivers", n, "item")))
        seen.add(waiver["item"])
    return out


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def unusable(problems: list[Diagnostic]) -> DiagnosticError:
    """A :class:`DiagnosticError` for a gate input that cannot be used (always exit 2)."""
    error = DiagnosticError(problems)
    error.exit_code = EXIT_UNUSABLE
    return error


# --- loading ----------------------------------------------------------------------------------


#: Built-in presets, checked and built, in the user's cache (keyed by the preset file's size and time).
_PRESETS = Store("policies", code=("policy", "schemas", "model.py", "records.py"), limit=16)


def load_policy(spec: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Policy:
    """Load ``preset:NAME`` or a policy file, check it and resolve ``extends``.

    Raises :class:`DiagnosticError` (exit 2) when the policy is unreadable or invalid, and
    :class:`UsageError` for an unknown preset.
    """
    if not spec.startswith(PRESET_PREFIX):
        return _load_policy(spec, max_bytes)
    name = spec[len(PRESET_PREFIX) :]
    signature = files_signature([paths.preset_path("policies", name)])
    return _PRESETS.keep(f"{name}-{signature}" if signature else None, Policy, lambda: _load_policy(spec, max_bytes))


def _load_policy(spec: str, max_bytes: int) -> Policy:
    try:
        if spec.startswith(PRESET_PREFIX):
            doc = _preset_document(spec[len(PRESET_PREFIX) :])
        else:
            if Path(spec).is_dir():
                raise UsageError(Msg("gate.error.policy_is_dir", spec=spec))
            doc = load_file(spec, max_bytes=max_bytes)
    except DiagnosticError as exc:
        raise unusable(exc.diagnostics) from None
    problems = check_document(doc)
    base = None
    if not has_errors(problems) and "extends" in doc.data:
        base = _preset_document(doc.data["extends"])
        problems += check_document(base)
        own_items = {w["item"] for w in doc.data.get("waivers", [])}
        problems += _waiver_problems(base, base.data.get("waivers", []), tuple(own_items))
    if has_errors(problems):
        raise unusable(problems)
    return _policy(doc, base)


def _policy(doc: Document, base: Document | None) -> Policy:
    """Build the model; rules of ``doc`` replace those of its preset ``base`` key by key."""
    data = doc.data
    rules: dict[str, tuple[object, Document]] = {}
    for source in (base, doc):
        if source is None:
            continue
        for key, value in source.data.get("rules", {}).items():
            rules[key] = (value, source)

    def rule(key: str, default: object = None) -> object:
        return rules[key][0] if key in rules else default

    min_score = rule("min_score", {})
    must_meet = rule("must_meet", {})
    finding_fields = rule("finding_fields", {})
    items: list[tuple[str, Where]] = []
    if "must_meet" in rules:
        owner = rules["must_meet"][1]
        for n, item_id in enumerate(must_meet.get("items", [])):
            items.append((item_id, _where(owner, ("rules", "must_meet", "items", n))))
    cover = []
    for entry in rule("cover_frameworks", []):
        entry = {"framework": entry} if isinstance(entry, str) else entry
        cover.append(Coverage(entry["framework"], tuple(entry.get("clauses", ()))))
    signature = rule("require_signature", False)
    signature = {"count": 1} if signature is True else (signature or {})
    allowed = signature.get("allowed_signers")
    if allowed is not None and "require_signature" in rules and not rules["require_signature"][1].name.startswith(PRESET_PREFIX):
        allowed = str(Path(rules["require_signature"][1].name).parent / allowed)
    waivers = []
    for source in (base, doc):
        if source is None:
            continue
        for n, w in enumerate(source.data.get("waivers", [])):
            expires = dt.date.fromisoformat(w["expires"])
            waivers.append(Waiver(w["item"], w["reason"], w["approver"], expires, _where(source, ("waivers", n))))
    return Policy(
        id=data["id"],
        source=doc.name,
        title=Text.of(data.get("title")) or (Text.of(base.data.get("title")) if base else None),
        description=Text.of(data.get("description")) or (Text.of(base.data.get("description")) if base else None),
        extends=data.get("extends"),
        min_overall=min_score.get("overall"),
        min_sections=dict(min_score.get("sections", {})),
        min_frameworks=dict(min_score.get("frameworks", {})),
        must_meet_severities=tuple(must_meet.get("severities", ())),
        must_meet_items=tuple(items),
        allow_na=bool(must_meet.get("allow_na", True)),
        cover=tuple(cover),
        max_age_days=rule("max_age_days"),
        evidence_required_for=tuple(rule("evidence_required_for", ())),
        evidence_integrity=bool(rule("evidence_integrity", False)),
        finding_fields_for=tuple(finding_fields.get("severities", ())),
        finding_fields_required=tuple(finding_fields.get("require", ("owner", "due"))),
        no_overdue=bool(rule("no_overdue", False)),
        waivers=tuple(waivers),
        require_signatures=int(signature.get("count", 1)) if signature else 0,
        allowed_signers=allowed,
    )


def _where(doc: Document, path: tuple) -> Where:
    line, col = doc.position(path)
    return (doc.name, line, col)


def item_problems(policy: Policy, known_items: set[str]) -> list[Diagnostic]:
    """Item ids the policy names (``must_meet.items``, waivers) that the audit does not have (E501)."""
    out = []
    for item_id, where in policy.must_meet_items:
        if item_id not in known_items:
            out.append(Diagnostic(*where, "E501", Msg("gate.diag.must_meet_unknown_item", item=item_id)))
    for waiver in policy.waivers:
        if waiver.item not in known_items:
            out.append(Diagnostic(*waiver.where, "E501", Msg("gate.diag.waiver_unknown_item", item=waiver.item)))
    return out
