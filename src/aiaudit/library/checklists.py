"""Checklists: loading one (built-in or file), resolving its includes and selections, and checking ids."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from functools import cache
from pathlib import Path
from typing import Any

from ..cache import Store, files_signature
from ..diagnostics import Diagnostic, DiagnosticError, has_errors
from ..digest import sha256_hex
from ..files import Outside, Special, confine, note_input, regular
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, read_limited
from ..model import Checklist, ChecklistChange, Item, Section, Text
from ..paths import data_dir
from ..records import record
from ..schemas import schema_diagnostics
from .builtins import BUILTIN_PREFIX, builtin_checklist_ids, builtin_checklist_path, load_builtin
from .conditions import FIELDS, applies, fields_used


def load_checklist(source: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Checklist:
    """Load a checklist by built-in id or path; raise :class:`DiagnosticError` if it is unusable."""
    source = str(source)
    if builtin_checklist_path(source) is not None:
        return builtin_checklist(source)
    checklist, problems = checklist_from_file(Path(source), max_bytes=max_bytes)
    if checklist is None or has_errors(problems):
        raise DiagnosticError(problems)
    return checklist


@record
class Module:
    """A built-in module as ``init``, ``status`` and the report name it: what it is, without building its checklist."""

    id: str
    title: Text
    reason: Text  # why a system of its kind should add it
    item_count: int
    applies_when: Any = None  # its condition on the system profile (None: always)


@cache
def builtin_modules() -> dict[str, Module]:
    """The built-in checklists that are modules, by id.

    Kept in the user's cache (keyed by the built-in files' size and time), so that asking which modules
    fit a system builds no checklist."""
    folder = data_dir("checklists")
    paths = [folder / f"{i}.yaml" for i in builtin_checklist_ids()]
    signature = files_signature(paths)

    def build() -> dict[str, Module]:
        out: dict[str, Module] = {}
        for path in paths:
            data = load_builtin(path).data
            if not (isinstance(data, dict) and isinstance(data.get("module"), dict)):
                continue
            if data.get("include"):  # its items come from other checklists too: build it to count them
                c = builtin_checklist(path.stem)
                out[path.stem] = Module(c.id, c.title, c.module["reason"], len(c.items), c.applies_when)
            else:  # as the checklist would say, read from its data (a first run builds no checklist for this)
                count = len({i["id"] for s in data.get("sections", []) for i in s.get("items", [])})
                reason = Text.of(data["module"].get("reason"))
                out[path.stem] = Module(data["id"], Text.of(data["title"]), reason, count, data.get("applies_when"))
        return out

    return PARSED.keep(f"modules-{signature}" if signature else None, dict, build)


def modules_for(system: dict, chosen) -> list[Module]:
    """The built-in modules whose condition holds for a system profile and that are not in ``chosen``.

    ``init`` proposes them; the report and ``status`` name those an existing audit leaves out."""
    chosen = set(chosen)
    return [m for m in builtin_modules().values() if m.id not in chosen and applies(m.applies_when, system)]


def modules_not_included(audit) -> list[Module]:
    """Built-in modules that fit an audit's profile but that it does not use (``status`` and the report name them).

    None for an audit on its own checklists only: there is no built-in baseline to add a module to."""
    refs = audit.checklist_refs
    if not any(r.id and not r.path for r in refs):
        return []
    chosen = {r.id for r in refs if r.id} | {c.id for c in audit.checklists}
    return modules_for(audit.system, chosen)


@cache
def builtin_checklist(checklist_id: str) -> Checklist:
    """A built-in checklist, resolved (cached: built-ins never change during a run)."""
    path = builtin_checklist_path(checklist_id)
    if path is None:
        raise KeyError(checklist_id)
    checklist, problems = checklist_from_file(path, name=f"{BUILTIN_PREFIX}{checklist_id}")
    if checklist is None or has_errors(problems):
        raise DiagnosticError(problems)
    return checklist


#: Includes may nest this deep (a chain of checklists each including the next); deeper is E315.
MAX_INCLUDE_DEPTH = 32

_IN_PROGRESS = object()
#: Diagnostics of an include graph that an including checklist passes on.
_GRAPH_CODES = frozenset({"E308", "E314", "E315"})


def checklist_from_file(
    path: Path,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    _stack: tuple[str, ...] = (),
    allow_outside: bool = False,
    memo: dict | None = None,
) -> tuple[Checklist | None, list[Diagnostic]]:
    """Load, schema-check and resolve a checklist file; return it (or None) and every diagnostic.

    ``memo`` (one dict per top-level resolution; made here when not given) holds every checklist
    file already resolved, so an include graph with diamonds or long chains is resolved once per
    file: linear time, however the includes are shared.
    """
    memo = {} if memo is None else memo
    key = str(Path(path).resolve()) if not str(path).startswith(BUILTIN_PREFIX) else str(path)
    done = memo.get(key)
    if done is _IN_PROGRESS:  # a cycle through files whose ids do not give it away
        return None, [Diagnostic(name or str(path), 1, 1, "E308", Msg("library.include_cycle", chain=" -> ".join(_stack)))]
    if done is not None:
        checklist, problems = done
        return (dataclasses.replace(checklist, source=name or str(path)) if checklist is not None else None), problems
    memo[key] = _IN_PROGRESS
    try:
        result = _checklist_from_file(path, name, max_bytes, _stack, allow_outside, memo)
    finally:
        memo.pop(key, None)
    memo[key] = result
    return result


def _checklist_from_file(path, name, max_bytes, stack, allow_outside, memo) -> tuple[Checklist | None, list[Diagnostic]]:
    """The work of :func:`checklist_from_file` for one file not resolved before in this resolution."""
    source = name if name is not None else str(path)
    if source.startswith(BUILTIN_PREFIX):  # a shipped file, not read at all when the cache has it built
        # Keyed by the size and time of every shipped checklist: a built-in may include another.
        folder = data_dir("checklists")
        signature = files_signature([path, *(folder / f"{i}.yaml" for i in builtin_checklist_ids())])
        key = f"builtin-{Path(path).stem}-{signature}"
        shipped = PARSED.get(key) if signature else None
        if isinstance(shipped, Checklist):
            note_input(path)
            return dataclasses.replace(shipped, source=source), []
        checklist, problems = _parse_checklist_file(path, name, max_bytes, stack, allow_outside, memo)
        if signature and checklist is not None and not problems:
            PARSED.put(key, dataclasses.replace(checklist, source=""))
        return checklist, problems
    return _parse_checklist_file(path, name, max_bytes, stack, allow_outside, memo)


def _parse_checklist_file(path, name, max_bytes, stack, allow_outside, memo) -> tuple[Checklist | None, list[Diagnostic]]:
    """Read, parse and check a checklist file (or take it from the caches by the sha256 of its bytes)."""
    # A self-contained checklist that came out clean is kept by the sha256 of its bytes: in this
    # process (every team of a class submitting a copy is built once) and in the user's cache (see
    # :data:`PARSED`), so the next command neither parses nor checks it again.
    source = name if name is not None else str(path)
    try:
        raw = read_limited(path, max_bytes, source)
    except DiagnosticError as exc:
        return None, exc.diagnostics
    digest = sha256_hex(raw)
    seen = _clean_checklists.get(digest)
    builtin = source.startswith(BUILTIN_PREFIX)  # kept by signature in _checklist_from_file
    if seen is None and _keep_parsed and not builtin:
        seen = PARSED.get(digest)
        if isinstance(seen, Checklist):
            _clean_checklists[digest] = seen
        else:
            seen = None
    if seen is not None:
        return dataclasses.replace(seen, source=source), []
    try:
        doc = load_builtin(path, name=name, max_bytes=max_bytes, raw=raw)
    except DiagnosticError as exc:
        return None, exc.diagnostics
    reusable = "include" not in doc.data
    checklist, problems = checklist_from_document(doc, stack, allow_outside=allow_outside, memo=memo)
    if reusable and checklist is not None and not problems:
        _clean_checklists[digest] = checklist
        if _keep_parsed and not builtin:
            PARSED.put(digest, dataclasses.replace(checklist, source=""))
    return checklist, problems


_clean_checklists: dict[str, Checklist] = {}
#: Checklists, built (the shipped ones and those users wrote), in the user's cache: only
#: self-contained ones that had no diagnostic at all (nothing to point at, so no positions are
#: needed). The folder's name changes with the code that builds checklists; the key is the sha256
#: of the file's bytes. The frameworks catalog is kept here too (:func:`.catalog.frameworks`).
PARSED = Store("checklists", code=("model.py", "records.py", "library", "schemas", "checklists/frameworks"), limit=32)
_keep_parsed = True


def keep_parsed(on: bool) -> bool:
    """Whether checklists users wrote are kept in the user's cache (on by default; grading, which
    reads a class's worth of one-off checklists, turns it off); returns the previous setting.
    Built-in checklists are always kept."""
    global _keep_parsed
    before, _keep_parsed = _keep_parsed, on
    return before


def checklist_from_document(
    doc: Document, _stack: tuple[str, ...] = (), allow_outside: bool = False, memo: dict | None = None
) -> tuple[Checklist | None, list[Diagnostic]]:
    """Build a :class:`Checklist` from a loaded document: schema, includes, ids and condition fields."""
    memo = {} if memo is None else memo
    if not isinstance(doc.data.get("kind"), str) or doc.data.get("kind") != "checklist":
        return None, [doc.diagnostic("E107", Msg("library.not_checklist"), ("kind",))]
    problems = schema_diagnostics(doc, "checklist")
    if has_errors(problems):
        return None, problems
    data = doc.data
    checklist_id = data["id"]
    stack = _stack + (checklist_id,)
    sections: dict[str, dict] = {}  # id -> {"meta": Section, "items": [Item]}
    seen_items: dict[str, tuple] = {}
    inherited: list[ChecklistChange] = []

    def add(item: Item, section: Section, where: tuple) -> None:
        if item.id in seen_items:
            if seen_items[item.id][0] != item:
                problems.append(doc.diagnostic("E301", Msg("library.duplicate_item", id=repr(item.id)), where))
            return
        seen_items[item.id] = (item, where)
        entry = sections.setdefault(section.id, {"meta": section, "items": []})
        entry["items"].append(item)

    for n, inc in enumerate(data.get("include", [])):
        where = ("include", n)
        source_id = inc["checklist"]
        if source_id in stack:
            problems.append(doc.diagnostic("E308", Msg("library.include_cycle", chain=" -> ".join(stack + (source_id,))), where))
            continue
        if len(stack) >= MAX_INCLUDE_DEPTH:
            message = Msg("library.include_too_deep", id=repr(source_id), limit=MAX_INCLUDE_DEPTH)
            problems.append(doc.diagnostic("E315", message, where + ("checklist",)))
            continue
        try:
            source_path = _include_path(source_id, doc, allow_outside)
        except (Outside, Special):
            message = Msg("library.include_outside", id=repr(source_id), file=repr(f"{source_id}.yaml"))
            problems.append(doc.diagnostic("E314", message, where + ("checklist",)))
            continue
        if source_path is None:
            problems.append(doc.diagnostic("E303", Msg("library.no_include", id=repr(source_id)), where + ("checklist",)))
            continue
        source, sub = checklist_from_file(
            source_path, name=_display(source_path, source_id), _stack=stack, allow_outside=allow_outside, memo=memo
        )
        # Problems of the include graph itself (too deep, a cycle, a file outside) are shown where they start.
        problems.extend(d for d in sub if d.code in _GRAPH_CODES)
        if source is None or has_errors(sub):
            message = Msg("library.include_invalid", id=repr(source_id))
            problems.append(doc.diagnostic("E406", message, where + ("checklist",)))
            continue
        selected = _select(source, inc, doc, where, problems)
        for section, item in selected:
            add(item, section, where)
        inherited.extend(c for c in source.changes if c not in inherited)

    known_sections: set[str] = set()
    for s_idx, sec in enumerate(data.get("sections", [])):
        spath = ("sections", s_idx)
        if sec["id"] in known_sections:
            problems.append(doc.diagnostic("E302", Msg("library.duplicate_section", id=repr(sec["id"])), spath + ("id",)))
        known_sections.add(sec["id"])
        section = Section(sec["id"], sec["principle"], Text.of(sec["title"]), Text.of(sec.get("description")), ())
        if sec["id"] in sections:
            section = sections[sec["id"]]["meta"]
        else:
            sections[sec["id"]] = {"meta": section, "items": []}
        for i_idx, raw in enumerate(sec["items"]):
            ipath = spath + ("items", i_idx)
            item = _item(raw, sec, checklist_id)
            if item.id in seen_items:
                problems.append(doc.diagnostic("E301", Msg("library.duplicate_item", id=repr(item.id)), ipath + ("id",)))
                continue
            for field in fields_used(item.applies_when):
                if field not in FIELDS:
                    message = Msg("library.unknown_field_known", field=repr(field), known=", ".join(FIELDS))
                    problems.append(doc.diagnostic("E305", message, ipath))
            add(item, section, ipath)

    for field in fields_used(data.get("applies_when")):
        if field not in FIELDS:
            problems.append(doc.diagnostic("E305", Msg("library.unknown_field", field=repr(field)), ("applies_when",)))

    built = tuple(
        Section(e["meta"].id, e["meta"].principle, e["meta"].title, e["meta"].description, tuple(e["items"]))
        for e in sections.values()
        if e["items"]
    )
    own = tuple(_change(raw, checklist_id) for raw in data.get("changes", ()))
    problems.extend(_change_problems(own, str(data["version"]), set(seen_items), doc))
    checklist = Checklist(
        id=checklist_id,
        version=str(data["version"]),
        title=Text.of(data["title"]),
        description=Text.of(data["description"]),
        sections=built,
        source=doc.name,
        sha256=doc.sha256,
        applies_when=data.get("applies_when"),
        policy=data.get("policy"),
        module={"reason": Text.of(data["module"].get("reason"))} if isinstance(data.get("module"), dict) else None,
        changes=own + tuple(inherited),
    )
    return checklist, sorted(set(problems))


# --- versions and change records ------------------------------------------------------------------


def version_key(version: str) -> tuple:
    """A sort key for a semantic version (``1.10.0`` after ``1.9.0``; ``1.1.0-rc1`` before ``1.1.0``)."""
    core, _, pre = str(version).split("+", 1)[0].partition("-")
    numbers = []
    for part in core.split("."):
        numbers.append(int(part) if part.isdigit() else 0)
    while len(numbers) < 3:
        numbers.append(0)
    return (*numbers, (1,) if not pre else (0, pre))


def _change(raw: dict, checklist_id: str) -> ChecklistChange:
    return ChecklistChange(
        version=str(raw["version"]),
        checklist=checklist_id,
        date=raw.get("date"),
        summary=Text.of(raw.get("summary")),
        added=tuple(raw.get("added", ())),
        renamed=dict(raw.get("renamed", {})),
        split={k: tuple(v) for k, v in raw.get("split", {}).items()},
        merged={k: tuple(v) for k, v in raw.get("merged", {}).items()},
        removed={k: Text.of(v) for k, v in raw.get("removed", {}).items()},
        reworded=tuple(raw.get("reworded", ())),
        recited=tuple(raw.get("recited", ())),
    )


def _change_problems(changes: tuple[ChecklistChange, ...], version: str, items: set[str], doc: Document) -> list[Diagnostic]:
    """E313 for change records that do not fit the checklist: versions out of order or newer than the
    checklist, a new id (added, split, renamed or merged into) that the checklist does not have and no
    later record moves on, an old id the checklist still has, or an item listed twice in one record."""
    out = []
    previous = None
    for n, change in enumerate(changes):
        where = ("changes", n)
        key = version_key(change.version)
        if previous is not None and key <= previous:
            out.append(doc.diagnostic("E313", Msg("library.change_order", version=change.version), where + ("version",)))
        if key > version_key(version):
            message = Msg("library.change_newer", version=change.version, current=version)
            out.append(doc.diagnostic("E313", message, where + ("version",)))
        previous = key
        later = set()
        for other in changes[n + 1 :]:
            later.update(other.renamed, other.split, other.removed, *other.merged.values())
        olds = [*change.renamed, *change.split, *change.removed, *(o for v in change.merged.values() for o in v)]
        news = [*change.added, *change.renamed.values(), *(t for v in change.split.values() for t in v), *change.merged]
        for kind, ids in (("old", olds), ("new", news)):
            for item_id in sorted(set(ids)):
                if kind == "new" and item_id not in items and item_id not in later:
                    message = Msg("library.change_unknown_item", item=item_id, version=change.version)
                    out.append(doc.diagnostic("E313", message, where))
                elif kind == "old" and item_id in items:
                    message = Msg("library.change_item_kept", item=item_id, version=change.version)
                    out.append(doc.diagnostic("E313", message, where))
        for item_id in sorted({i for i in olds if olds.count(i) > 1}):
            message = Msg("library.change_twice", item=item_id, version=change.version)
            out.append(doc.diagnostic("E313", message, where))
        for item_id in (*change.reworded, *change.recited):
            if item_id not in items and item_id not in later:
                message = Msg("library.change_unknown_item", item=item_id, version=change.version)
                out.append(doc.diagnostic("E313", message, where))
    return out


def _item(raw: dict, section: dict, checklist_id: str) -> Item:
    return Item(
        id=raw["id"],
        question=Text.of(raw["question"]),
        guidance=Text.of(raw["guidance"]),
        severity=raw["severity"],
        weight=float(raw.get("weight", 1)),
        evidence=raw.get("evidence", "optional"),
        refs=tuple(raw["refs"]),
        remediation=Text.of(raw["remediation"]),
        principle=raw.get("principle", section["principle"]),
        section_id=section["id"],
        origin=checklist_id,
        applies_when=raw.get("applies_when"),
        tags=tuple(raw.get("tags", ())),
    )


def _include_path(checklist_id: str, doc: Document, allow_outside: bool = False) -> Path | None:
    """A checklist to include: a file of that id beside the including file, else a built-in.

    The file beside must stay in the including file's folder (a symlink out of it is
    :class:`~aiaudit.files.Outside` unless ``allow_outside``) and be a regular file (a FIFO or
    device there is :class:`~aiaudit.files.Special`, never opened).
    """
    if not doc.name.startswith(BUILTIN_PREFIX):
        folder = Path(doc.name).parent
        beside = folder / f"{checklist_id}.yaml"
        if os.path.lexists(beside):
            target = confine(folder, beside.name, allow_outside)
            try:
                regular(target)
            except FileNotFoundError:  # a dangling symlink: fall back to a built-in of that id
                return builtin_checklist_path(checklist_id)
            except OSError:
                raise Special(beside.name) from None
            return beside
    return builtin_checklist_path(checklist_id)


def _display(path: Path, checklist_id: str) -> str:
    return f"{BUILTIN_PREFIX}{checklist_id}" if path.parent == data_dir("checklists") else str(path)


def _select(source: Checklist, inc: dict, doc: Document, where: tuple, problems: list) -> list[tuple[Section, Item]]:
    """The (section, item) pairs an include entry selects, in the source's order."""
    items_wanted = inc.get("items")
    sections_wanted = inc.get("sections")
    refs_wanted = inc.get("refs")
    for key, wanted, have in (
        ("items", items_wanted, {i.id for i in source.items}),
        ("sections", sections_wanted, {s.id for s in source.sections}),
    ):
        for n, value in enumerate(wanted or ()):
            if value not in have:
                if key == "items":
                    message = Msg("library.no_item", checklist=repr(source.id), id=repr(value))
                else:
                    message = Msg("library.no_section", checklist=repr(source.id), id=repr(value))
                problems.append(doc.diagnostic("E304", message, where + (key, n)))
    picked = []
    for section in source.sections:
        for item in section.items:
            everything = not (items_wanted or sections_wanted or refs_wanted)
            if (
                everything
                or (items_wanted and item.id in items_wanted)
                or (sections_wanted and section.id in sections_wanted)
                or (refs_wanted and any(fnmatch.fnmatchcase(r, pat) for r in item.refs for pat in refs_wanted))
            ):
                picked.append((section, item))
    if not picked:
        problems.append(doc.diagnostic("W301", Msg("library.empty_selection", checklist=repr(source.id)), where))
    return picked


def builtin_impostor(checklist: Checklist) -> Checklist | None:
    """The built-in checklist whose id ``checklist`` uses without being it (content differs), else None.

    A rubric or policy that requires a built-in checklist by id must not accept a team's own file
    under that id: the content hash of what was used has to be the built-in's.
    """
    if builtin_checklist_path(checklist.id) is None:
        return None
    builtin = builtin_checklist(checklist.id)
    return None if checklist.sha256 == builtin.sha256 else builtin
