"""Benchmark: one ``aiaudit answer`` process on generated 100-, 300- and 1,000-item audits; prints figures, asserts nothing.

Generates, in a temporary folder, a checklist citing real catalog clauses and an audit in the
layout ``aiaudit init`` writes (a comment with the question above every answer), half of the items
answered with notes and some with hashed evidence. Then runs, each in a fresh process (bytecode
cached, as in an installed package), ``aiaudit answer AUDIT ITEM --status ... --note ... --evidence
...`` on items spread over the file, and prints the median and spread of the wall time next to the
floors of a bare ``python -c pass`` and ``python -c "import aiaudit.cli"``. A breakdown of one save
in-process follows, with the same edit through the ruamel.yaml round trip (the fallback) for
comparison.

    python benchmarks/answer.py [--runs 15] [--items 300 ...] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiaudit.library.catalog import clause_index

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]
from aiaudit.model import PRINCIPLES, SEVERITIES


def generate(folder: Path, items: int) -> Path:
    """Write checklist, evidence and audit into ``folder``; return the audit's path."""
    clauses = list(clause_index())
    per_section = -(-items // len(PRINCIPLES))
    lines = [
        "kind: checklist",
        "id: bench",
        "version: 1.0.0",
        "title: {en: Benchmark checklist, ko: 벤치마크 점검표}",
        "description: {en: Generated., ko: 생성된 점검표입니다.}",
        "sections:",
    ]
    ids = []
    for s, principle in enumerate(PRINCIPLES):
        lines += [f"  - id: s{s}", f"    principle: {principle}", f"    title: {{en: Section {s}, ko: 영역 {s}}}", "    items:"]
        for i in range(per_section):
            n = s * per_section + i
            if n >= items:
                break
            item_id = f"B{s}-{i:03d}"
            ids.append(item_id)
            lines += [
                f"      - id: {item_id}",
                f"        question: {{en: Is control {n} in place?, ko: 통제 {n}이(가) 있습니까?}}",
                f"        guidance: {{en: Evidence for control {n}., ko: 통제 {n}의 증빙입니다.}}",
                f"        severity: {SEVERITIES[n % 4]}",
                f"        refs: [{clauses[n % len(clauses)]}]",
                f"        remediation: {{en: Add control {n}., ko: 통제 {n}을(를) 추가하십시오.}}",
            ]
    (folder / "bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    evidence = folder / "evidence"
    evidence.mkdir()
    for k in range(20):
        (evidence / f"e{k}.txt").write_text(f"evidence {k}\n" * 200, encoding="utf-8")
    from aiaudit.audit.evidence import sha256_file

    out = [
        "# aiaudit audit file (generated for the benchmark)",
        "kind: audit",
        "format: 1",
        "checklists:",
        "  - {path: bench.yaml}",
        "system:",
        '  name: "Benchmark system"',
        "  regions: [EU, KR]",
        "  modalities: [text]",
        "answers:",
    ]
    for n, item_id in enumerate(ids):
        out += [f"  # {item_id} [{SEVERITIES[n % 4]}] Is control {n} in place?", f"  {item_id}:"]
        if n % 2:
            out += ["    status: unanswered", '    notes: ""', "    evidence: []"]
        else:
            out += ["    status: met", f"    notes: Control {n} is documented in the wiki; reviewed by the team lead."]
            if n % 10 == 0:
                e = evidence / f"e{n % 20}.txt"
                out += [f"    evidence:\n      - {{path: evidence/{e.name}, sha256: {sha256_file(e)}, size: {e.stat().st_size}}}"]
            out += ["    answered_by: kim@example.org", '    date: "2026-11-20"']
    out.append("signoff: []")
    path = folder / "audit.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _env(cache: bool = True) -> dict[str, str]:
    """The environment of the timed processes: bytecode cached, as an installed package has it;
    aiaudit's own cache (parsed checklists, presets, messages) on, or off with ``cache=False``."""
    env = dict(os.environ, AIAUDIT_LANG="en", NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("AIAUDIT_NO_CACHE", None)
    if not cache:
        env["AIAUDIT_NO_CACHE"] = "1"
    return env


#: CPU time (user + system) of each timed process, next to its wall time: on a shared machine the
#: wall time also measures the neighbours, the CPU time much less so.
CPU: list[float] = []


def _time(cmd: list[str], cwd: Path, cache: bool = True) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, env=_env(cache))
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    if resource and before is not None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def _aiaudit() -> list[str]:
    """The ``aiaudit`` console script of this Python, as users run it (``python -m aiaudit`` when there is none)."""
    script = Path(sys.executable).with_name("aiaudit")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "aiaudit"]


def breakdown(path: Path, item_id: str) -> dict[str, float]:
    """Time the phases of one save in this process, and the same edit through the ruamel.yaml round trip."""
    from aiaudit.audit import roundtrip
    from aiaudit.audit.answer import AnswerInput, Editor
    from aiaudit.loading import load_bytes

    out = {}
    start = time.perf_counter()
    editor = Editor(path, answered_by="bench", date="2026-11-25")
    out["open: load + check audit"] = time.perf_counter() - start
    start = time.perf_counter()
    value = editor.build(AnswerInput(item_id, status="partial", notes="In-process run.", evidence=("evidence/e3.txt",)))
    out["build answer (hash evidence)"] = time.perf_counter() - start
    raw = path.read_bytes()
    changes = [roundtrip.Change(("answers", item_id), value)]
    old = load_bytes(raw, str(path))
    expected = roundtrip._expected(old.data, changes)
    start = time.perf_counter()
    found = roundtrip._span_edit(raw, old, changes, expected, str(path), len(raw) * 2)
    out["span edit + reload + compare"] = time.perf_counter() - start
    assert found is not None, "the span edit gave up on the benchmark audit"
    start = time.perf_counter()
    roundtrip._round_trip(raw, changes, str(path), expected, len(raw) * 2)
    out["(ruamel round trip + reload + compare, the fallback)"] = time.perf_counter() - start
    start = time.perf_counter()
    editor.save({item_id: value})
    out["whole save: edit + verify + check answer + atomic write"] = time.perf_counter() - start
    return out


def run(items: int, runs: int, keep: bool) -> dict[str, float]:
    """Generate an audit of ``items`` items, time ``runs`` fresh ``aiaudit answer`` processes; print and return figures."""
    folder = Path(tempfile.mkdtemp(prefix=f"aiaudit-bench-answer-{items}-"))
    try:
        audit = generate(folder, items)
        text = audit.read_text(encoding="utf-8")
        ids = [line.strip()[:-1] for line in text.splitlines() if line.startswith("  B") and line.endswith(":")]
        _time([*_aiaudit(), "status", "audit.yaml"], folder)  # warm-up: bytecode written
        times = []
        cold: list[float] = []  # the same with aiaudit's cache off: a first run, or after a change of the checklist
        CPU.clear()
        statuses = ("met", "partial", "not_met")
        for n in range(runs):
            for cache, into in ((True, times), (False, cold)):
                item_id = ids[(n * 37 + (0 if cache else 11)) % len(ids)]
                cmd = [*_aiaudit(), "answer", "audit.yaml", item_id, "--status", statuses[n % 3]]
                cmd += ["--note", f"Benchmark run {n}: reviewed.", "--evidence", f"evidence/e{n % 20}.txt", "--by", "bench"]
                cpu_before = len(CPU)
                into.append(_time(cmd, folder, cache))
                if not cache:
                    del CPU[cpu_before:]  # the CPU figure is that of the runs with the cache
        from aiaudit.audit.load import load_audit

        audit_model = load_audit(audit)  # still a valid audit after every run
        comments_kept = audit.read_text(encoding="utf-8").count("\n  # B") == len(ids)
        phases = breakdown(audit, ids[1])
        median, low, high = (statistics.median(times) * 1000, min(times) * 1000, max(times) * 1000)
        sizes = f"{audit.stat().st_size / 1024:.0f} KiB audit, checklist {(folder / 'bench.yaml').stat().st_size / 1024:.0f} KiB"
        print(f"{len(audit_model.items)} items ({sizes}):")
        cpu = statistics.median(CPU) * 1000 if CPU else float("nan")
        print(f"  aiaudit answer, fresh process, {runs} runs: median {median:.0f} ms   min {low:.0f} ms   max {high:.0f} ms")
        print(f"    CPU time (user + system) of the process: median {cpu:.0f} ms")
        no_cache = statistics.median(cold) * 1000
        print(f"  with aiaudit's cache off (AIAUDIT_NO_CACHE=1: the checklist parsed): median {no_cache:.0f} ms")
        print(f"  comments above every answer kept: {comments_kept}")
        for name, seconds in phases.items():
            print(f"    {name:<56} {seconds * 1000:7.1f} ms")
        if keep:
            print(f"  kept: {folder}")
        return {"median": median, "cpu": cpu, "no_cache": statistics.median(cold) * 1000}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--items", type=int, action="append", help="Audit sizes (repeatable; default 100, 300 and 1000).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated folders and print their paths.")
    args = parser.parse_args()

    print(f"python: {sys.version.split()[0]} on {sys.platform}")
    folder = Path(tempfile.mkdtemp(prefix="aiaudit-bench-floor-"))
    try:
        _time([sys.executable, "-c", "import aiaudit.cli"], folder)  # bytecode written
        floor = [_time([sys.executable, "-c", "import aiaudit.cli"], folder) for _ in range(args.runs)]
        bare = [_time([sys.executable, "-c", "pass"], folder) for _ in range(args.runs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"bare `python -c pass`: median {statistics.median(bare) * 1000:.0f} ms")
    print(f"import floor `python -c 'import aiaudit.cli'`: median {statistics.median(floor) * 1000:.0f} ms")
    for items in args.items or [100, 300, 1000]:
        run(items, args.runs, args.keep)


if __name__ == "__main__":
    main()
