"""Benchmark: the everyday commands on the shipped example against the import floor (cold processes).

    python benchmarks/commands.py [--runs 15] [--enforce] [--example examples/support-chatbot/audit.yaml]
    python benchmarks/commands.py --instructions

Times, interleaved and in fresh processes (see _harness.py), on ``examples/support-chatbot``:
``aiaudit validate``, ``status``, ``gate`` (text, and SARIF + JUnit files) and ``report`` (HTML),
against two floors that do the least these commands must do:

* **import floor** ``python -c "import yaml, click, jsonschema_rs"``: every one of these commands
  parses YAML (PyYAML with libyaml), is a click command line, and checks the audit against its
  JSON Schema (jsonschema-rs; a valid audit never needs the pure-Python ``jsonschema``). It is the
  floor of ``validate``, ``status`` and ``gate``. Target: at most 1.3x.
* **HTML floor**: the same plus ``jinja2`` and ``markdown_it``, which the HTML report needs for its
  template and for the answers' Markdown notes. Target: the HTML report at most 2x.

A third line, the **reading floor**, is printed for reference and checks no target: the import
floor plus what any program that trusts this audit must do with it, reading it with PyYAML's own
``CSafeLoader`` (no positions, no limits) and checking it against the audit schema with
jsonschema-rs (``aiaudit schema audit``, written before the runs; dates turned to strings through
``json`` first, as jsonschema-rs takes JSON values). It shows how much of the 1.3x budget the
example's 68 KB of YAML uses before aiaudit does any of its own work.

``python -c pass`` (the interpreter alone) and ``aiaudit --version`` are printed for reference.
The targets are checked on the median wall times; the CPU times (user + system) are printed
beside them, as they vary less when other work shares the machine. ``--instructions`` counts one
run of each with valgrind's callgrind instead (after two uncounted runs fill aiaudit's cache) and
checks the targets on those counts, which do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import Targets, add_common_arguments, aiaudit_command, child_env, describe_python, instructions, interleaved, median

ROOT = Path(__file__).resolve().parents[1]
IMPORT_FLOOR = "import yaml, click, jsonschema_rs"
HTML_FLOOR = "import yaml, click, jsonschema_rs, jinja2, markdown_it"
#: The reading floor's program (see the module's docstring); {audit} and {schema} are file names.
READING_FLOOR = (
    "import yaml, click, jsonschema_rs, json\n"
    "with open({audit!r}, 'rb') as f:\n"
    "    data = yaml.load(f, Loader=yaml.CSafeLoader)\n"
    "with open({schema!r}, encoding='utf-8') as f:\n"
    "    validator = jsonschema_rs.validator_for(json.load(f))\n"
    "assert validator.is_valid(json.loads(json.dumps(data, default=str)))\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (median reported)")
    parser.add_argument("--example", default=str(ROOT / "examples" / "support-chatbot" / "audit.yaml"))
    parser.add_argument("--policy", default="preset:genai-baseline")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run with AIAUDIT_NO_CACHE=1 (built checklists, catalog, presets and messages not kept): a first run",
    )
    parser.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of timing")
    add_common_arguments(parser)
    args = parser.parse_args(argv)

    example = Path(args.example).resolve()
    work = Path(tempfile.mkdtemp(prefix="aiaudit-commands-bench-"))
    try:
        shutil.copytree(example.parent, work / "example")
        cwd = work / "example"
        audit = example.name
        aiaudit = aiaudit_command()
        schema = "reading-floor.schema.json"
        written = subprocess.run([*aiaudit, "schema", "audit"], cwd=cwd, capture_output=True, check=True)
        (cwd / schema).write_bytes(written.stdout)
        reading = READING_FLOOR.format(audit=audit, schema=schema)
        gate = [*aiaudit, "gate", audit, "--policy", args.policy, "--today", "2026-11-25"]
        commands = {
            "python -c pass (the interpreter)": ([sys.executable, "-c", "pass"], (0,)),
            f"import floor: python -c '{IMPORT_FLOOR}'": ([sys.executable, "-c", IMPORT_FLOOR], (0,)),
            f"HTML floor: python -c '{HTML_FLOOR}'": ([sys.executable, "-c", HTML_FLOOR], (0,)),
            "reading floor: import floor + yaml.load + schema check": ([sys.executable, "-c", reading], (0,)),
            "aiaudit --version": ([*aiaudit, "--version"], (0,)),
            "aiaudit validate": ([*aiaudit, "validate", audit], (0,)),
            "aiaudit status": ([*aiaudit, "status", audit], (0,)),
            "aiaudit gate (text)": (gate, (0, 1)),
            "aiaudit gate (sarif + junit files)": ([*gate, "-f", "sarif:out.sarif", "-f", "junit:out.xml"], (0, 1)),
            "aiaudit report -o report.html": ([*aiaudit, "report", audit, "-o", "report.html"], (0,)),
        }
        env = child_env(AIAUDIT_NO_CACHE="1") if args.no_cache else child_env()
        if not args.no_cache:
            env.pop("AIAUDIT_NO_CACHE", None)
        cpu: dict[str, list[float]] = {}
        if args.instructions:
            times = instructions(commands, cwd, env, warmup=2)
            cpu = times
        else:
            times = interleaved(commands, max(args.runs, 5), cwd, env, warmup=2, cpu=cpu)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    medians = {name: median(values) for name, values in times.items()}
    cpu_medians = {name: median(values) for name, values in cpu.items()}
    names = list(commands)
    floor, html_floor = medians[names[1]], medians[names[2]]
    cpu_floor, cpu_html_floor = cpu_medians[names[1]], cpu_medians[names[2]]
    how = "instructions of one run each (callgrind)" if args.instructions else f"{args.runs} cold runs each"
    print(f"commands on {example.relative_to(ROOT) if example.is_relative_to(ROOT) else example}: {how}")
    print(describe_python())
    print("aiaudit's cache: " + ("off (AIAUDIT_NO_CACHE=1)" if args.no_cache else "on (filled by the warm-up runs)"))
    targets = Targets()
    for name, values in times.items():
        base = html_floor if "html" in name and name.startswith("aiaudit report") else floor
        ratio = medians[name] / base
        if args.instructions:
            line = f"  {name:<66} {medians[name] / 1e6:6.1f} M instructions"
        else:
            line = f"  {name:<66} {medians[name] * 1000:6.1f} ms ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"
            line += f"  CPU {cpu_medians[name] * 1000:6.1f} ms"
        if name.startswith("reading floor"):
            line += f"  {ratio:4.2f}x import floor (reference: no target)"
        if name.startswith("aiaudit") and name != "aiaudit --version":
            cpu_ratio = cpu_medians[name] / (cpu_html_floor if base is html_floor else cpu_floor)
            line += f"  {ratio:4.2f}x {'HTML floor' if base is html_floor else 'import floor'}"
            line += "" if args.instructions else f" (CPU {cpu_ratio:4.2f}x)"
            limit = 2.0 if base is html_floor else 1.3
            targets.check(f"{name} <= {limit}x its floor", f"{ratio:.2f}x", ratio <= limit)
        print(line)
    if args.keep:
        print(f"kept {work}")
    return targets.report(args.enforce)


if __name__ == "__main__":
    sys.exit(main())
