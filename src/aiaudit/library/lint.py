"""Lint a resolved checklist against the frameworks catalog: references, texts in both languages, coverage.

Run by ``aiaudit lint`` and by ``aiaudit validate`` on every checklist. Each check is a small function
below; its docstring documents its code. Schema errors, duplicate ids (E301/E302), include problems
(E303/E304/E308/W301) and unknown condition fields (E305) come from :mod:`aiaudit.library`.

Only the checklist's *own* items are checked item by item (included items are linted in their own
checklist); coverage (W302) counts every item, included ones too.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..diagnostics import Diagnostic, DiagnosticError, exit_code_for
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from ..model import Checklist
from ..records import record
from .builtins import BUILTIN_PREFIX, builtin_checklist_ids, builtin_checklist_path
from .catalog import clause_index, framework_of, frameworks
from .coverage import Coverage, coverage, named_frameworks, referenced_frameworks

#: The tag that marks an item whose Korean text is still a copy of the English (see ``aiaudit convert``).
NEEDS_TRANSLATION = "needs-translation"

#: A checklist that is not named after a framework is held to a framework's full clause list (W302)
#: only once its items already cover at least this share of it (it is nearly complete): then the
#: few gaps left are worth a warning, while a short checklist drawing on many frameworks gets none.
TARGET_SHARE = 0.8

#: W302 lists at most this many uncovered clause ids; `aiaudit checklists coverage` lists them all.
MAX_LISTED = 12

_TEXT_FIELDS_ITEM = ("question", "guidance", "remediation")
_TEXT_FIELDS_TOP = ("title", "description")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")


def lint_checklist(checklist: Checklist, doc: Document) -> list[Diagnostic]:
    """Every lint diagnostic for a checklist built from ``doc`` (E306, E307, E309, E310, W302, W303)."""
    own = _own_item_paths(doc)
    out: list[Diagnostic] = []
    out.extend(_references(checklist, doc, own))
    out.extend(_texts(checklist, doc, own))
    out.extend(_coverage(checklist, doc))
    out.extend(_checklist_terms(checklist, doc, own))
    return out


# --- checks ------------------------------------------------------------------------------------


def _references(checklist: Checklist, doc: Document, own: dict[str, tuple]) -> Iterator[Diagnostic]:
    """E306 a reference that is not a clause of the catalog; E307 an item that cites no clause at all."""
    clauses = clause_index()
    for item in checklist.items:
        where = own.get(item.id) if item.origin == checklist.id else None
        if where is None:
            continue  # included items are linted in their own checklist
        if not item.refs:
            yield doc.diagnostic("E307", Msg("lint.no_refs", item=item.id), where + ("refs",))
        for n, ref in enumerate(item.refs):
            if ref not in clauses:
                yield doc.diagnostic("E306", _unresolved(item.id, ref), where + ("refs", n))


def _unresolved(item_id: str, ref: str) -> Msg:
    """Why a reference does not resolve, with the nearest clause id as a hint."""
    fw = framework_of(ref)
    if fw is None:
        prefixes = ", ".join(sorted(f.prefix for f in frameworks().values()))
        return Msg("lint.unknown_prefix", item=item_id, ref=repr(ref), prefixes=prefixes)
    hint = difflib.get_close_matches(ref, [c.id for c in fw.clauses], n=1, cutoff=0.6)
    name = Bilingual(fw.short.en, fw.short.ko)
    if hint:
        return Msg("lint.unknown_clause_hint", item=item_id, ref=repr(ref), framework=name, hint=repr(hint[0]))
    return Msg("lint.unknown_clause", item=item_id, ref=repr(ref), framework=name, id=fw.id)


class Bilingual(str):
    """A message argument that has its own English and Korean text, e.g. a framework's short name.

    It is its English text as a ``str``; in a catalog text ``{name:ko}`` formats its Korean text
    (``{name}`` the English), so ``"ko": "... {framework:ko} ..."`` names the framework in Korean.
    """

    ko: str

    def __new__(cls, en: str, ko: str) -> Bilingual:
        self = super().__new__(cls, en)
        self.ko = ko or en
        return self

    def __format__(self, spec: str) -> str:
        if spec == "ko":
            return self.ko
        if spec == "en":
            return str(self)
        return format(str(self), spec)

    def __reduce__(self):  # messages travel to grading's worker processes
        return (Bilingual, (str(self), self.ko))


def _texts(checklist: Checklist, doc: Document, own: dict[str, tuple]) -> Iterator[Diagnostic]:
    """E309 a text that is only whitespace; E310 a text in the wrong language; W303 items marked needs-translation.

    E310 is deliberately conservative: Korean text is "untranslated" only when it has no Hangul at all
    and reads as English prose (two or more lowercase English words when it is a copy of the English,
    three or more otherwise), so acronyms and names such as ``OWASP LLM Top 10`` or ``C2PA`` pass.
    English text is flagged when it is mostly Hangul. Items tagged ``needs-translation`` are exempt
    from E310 and reported together as one W303 instead.
    """
    data = doc.data
    for key in _TEXT_FIELDS_TOP:
        yield from _text(doc, data.get(key), (key,), ("", key))
    for s, section in enumerate(data.get("sections", [])):
        for key in _TEXT_FIELDS_TOP:
            yield from _text(doc, section.get(key), ("sections", s, key), ("section", section["id"], key))
    flagged: list[str] = []
    for item in checklist.items:
        where = own.get(item.id) if item.origin == checklist.id else None
        if where is None:
            continue
        raw = _at(data, where)
        exempt = NEEDS_TRANSLATION in item.tags
        if exempt:
            flagged.append(item.id)
        for key in _TEXT_FIELDS_ITEM:
            yield from _text(doc, raw.get(key), where + (key,), ("item", item.id, key), exempt=exempt)
    if flagged:
        shown = ", ".join(flagged[:MAX_LISTED])
        args = {"count": len(flagged), "tag": repr(NEEDS_TRANSLATION), "items": shown}
        if len(flagged) > MAX_LISTED:
            message = Msg("lint.needs_translation_more", **args, more=len(flagged) - MAX_LISTED)
        else:
            message = Msg("lint.needs_translation", **args)
        yield doc.diagnostic("W303", message, own[flagged[0]] + ("tags",))


def _text(doc: Document, value: object, path: tuple, label: tuple, exempt: bool = False) -> Iterator[Diagnostic]:
    """E309/E310 for one bilingual text; ``label`` says whose text it is: ``("", name)``,
    ``("section", id, field)`` or ``("item", id, field)``."""
    if not isinstance(value, dict):
        return
    for lang in ("en", "ko"):
        text = value.get(lang)
        if isinstance(text, str) and text and not text.strip():
            yield doc.diagnostic("E309", _text_message("blank_" + lang, label), path + (lang,))
    en, ko = value.get("en"), value.get("ko")
    if not (isinstance(en, str) and isinstance(ko, str)) or exempt:
        return
    if untranslated_ko(en, ko):
        yield doc.diagnostic("E310", _text_message("untranslated_ko", label), path + ("ko",))
    elif wrong_language_en(en):
        yield doc.diagnostic("E310", _text_message("korean_en", label), path + ("en",))


def _text_message(problem: str, label: tuple) -> Msg:
    """The E309/E310 message for ``problem`` about the text ``label`` names (see :func:`_text`)."""
    owner, *rest = label
    if owner:
        args = {"id": rest[0], "field": rest[1]}
        return _TEXT_MESSAGES[problem, owner](**args)
    return _TEXT_MESSAGES[problem, ""](label=rest[0])


_TAG = repr(NEEDS_TRANSLATION)
#: (problem, owner) → message; one catalog entry each so that the Korean reads naturally.
_TEXT_MESSAGES = {
    ("blank_en", ""): lambda **a: Msg("lint.blank_en", **a),
    ("blank_en", "section"): lambda **a: Msg("lint.blank_en_section", **a),
    ("blank_en", "item"): lambda **a: Msg("lint.blank_en_item", **a),
    ("blank_ko", ""): lambda **a: Msg("lint.blank_ko", **a),
    ("blank_ko", "section"): lambda **a: Msg("lint.blank_ko_section", **a),
    ("blank_ko", "item"): lambda **a: Msg("lint.blank_ko_item", **a),
    ("untranslated_ko", ""): lambda **a: Msg("lint.untranslated_ko", **a, tag=_TAG),
    ("untranslated_ko", "section"): lambda **a: Msg("lint.untranslated_ko_section", **a, tag=_TAG),
    ("untranslated_ko", "item"): lambda **a: Msg("lint.untranslated_ko_item", **a, tag=_TAG),
    ("korean_en", ""): lambda **a: Msg("lint.korean_en", **a),
    ("korean_en", "section"): lambda **a: Msg("lint.korean_en_section", **a),
    ("korean_en", "item"): lambda **a: Msg("lint.korean_en_item", **a),
}


def untranslated_ko(en: str, ko: str) -> bool:
    """Whether a Korean text looks like untranslated English (see :func:`_texts`)."""
    if _HANGUL.search(ko):
        return False
    words = len(_LOWER_WORD.findall(ko))
    same = " ".join(en.split()) == " ".join(ko.split())
    return words >= (2 if same else 3)


def wrong_language_en(en: str) -> bool:
    """Whether an English text is mostly Hangul."""
    return len(_HANGUL.findall(en)) > len(_LATIN.findall(en))


def _coverage(checklist: Checklist, doc: Document) -> Iterator[Diagnostic]:
    """W302 catalog clauses that no item covers, one warning per *target* framework.

    Targets are the frameworks the checklist is named after (``eu-ai-act``, ``nist-ai-rmf-genai``,
    ...); a checklist named after none (``genai-baseline``, your own) targets each framework it cites
    whose clauses it already covers for at least 80%. So a short checklist citing a clause here
    and there gets no warning, and a broad one learns exactly which clauses it still misses.
    """
    target = _command_arg(checklist, doc)
    for cov in target_coverages(checklist):
        if not cov.gaps:
            continue
        ids = [c.id for c in cov.gaps]
        fw = cov.framework
        args = {
            "count": len(ids),
            "total": cov.total,
            "framework": Bilingual(fw.short.en, fw.short.ko),
            "clauses": ", ".join(ids[:MAX_LISTED]),
            "checklist": target,
            "id": fw.id,
        }
        if len(ids) > MAX_LISTED:
            message = Msg("lint.uncovered_more", **args, more=len(ids) - MAX_LISTED)
        else:
            message = Msg("lint.uncovered", **args)
        yield doc.diagnostic("W302", message, ("id",))


def _command_arg(checklist: Checklist, doc: Document) -> str:
    """How to name the checklist on the command line: its id when it is the built-in, else its path."""
    builtin = builtin_checklist_path(checklist.id)
    if doc.name == f"{BUILTIN_PREFIX}{checklist.id}" or (builtin is not None and _same_file(builtin, doc.name)):
        return checklist.id
    return shlex.quote(doc.name)


def _same_file(path: Path, name: str) -> bool:
    try:
        return Path(name).resolve() == path.resolve()
    except OSError:  # pragma: no cover - e.g. a name that is not a path
        return False


def target_coverages(checklist: Checklist) -> list[Coverage]:
    """Coverage of the frameworks the checklist is held to (see :func:`_coverage`)."""
    named = named_frameworks(checklist.id)
    if named:
        return [coverage(checklist, fw) for fw in named]
    out = []
    for fw in referenced_frameworks(checklist):
        cov = coverage(checklist, fw)
        if cov.total and cov.covered >= TARGET_SHARE * cov.total:
            out.append(cov)
    return out


# --- framework catalog files -------------------------------------------------------------------


def framework_checks(doc: Document, options: object = None) -> list[Diagnostic]:
    """``validate`` on a framework file: its schema, then :func:`lint_framework`."""
    from ..diagnostics import has_errors
    from ..schemas import schema_diagnostics

    problems = schema_diagnostics(doc, "framework")
    return problems if has_errors(problems) else problems + lint_framework(doc)


def lint_framework(doc: Document) -> list[Diagnostic]:
    """E311 a clause or date id without the framework's prefix; E312 an id used twice; E309/E310 texts."""
    data = doc.data
    prefix = f"{data['prefix']}-"
    out: list[Diagnostic] = []
    seen: dict[str, tuple] = {}
    for key in ("clauses", "dates"):
        for n, entry in enumerate(data.get(key, [])):
            entry_id = entry.get("id")
            if entry_id is None:
                continue
            where = (key, n, "id")
            if not entry_id.startswith(prefix):
                out.append(doc.diagnostic("E311", Msg("lint.clause_prefix", id=entry_id, prefix=repr(prefix)), where))
            if entry_id in seen:
                first = doc.position(seen[entry_id])[0]
                out.append(doc.diagnostic("E312", Msg("lint.duplicate_id", id=repr(entry_id), line=first), where))
            else:
                seen[entry_id] = where
            for text_key in ("title", "summary", "note"):
                out.extend(_text(doc, entry.get(text_key), (key, n, text_key), ("", f"{entry_id} {text_key}")))
    for key in ("title", "short", "description"):
        out.extend(_text(doc, data.get(key), (key,), ("", key)))
    contexts = (data.get("id", ""), data.get("prefix", ""))
    for key in ("title", "short", "description"):
        out.extend(_terms(doc, data.get(key), (key,), contexts))
    for key in ("clauses", "dates", "obligations"):
        for n, entry in enumerate(data.get(key, [])):
            for text_key in ("title", "summary", "note"):
                out.extend(_terms(doc, entry.get(text_key), (key, n, text_key), contexts))
    return out


# --- Korean terminology (W304) ---------------------------------------------------------------------


@cache
def _builtin_terms():
    from ..paths import data_dir
    from .terminology import BUILTIN_TERMS, load_terms

    return tuple(load_terms(data_dir("checklists") / BUILTIN_TERMS))


def _terms(doc: Document, value: object, path: tuple, contexts: tuple[str, ...]) -> Iterator[Diagnostic]:
    """W304 for each variant of the terms table found in the Korean text of ``value``."""
    from .terminology import find_violations

    text = value.get("ko") if isinstance(value, dict) else None
    if not isinstance(text, str) or not text:
        return
    for v in find_violations(text, _builtin_terms(), contexts):
        yield doc.diagnostic("W304", Msg("lint.term", found=repr(v.found), preferred=repr(v.preferred)), path + ("ko",))


def _checklist_terms(checklist: Checklist, doc: Document, own: dict[str, tuple]) -> Iterator[Diagnostic]:
    """W304 over the checklist's own Korean texts; an item's contexts are the prefixes of the clauses it cites."""
    data = doc.data
    base = (checklist.id,)
    for key in _TEXT_FIELDS_TOP:
        yield from _terms(doc, data.get(key), (key,), base)
    for s, section in enumerate(data.get("sections", [])):
        for key in _TEXT_FIELDS_TOP:
            yield from _terms(doc, section.get(key), ("sections", s, key), base)
    for item in checklist.items:
        where = own.get(item.id) if item.origin == checklist.id else None
        if where is None:
            continue
        raw = _at(data, where)
        contexts = base + tuple(fw.prefix for ref in item.refs if (fw := framework_of(ref)) is not None)
        for key in _TEXT_FIELDS_ITEM:
            yield from _terms(doc, raw.get(key), where + (key,), contexts)


# --- helpers -----------------------------------------------------------------------------------


def _own_item_paths(doc: Document) -> dict[str, tuple]:
    """Where each item the file itself defines sits (first definition wins for duplicates)."""
    out: dict[str, tuple] = {}
    for s, section in enumerate(doc.data.get("sections", [])):
        for i, item in enumerate(section.get("items", [])):
            out.setdefault(item["id"], ("sections", s, "items", i))
    return out


def _at(data: object, path: tuple) -> dict:
    for key in path:
        data = data[key]  # type: ignore[index]
    return data  # type: ignore[return-value]


# --- the lint command --------------------------------------------------------------------------


@record
class LintResult:
    """The outcome of linting one checklist given by id or path."""

    source: str  # what the user passed
    name: str  # the file the diagnostics point at
    checklist: Checklist | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.diagnostics)


def lint_source(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> LintResult:
    """Lint a checklist by built-in id or by path; never raises for bad input."""
    from .checklists import checklist_from_document

    path = builtin_checklist_path(source)  # a built-in id wins, as everywhere else
    name = str(path) if path is not None else source
    try:
        doc = load_file(path or source, max_bytes=max_bytes, name=name)
    except DiagnosticError as exc:
        diagnostics = exc.diagnostics
        if not Path(source).exists() and looks_like_id(source):
            known = ", ".join(builtin_checklist_ids()) or "-"
            diagnostics = [Diagnostic(name, 1, 1, "E001", Msg("lint.no_checklist", known=known))]
        return LintResult(source, name, None, tuple(diagnostics))
    checklist, problems = checklist_from_document(doc)
    if checklist is not None:
        problems = problems + lint_checklist(checklist, doc)
    return LintResult(source, name, checklist, tuple(sorted(set(problems))))


def looks_like_id(source: str) -> bool:
    """Whether a command-line argument names a checklist id rather than a file."""
    return "/" not in source and "\\" not in source and not source.endswith((".yaml", ".yml"))


def checklist_checks(doc: Document, options: object = None) -> list[Diagnostic]:
    """Everything ``aiaudit validate`` checks in a checklist: schema, includes, ids, then lint."""
    from .checklists import checklist_from_document

    checklist, problems = checklist_from_document(doc)
    return problems if checklist is None else problems + lint_checklist(checklist, doc)
