"""The fuzz test: valid files mutated at random, then every command that reads them.

Each case is a small project (an audit, its checklist, a policy, a rubric, an evidence file), mutated
by Hypothesis: values replaced by hostile ones (NaN, huge numbers, escapes, CI commands, paths that
leave the folder, special files), keys added or removed, and the YAML text itself damaged (alias
bombs, tags, duplicate keys, out-of-range numbers, truncation). Then ``validate``, ``report`` (html,
md, json), ``gate`` (every format at once) and ``grade`` run on it, in-process.

Every case must: never exit 3 (a bug), never write outside its work folder, and finish within
``AIAUDIT_FUZZ_CASE_SECONDS`` (default 60).

The default run is short (``AIAUDIT_FUZZ_EXAMPLES``, default 25) and the same every time. A longer
run, random, or reproducible with ``AIAUDIT_FUZZ_SEED=N``::

    AIAUDIT_FUZZ_EXAMPLES=3000 python -m pytest -p no:cacheprovider -q tests/hostile/test_fuzz.py

(docs/security.md has the numbers of the last long run). The same variable sizes the schema
agreement test in ``tests/core/test_schema_agreement.py``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from corpus import BAD_NUMBERS, LOG_ATTACKS, MARKDOWN_ATTACKS, MINI, TERMINAL_ATTACKS
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from aiaudit.cli import cli
from aiaudit.loading import load_file

EXAMPLES = int(os.environ.get("AIAUDIT_FUZZ_EXAMPLES", "25"))
CASE_SECONDS = float(os.environ.get("AIAUDIT_FUZZ_CASE_SECONDS", "60"))

POLICY = {
    "kind": "policy",
    "id": "fuzz",
    "rules": {
        "min_score": {"overall": 50, "sections": {"safety": 40}},
        "must_meet": {"severities": ["critical"], "items": ["TR-01"], "allow_na": True},
        "evidence_required_for": ["high"],
        "evidence_integrity": True,
        "max_age_days": 365,
        "cover_frameworks": [{"framework": "eu-ai-act", "clauses": ["EUAIA-ART50-*"]}],
    },
    "waivers": [{"item": "ACC-01", "reason": "Owner named next sprint.", "approver": "Lee", "expires": "2099-01-01"}],
}
RUBRIC = {
    "kind": "rubric",
    "id": "fuzz",
    "title": {"en": "Fuzz", "ko": "퍼즈"},
    "criteria": [
        {"id": "done", "measure": "answered_ratio", "points": 30},
        {"id": "proof", "measure": "evidence_present_ratio", "points": 20, "accept_urls": True},
        {"id": "why", "measure": "justified_ratio", "points": 20, "min_note_chars": 10},
        {"id": "fw", "measure": "framework_coverage", "points": 10},
        {"id": "class", "measure": "classification_present", "points": 10, "schemes": ["eu_ai_act", "kr_ai_basic_act"]},
        {"id": "manual", "measure": "manual", "points": 10},
    ],
    "late": {"deadline": "2026-12-01T23:59:00+09:00", "penalty_per_day": 5, "max_penalty": 20, "grace_minutes": 30},
    "similarity": {"threshold": 0.8, "min_items": 2, "min_chars": 20},
}


def _base() -> dict[str, dict]:
    return {
        "audit.yaml": load_file(MINI / "audit.yaml").data,
        "mini-checklist.yaml": load_file(MINI / "mini-checklist.yaml").data,
        "policy.yaml": POLICY,
        "rubric.yaml": RUBRIC,
    }


BASE = _base()

# --- what a mutation puts in -----------------------------------------------------------------------------------

ATTACK_TEXTS = [*TERMINAL_ATTACKS.values(), *LOG_ATTACKS.values(), *MARKDOWN_ATTACKS.values()]
PATHS = [
    "../../etc/passwd",
    "/etc/passwd",
    "/proc/self/environ",
    "/dev/zero",
    "evidence/../../outside.txt",
    "evidence",
    "evidence/notice.txt/..",
    "pipe.fifo",
    "link-out.txt",
    "~/x",
    "",
    "a" * 300,
]
scalars = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 2**64, -(2**70), 10**25, 0, -1, 0.5, 1e308, True, None, ""]),
    st.sampled_from(["9999-12-31", "2026-02-30", "0000-00-00", "na", "met", "N/A", "\u200b", " "]),
    st.sampled_from(ATTACK_TEXTS),
    st.sampled_from(PATHS),
    st.integers(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=8,
)
#: Damage to the YAML text itself, after the data is written.
TEXT_DAMAGE = [
    lambda t: t,
    lambda t: t + "\nzz: &a [*a]\n",
    lambda t: t + "\nzz: !!python/object/apply:os.system ['echo pwned']\n",
    lambda t: t + f"\nzz: {BAD_NUMBERS['huge-int']}\n",
    lambda t: t + f"\nzz: {BAD_NUMBERS['huge-hex']}\n",
    lambda t: t + "\nzz: .nan\n",
    lambda t: t + "\nkind: audit\n",  # a duplicate key
    lambda t: t + "\nzz: &t " + "A" * 150_000 + "\nzy: [" + ", ".join(["*t"] * 100) + "]\n",
    lambda t: t[: len(t) // 2],
    lambda t: t.replace(":", ":\t", 3),
    lambda t: "\ufeff" + t,
    lambda t: t + "\n---\nkind: audit\n",
    lambda t: "x" * 5_300_000,
]


def _paths_of(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths_of(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths_of(v, prefix + (i,))


STRINGS = st.one_of(
    st.sampled_from(ATTACK_TEXTS), st.sampled_from(PATHS), st.sampled_from(["N/A", "\u200b", "9999-12-31", "2026-02-30"])
)
NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, 2**64, -(2**70), 10**25, 0, -1, 0.5, 1e308, 10**6])


#: Keys whose values are free text: hostile text there keeps a file valid, so the case reaches the
#: reports, the gate's outputs and grading's pages.
FREE_TEXT = frozenset(
    {"notes", "name", "owner", "purpose", "description", "en", "ko", "reason", "approver", "statement", "role", "answered_by"}
)


def _mutate(data, draw) -> None:
    paths = [p for p in _paths_of(data) if p]
    free = [p for p in paths if isinstance(p[-1], str) and p[-1] in FREE_TEXT]
    if free and draw(st.booleans()):
        path = draw(st.sampled_from(free))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = draw(STRINGS) + (" " + draw(STRINGS) if draw(st.booleans()) else "")
        return
    if not paths:
        return
    path = draw(st.sampled_from(paths))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    old = parent[path[-1]]
    action = draw(st.sampled_from(["hostile-same-type"] * 4 + ["replace", "delete", "add"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = draw(values)
    elif action == "hostile-same-type" and isinstance(old, str):
        parent[path[-1]] = draw(STRINGS) if draw(st.booleans()) else old + draw(STRINGS)
    elif action == "hostile-same-type" and isinstance(old, (int, float)) and not isinstance(old, bool):
        parent[path[-1]] = draw(NUMBERS)
    else:
        parent[path[-1]] = draw(values)


@st.composite
def projects(draw) -> dict[str, str]:
    """File name → YAML text: the base project with a few mutations in one or two of its files.

    Most mutations keep a value's type (a string becomes an attack string or a hostile path, a
    number an out-of-range one), so that many cases stay valid enough to reach the reports, the
    gate's outputs and grading; the rest replace, add or delete values or damage the YAML text.
    """
    targets = draw(st.lists(st.sampled_from(sorted(BASE)), min_size=1, max_size=2, unique=True))
    files = {}
    for name, base in BASE.items():
        data = json.loads(json.dumps(base))
        damage = TEXT_DAMAGE[0]
        if name in targets:
            for _ in range(draw(st.integers(1, 3))):
                _mutate(data, draw)
            if draw(st.integers(0, 7)) == 0:
                damage = draw(st.sampled_from(TEXT_DAMAGE[1:]))
        files[name] = damage(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return files


# --- running one case -------------------------------------------------------------------------------------------


class CaseTimeout(BaseException):  # not an Exception: nothing in aiaudit can swallow it
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise CaseTimeout(f"a case took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")} if root.exists() else set()


def _write_project(proj: Path, files: dict[str, str], work: Path) -> Path:
    (proj / "evidence").mkdir(parents=True)
    shutil.copy(MINI / "evidence" / "notice.txt", proj / "evidence" / "notice.txt")
    os.mkfifo(proj / "pipe.fifo")
    (proj / "link-out.txt").symlink_to(work / "outside.txt")
    for name, text in files.items():
        (proj / name).write_text(text, encoding="utf-8")
    return proj


def _commands(proj: Path, work: Path, files: dict[str, str]) -> list[list[str]]:
    out = work / "out"
    out.mkdir()
    subs = work / "subs"
    _write_project(subs / "team1", files, work)
    audit, policy, rubric = proj / "audit.yaml", proj / "policy.yaml", proj / "rubric.yaml"
    gate_formats = ["-f", "text"]
    for fmt, ext in (("json", "json"), ("junit", "xml"), ("sarif", "sarif"), ("github", "txt"), ("gitlab", "gl.json")):
        gate_formats += ["-f", f"{fmt}:{out / ('gate.' + ext)}"]
    return [
        ["validate", audit, proj / "mini-checklist.yaml", policy, rubric],
        *(["report", audit, "-o", out / f"report.{fmt}"] for fmt in ("html", "md", "json")),
        ["gate", audit, "-p", policy, *gate_formats],
        ["grade", subs, "--rubric", rubric, "-o", out / "grades", "-j", "1", "--lang", "ko"],
    ]


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


SEED = os.environ.get("AIAUDIT_FUZZ_SEED")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=SEED is None and EXAMPLES <= 25,  # the short run in CI is the same every time
)
@given(files=projects())
def test_mutated_projects_never_crash_escape_or_hang(fuzz_root, files):
    home = fuzz_root / "home"
    home.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=fuzz_root, prefix="case-"))
    (work / "outside.txt").write_text("outside", encoding="utf-8")
    proj = _write_project(work / "proj", files, work)
    # aiaudit's own cache is the one place it may write outside the case (its documented cache
    # folder, holding only compiled templates and parsed checklists): kept apart and left out of the check
    cache = fuzz_root / "cache"
    env = {"AIAUDIT_LANG": "en", "NO_COLOR": "1", "HOME": str(home), "GITHUB_STEP_SUMMARY": str(work / "sum.md")}
    runner = CliRunner(env={**env, "AIAUDIT_CACHE_DIR": str(cache)})

    def outside() -> set[str]:
        return _tree(fuzz_root) - _tree(work) - _tree(cache) - {str(cache)}

    outside_before = outside()
    started = time.monotonic()
    try:
        with time_limit(CASE_SECONDS):
            for args in _commands(proj, work, files):
                result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
                event(f"{args[0]}{Path(str(args[3])).suffix if args[0] == 'report' else ''} exit {result.exit_code}")
                assert result.exit_code in (0, 1, 2), (args[0], result.exit_code, result.stderr[-2000:])
                assert "internal error" not in result.stderr and "내부 오류" not in result.stderr, result.stderr[-2000:]
        assert outside() == outside_before, "a command wrote outside its work folder"
        cached = [p for p in cache.rglob("*") if p.is_file()]
        kinds = {"templates-": ".cache", "checklists-": ".pickle", "policies-": ".pickle"}
        kinds |= {"messages-": ".marshal", "schemas-": ".marshal", "records-": ".marshal"}
        assert all(
            any(p.parent.name.startswith(folder) and p.suffix == suffix for folder, suffix in kinds.items()) for p in cached
        ), "only compiled templates and records, parsed checklists, policies, schemas and messages in the cache"
        assert (work / "outside.txt").read_text(encoding="utf-8") == "outside"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert time.monotonic() - started < CASE_SECONDS


if SEED is not None:  # AIAUDIT_FUZZ_SEED=N: a reproducible run of any length
    test_mutated_projects_never_crash_escape_or_hang = seed(int(SEED))(test_mutated_projects_never_crash_escape_or_hang)
