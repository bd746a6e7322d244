"""Output equality: two installations of aiaudit must write byte-identical outputs for the same inputs.

    python benchmarks/equality.py --before /path/to/old/venv/bin/aiaudit [--after aiaudit] [--items 2000] [--teams 200]

The guard for every optimisation: on the shipped example, on a generated audit (``--items``) and
on a generated class (``--teams``), runs both ``aiaudit`` executables and compares, byte for byte:
``validate --format json``, ``status``, ``gate`` in every format (text, json, sarif, junit, gitlab),
the HTML, Markdown and JSON reports, and ``grade``'s grades.csv, overview.html and every feedback
page. ``SOURCE_DATE_EPOCH`` fixes the reports' generation time; JUnit's run timestamp is the one
field compared after masking. Exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import aiaudit_command, child_env
from grade import generate as generate_class

from gate import generate as generate_audit

ROOT = Path(__file__).resolve().parents[1]
MAX = ["--max-bytes", str(200 * 1024 * 1024)]


def _run(exe: list[str], args: list[str], cwd: Path, out: Path | None = None) -> None:
    env = child_env(SOURCE_DATE_EPOCH="1764028800")
    proc = subprocess.run([*exe, *args], cwd=cwd, env=env, capture_output=True, check=False)
    if out is not None:
        out.write_bytes(proc.stdout + b"\n--- exit " + str(proc.returncode).encode() + b"\n")


def _outputs(exe: list[str], folder: Path, tag: str, policy: str) -> None:
    o = folder / f"out-{tag}"
    o.mkdir()
    _run(exe, ["validate", "audit.yaml", "--format", "json", *MAX], folder, o / "validate.json")
    _run(exe, ["status", "audit.yaml", *MAX], folder, o / "status.txt")
    formats = [f"{fmt}:{o / ('gate.' + fmt)}" for fmt in ("text", "json", "sarif", "junit", "gitlab")]
    flags = [arg for f in formats for arg in ("-f", f)]
    _run(exe, ["gate", "audit.yaml", "--policy", policy, "--today", "2026-11-25", *MAX, *flags], folder)
    for ext in ("html", "md", "json"):
        _run(exe, ["report", "audit.yaml", "-o", str(o / f"report.{ext}"), *MAX], folder)
    junit = o / "gate.junit"
    if junit.exists():
        junit.write_text(re.sub(r'timestamp="[^"]*"', 'timestamp="-"', junit.read_text(encoding="utf-8")), encoding="utf-8")


def _compare(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"only in one: {n}" for n in cmp.left_only + cmp.right_only]
    for name in cmp.common_files:
        if (a / name).read_bytes() != (b / name).read_bytes():
            out.append(f"DIFFERENT: {a.name}/{name}")
    for sub in cmp.common_dirs:
        out += _compare(a / sub, b / sub)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the other aiaudit executable")
    parser.add_argument("--after", default=None, help="default: this interpreter's aiaudit")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=200)
    args = parser.parse_args(argv)
    before, after = [args.before], [args.after] if args.after else aiaudit_command()
    work = Path(tempfile.mkdtemp(prefix="aiaudit-equality-"))
    problems: list[str] = []
    try:
        cases = {"example": (ROOT / "examples" / "support-chatbot", "preset:genai-baseline")}
        generated = work / "generated"
        generated.mkdir()
        generate_audit(generated, args.items)
        cases[f"{args.items} items"] = (generated, "policy.yaml")
        for name, (source, policy) in cases.items():
            folder = work / name.replace(" ", "-")
            if source != folder:
                shutil.copytree(source, folder, dirs_exist_ok=True)
            for tag, exe in (("before", before), ("after", after)):
                _outputs(exe, folder, tag, policy)
            found = _compare(folder / "out-before", folder / "out-after")
            print(f"{name}: {'identical' if not found else '; '.join(found)} ({len(os.listdir(folder / 'out-after'))} outputs)")
            problems += found
        klass = work / "class"
        subs, rubric, overrides, _ = generate_class(klass, args.teams, 100)
        for tag, exe in (("before", before), ("after", after)):
            grade = ["grade", str(subs), "--rubric", str(rubric), "--overrides", str(overrides), "-o", str(klass / f"out-{tag}")]
            _run(exe, [*grade, "--jobs", "2"], klass)
        found = _compare(klass / "out-before", klass / "out-after")
        count = len(list((klass / "out-after" / "feedback").iterdir()))
        verdict = "identical" if not found else "; ".join(found[:10])
        print(f"class of {args.teams}: {verdict} (grades.csv, overview, {count} feedback pages)")
        problems += found
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
