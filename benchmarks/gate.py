"""Benchmark: cold ``aiaudit gate`` processes on a generated 500-item audit vs the bare import floor.

Generates, in a temporary folder, a 500-item checklist citing real catalog clauses, an audit that
answers every item (with 50 hashed evidence files), and a policy that uses every rule kind. Then
times, interleaved and in fresh processes (see _harness.py), ``aiaudit gate`` (text output and
SARIF + JUnit to files) against the import floor ``python -c "import yaml, click, jsonschema_rs"``:
what the gate itself must import (it never imports the pure-Python ``jsonschema`` for a valid
audit). Prints the medians and the ratios; the targets on the shipped example are in
``benchmarks/commands.py``, the per-item costs up to 10,000 items in ``benchmarks/scaling.py``.

    python benchmarks/gate.py [--runs 9] [--items 500] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import add_common_arguments, aiaudit_command, child_env, describe_python, interleaved, median

from aiaudit.library.catalog import clause_index
from aiaudit.model import PRINCIPLES, SEVERITIES

STATUSES = ("met", "met", "met", "partial", "not_met", "met", "na", "unanswered")
FLOOR = "import yaml, click, jsonschema_rs"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per command (median reported; at least 7)")
    parser.add_argument("--items", type=int, default=500)
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    runs = max(args.runs, 7)

    folder = Path(tempfile.mkdtemp(prefix="aiaudit-gate-bench-"))
    try:
        audit, policy = generate(folder, args.items)
        aiaudit = aiaudit_command()
        base = [*aiaudit, "gate", audit.name, "--policy", policy.name, "--today", "2026-11-25"]
        commands = {
            f"import floor (python -c '{FLOOR}')": ([sys.executable, "-c", FLOOR], (0,)),
            "aiaudit --version (CLI start-up)": ([*aiaudit, "--version"], (0,)),
            "aiaudit gate --policy preset:genai-baseline": (
                [*aiaudit, "gate", audit.name, "--policy", "preset:genai-baseline", "--today", "2026-11-25"],
                (0, 1),
            ),
            "aiaudit gate (all rule kinds, text)": (base, (0, 1)),
            "aiaudit gate (sarif + junit files)": ([*base, "-f", "sarif:out.sarif", "-f", "junit:out.xml"], (0, 1)),
        }
        real = folder / "real"
        real.mkdir()
        init = [*aiaudit, "init", "-n", "Bench", "--region", "EU", "--region", "KR", "-o", "real/audit.yaml"]
        if subprocess.run(init, cwd=folder, capture_output=True, env=child_env(), check=False).returncode == 0:
            commands["aiaudit gate on `aiaudit init` (built-in genai-baseline)"] = (
                [*aiaudit, "gate", "real/audit.yaml", "--policy", "preset:eu-ai-act-transparency", "--today", "2026-11-25"],
                (0, 1),
            )
        times = interleaved(commands, runs, folder, child_env())
    finally:
        if args.keep:
            print(f"generated files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    medians = {name: median(values) for name, values in times.items()}
    floor = medians[next(iter(commands))]
    print(f"aiaudit gate benchmark: {args.items}-item audit, {runs} cold runs each (median, min-max)")
    print(describe_python())
    for name, values in times.items():
        spread = f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"
        print(f"  {name:<62} {medians[name] * 1000:7.1f} ms  {spread}  {medians[name] / floor:4.2f}x floor")
    print("  (the example's commands against the same floor: benchmarks/commands.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
