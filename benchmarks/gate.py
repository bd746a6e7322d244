"""Benchmark: cold ``aiaudit gate`` processes on a generated 500-item audit vs the bare import floor.

Generates, in a temporary folder, a 500-item checklist citing real catalog clauses, an audit that
answers every item (with 50 hashed evidence files), and a policy that uses every rule kind. Then
times, interleaved and in fresh processes, ``aiaudit gate`` (text output and SARIF + JUnit to
files) against ``python -c "import yaml, jsonschema, click"``. Prints the medians and the ratio;
the target is a ratio of at most 2.

    python benchmarks/gate.py [--runs 9] [--items 500] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiaudit.library.catalog import clause_index
from aiaudit.model import PRINCIPLES, SEVERITIES

STATUSES = ("met", "met", "met", "partial", "not_met", "met", "na", "unanswered")


def generate(folder: Path, items: int) -> tuple[Path, Path]:
    """Write checklist, audit, evidence and policy into ``folder``; return (audit, policy)."""
    clauses = list(clause_index())
    per_section = -(-items // len(PRINCIPLES))
    lines = [
        "kind: checklist",
        "id: bench",
        "version: 1.0.0",
        "title: {en: Benchmark checklist, ko: 벤치마크 점검표}",
        "description: {en: Generated for benchmarks/gate.py., ko: benchmarks/gate.py가 생성했습니다.}",
        "sections:",
    ]
    n = 0
    for principle in PRINCIPLES:
        if n >= items:
            break
        lines += [
            f"  - id: {principle}",
            f"    principle: {principle}",
            f"    title: {{en: {principle}, ko: {principle}}}",
            "    items:",
        ]
        for _ in range(per_section):
            if n >= items:
                break
            refs = ", ".join(clauses[(n * 7 + k) % len(clauses)] for k in range(3))
            lines += [
                f"      - id: B-{n:04d}",
                f"        question: {{en: 'Generated question {n}?', ko: '생성된 질문 {n}입니까?'}}",
                f"        guidance: {{en: 'Guidance {n}.', ko: '작성 안내 {n}입니다.'}}",
                f"        severity: {SEVERITIES[n % 4]}",
                f"        weight: {1 + n % 3}",
                f"        evidence: {('required', 'optional', 'none')[n % 3]}",
                f"        refs: [{refs}]",
                f"        remediation: {{en: 'Fix {n}.', ko: '개선 조치 {n}입니다.'}}",
            ]
            n += 1
    (folder / "bench-checklist.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    evidence = folder / "evidence"
    evidence.mkdir()
    audit = [
        "kind: audit",
        "format: 1",
        "checklists:",
        "  - {path: bench-checklist.yaml}",
        "system:",
        "  name: Benchmark system",
        "  modalities: [text]",
        "  regions: [EU, KR]",
        "answers:",
    ]
    for i in range(items):
        status = STATUSES[i % len(STATUSES)]
        if status == "unanswered":
            continue
        audit += [
            f"  B-{i:04d}:",
            f"    status: {status}",
            f"    notes: 'Answer {i}, with a justification.'",
            "    date: '2026-11-20'",
        ]
        if i % 10 == 0:
            body = f"evidence {i}\n".encode()
            (evidence / f"e{i}.txt").write_bytes(body)
            digest = hashlib.sha256(body).hexdigest()
            audit += ["    evidence:", f"      - {{path: evidence/e{i}.txt, sha256: {digest}, size: {len(body)}}}"]
    audit += ["signoff:", "  - {name: Bench, role: lead, date: '2026-11-21'}"]
    audit_path = folder / "audit.yaml"
    audit_path.write_text("\n".join(audit) + "\n", encoding="utf-8")

    policy = folder / "policy.yaml"
    policy.write_text(
        "\n".join(
            [
                "kind: policy",
                "id: bench",
                "rules:",
                "  min_score: {overall: 50, sections: {safety: 40}, frameworks: {eu-ai-act: 40}}",
                "  must_meet: {severities: [critical], items: [B-0001]}",
                "  cover_frameworks: [owasp-llm]",
                "  max_age_days: 365",
                "  evidence_required_for: [critical, high]",
                "  evidence_integrity: true",
                "waivers:",
                "  - {item: B-0004, reason: benchmark, approver: bench, expires: '2030-01-01'}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return audit_path, policy


def _command() -> list[str]:
    script = Path(sys.executable).parent / "aiaudit"
    if script.is_file():
        return [str(script)]
    found = shutil.which("aiaudit")
    return [found] if found else [sys.executable, "-m", "aiaudit"]


def _time(cmd: list[str], cwd: Path, ok: tuple[int, ...]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per command (median reported; at least 7)")
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder and print its path")
    args = parser.parse_args()
    runs = max(args.runs, 7)

    folder = Path(tempfile.mkdtemp(prefix="aiaudit-gate-bench-"))
    try:
        audit, policy = generate(folder, args.items)
        base = [*_command(), "gate", audit.name, "--policy", policy.name, "--today", "2026-11-25"]
        commands = {
            "import floor (python -c 'import yaml, jsonschema, click')": (
                [sys.executable, "-c", "import yaml, jsonschema, click"],
                (0,),
            ),
            "aiaudit --version (CLI start-up)": ([*_command(), "--version"], (0,)),
            "aiaudit gate --policy preset:genai-baseline": (
                [*_command(), "gate", audit.name, "--policy", "preset:genai-baseline", "--today", "2026-11-25"],
                (0, 1),
            ),
            "aiaudit gate (all rule kinds, text)": (base, (0, 1)),
            "aiaudit gate (sarif + junit files)": ([*base, "-f", "sarif:out.sarif", "-f", "junit:out.xml"], (0, 1)),
        }
        real = folder / "real"
        real.mkdir()
        init = [*_command(), "init", "-n", "Bench", "--region", "EU", "--region", "KR", "-o", "real/audit.yaml"]
        if subprocess.run(init, cwd=folder, capture_output=True, check=False).returncode == 0:
            commands["aiaudit gate on `aiaudit init` (built-in genai-baseline)"] = (
                [*_command(), "gate", "real/audit.yaml", "--policy", "preset:eu-ai-act-transparency", "--today", "2026-11-25"],
                (0, 1),
            )
        for cmd, ok in commands.values():  # warm the OS file cache; not counted
            _time(cmd, folder, ok)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (cmd, ok) in commands.items():
                times[name].append(_time(cmd, folder, ok))
        medians = {name: statistics.median(values) for name, values in times.items()}
        floor = medians[next(iter(commands))]
        print(f"aiaudit gate benchmark: {args.items}-item audit, {runs} cold runs each (median, min-max)")
        print(f"python {sys.version.split()[0]} at {sys.executable}")
        for name, values in times.items():
            ratio = medians[name] / floor
            spread = f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"
            print(f"  {name:<58} {medians[name] * 1000:7.1f} ms  {spread}  {ratio:4.2f}x floor")
        worst = max(medians[name] / floor for name in list(commands)[2:5])
        verdict = "OK" if worst <= 2 else "SLOWER THAN TARGET"
        print(f"target: gate on the {args.items}-item audit <= 2.00x the import floor; measured {worst:.2f}x -> {verdict}")
        if args.keep:
            print(f"generated files kept in {folder}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
