"""The frameworks catalog: frameworks, their clauses, and looking a clause up by id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from ..cache import files_signature
from ..diagnostics import DiagnosticError, has_errors
from ..model import AppliesTo, Clause, Framework, Obligation, ObligationDate, Scope, Text
from ..paths import data_dir
from ..schemas import schema_diagnostics
from .builtins import BUILTIN_PREFIX, load_builtin


class Catalog(Mapping):
    """The frameworks catalog by framework id, each framework unpickled when first asked for.

    A command mostly needs a few frameworks (``status`` the laws an audit cites, the gate those its
    policy names): unpickling the whole catalog (16 frameworks, 260 clauses in two languages) cost
    it 1.6 ms. Iterating, ``len`` and ``in`` read only the ids; ``values()`` loads every framework.
    """

    __slots__ = ("_packed", "_loaded", "binding")

    def __init__(self, packed: dict[str, bytes], binding, loaded: dict[str, Framework] | None = None):
        self._packed = packed
        #: The ids of the frameworks that are laws with a territorial scope (``Framework.scope``), known without loading them.
        self.binding: frozenset[str] = frozenset(binding)
        self._loaded: dict[str, Framework] = dict(loaded or {})

    def __getitem__(self, framework_id: str) -> Framework:
        found = self._loaded.get(framework_id)
        if found is None:
            from _pickle import loads  # a private folder of this user, written by aiaudit (see aiaudit.cache)

            found = self._loaded[framework_id] = loads(self._packed[framework_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, framework_id: object) -> bool:
        return framework_id in self._packed

    def __reduce__(self):  # to a worker process: the packed frameworks, not what this one unpickled
        return (Catalog, (self._packed, self.binding))


@cache
def _sources() -> tuple[list, str | None]:
    """The catalog's files and their key in the cache (names, sizes and times), looked at once per run."""
    paths = sorted((data_dir("checklists") / "frameworks").glob("*.yaml"))
    return paths, files_signature(paths)


@cache
def frameworks() -> Catalog:
    """The frameworks catalog, by framework id (kept built in the user's cache, keyed by the files' size and time)."""
    from .checklists import PARSED

    paths, signature = _sources()
    built: dict[str, Framework] = {}

    def build() -> dict[str, Any]:
        import pickle

        for path in paths:
            doc = load_builtin(path, name=f"{BUILTIN_PREFIX}frameworks/{path.name}")
            problems = schema_diagnostics(doc, "framework")
            if has_errors(problems):
                raise DiagnosticError(problems)
            built[doc.data["id"]] = _framework(doc.data)
        return {
            "frameworks": {fw_id: pickle.dumps(fw, protocol=pickle.HIGHEST_PROTOCOL) for fw_id, fw in built.items()},
            "binding": [fw_id for fw_id, fw in built.items() if fw.scope is not None],
        }

    kept = PARSED.keep(f"frameworks-{signature}" if signature else None, dict, build)
    return Catalog(kept["frameworks"], kept["binding"], built)


def _applies_to(raw: dict | None) -> AppliesTo | None:
    if raw is None:
        return None
    categories = raw.get("categories")
    return AppliesTo(
        roles=tuple(raw.get("roles", ())),
        categories=None if categories is None else tuple(categories),
        modalities=tuple(raw.get("modalities", ())),
    )


def _obligation(raw: dict) -> Obligation:
    dates = tuple(
        ObligationDate(
            applies_from=str(d["applies_from"]),
            when=d.get("when"),
            original=d.get("original"),
            verified=bool(d.get("verified", True)),
            source=d.get("source"),
        )
        for d in raw.get("dates", ())
    )
    categories = raw.get("categories")
    return Obligation(
        raw["id"], Text.of(raw["title"]), None if categories is None else tuple(categories), dates, Text.of(raw.get("note"))
    )


def _framework(data: dict) -> Framework:
    clauses = tuple(
        Clause(
            id=c["id"],
            title=Text.of(c["title"]),
            summary=Text.of(c["summary"]),
            verified=bool(c["verified"]),
            framework=data["id"],
            cite=c.get("cite", ""),
            group=c.get("group", ""),
            applies_from=c.get("applies_from"),
            source=c.get("source"),
            note=Text.of(c.get("note")),
            obligation=c.get("obligation", ""),
            applies_to=_applies_to(c.get("applies_to")),
            informational=bool(c.get("informational", False)),
        )
        for c in data["clauses"]
    )
    scope = data.get("scope")
    return Framework(
        id=data["id"],
        prefix=data["prefix"],
        title=Text.of(data["title"]),
        short=Text.of(data["short"]),
        source=data["source"],
        clauses=clauses,
        edition=data.get("edition", ""),
        dates=tuple(data.get("dates", ())),
        scope=Scope(tuple(scope.get("regions", ())), scope.get("scheme")) if scope else None,
        obligations=tuple(_obligation(o) for o in data.get("obligations", ())),
    )


@cache
def clause_index() -> dict[str, Clause]:
    """Every catalog clause by id."""
    return {c.id: c for fw in frameworks().values() for c in fw.clauses}


@cache
def _prefix_ids() -> dict[str, str]:
    """Framework ids by clause-id prefix, kept in the user's cache on their own: naming the framework
    of a clause (SARIF, the frameworks an audit cites) then loads no catalog."""
    from .checklists import PARSED

    signature = _sources()[1]

    def build() -> dict[str, str]:
        return {fw.prefix: fw.id for fw in frameworks().values()}

    return PARSED.keep(f"prefixes-{signature}" if signature else None, dict, build)


def framework_id_of(clause_id: str) -> str | None:
    """The id of the framework a clause id belongs to, by its id prefix (longest prefix wins)."""
    prefixes = _prefix_ids()
    end = clause_id.rfind("-")
    while end > 0:  # the longest prefix first: each dash from the right
        found = prefixes.get(clause_id[:end])
        if found is not None:
            return found
        end = clause_id.rfind("-", 0, end)
    return None


def framework_of(clause_id: str) -> Framework | None:
    """The framework a clause id belongs to (see :func:`framework_id_of`)."""
    found = framework_id_of(clause_id)
    return None if found is None else frameworks().get(found)
