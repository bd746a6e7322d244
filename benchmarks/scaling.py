"""Benchmark: do validate, gate, status and the HTML report stay linear from 500 to 10,000 items?

    python benchmarks/scaling.py [--sizes 500,1000,2000,5000,10000] [--runs 5] [--enforce]
    python benchmarks/scaling.py --instructions [--sizes 500,2000,10000]


For every size, generates (as ``benchmarks/gate.py`` does) a checklist of N items citing real
catalog clauses, an audit answering them (one evidence file every 10 items, hashed) and a policy
using every rule kind; then times cold processes (see _harness.py) of

    aiaudit validate audit.yaml            aiaudit status audit.yaml
    aiaudit gate audit.yaml --policy ...   aiaudit report audit.yaml -o report.html

The **marginal cost** of a size is its median minus the median of the same command on a
20-item audit (start-up and fixed work); the **cost per item** is that divided by N. The script
prints both, the ratio of the cost per item at the largest size to the one at the smallest, and
the exponent b of a least-squares fit of marginal cost = a * N**b (1.0 is linear).
Target: cost per item within 1.2x from the smallest to the largest size.

On a shared 2-core machine the smallest size's marginal cost (a few milliseconds over a fixed
cost of about 100) is mostly noise: ``--instructions`` counts each run's instructions with
valgrind's callgrind instead (one run per command and size: the count does not depend on what else
the machine is doing; about 7 minutes for the three default sizes).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _harness import (
    Targets,
    add_common_arguments,
    aiaudit_command,
    child_env,
    describe_python,
    fit_exponent,
    instructions,
    interleaved,
    median,
)

from gate import generate

BASE_ITEMS = 20
MAX_BYTES = str(200 * 1024 * 1024)  # the 10,000-item checklist is larger than the default 5 MiB limit


def commands(folder: Path) -> dict[str, tuple[list[str], tuple[int, ...]]]:
    aiaudit = aiaudit_command()
    audit = "audit.yaml"
    return {
        "validate": ([*aiaudit, "validate", audit, "--max-bytes", MAX_BYTES], (0, 1)),
        "gate": ([*aiaudit, "gate", audit, "--policy", "policy.yaml", "--today", "2026-11-25", "--max-bytes", MAX_BYTES], (0, 1)),
        "status": ([*aiaudit, "status", audit, "--max-bytes", MAX_BYTES], (0, 1)),
        "report html": ([*aiaudit, "report", audit, "-o", "report.html", "--max-bytes", MAX_BYTES], (0,)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000,10000")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command and size (median reported)")
    parser.add_argument("--only", default=None, help="comma-separated subset of: validate,gate,status,report html")
    parser.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of timing")
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.instructions and args.sizes == parser.get_default("sizes"):
        args.sizes = "500,2000,10000"
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")
    sizes = [int(s) for s in args.sizes.split(",")]
    unit, scale = ("instructions", 1.0) if args.instructions else ("us", 1e6)
    only = set(args.only.split(",")) if args.only else None

    work = Path(tempfile.mkdtemp(prefix="aiaudit-scaling-bench-"))
    env = child_env()
    medians: dict[str, dict[int, float]] = {}
    try:
        for n in [BASE_ITEMS, *sizes]:
            folder = work / f"n{n}"
            folder.mkdir()
            generate(folder, n)
            table = {k: v for k, v in commands(folder).items() if only is None or k in only}
            if args.instructions:
                # One uncounted run of each first: the generated checklist is then in aiaudit's cache, as
                # for every command after the first on a real audit (without it the first command counted
                # also parses and builds the checklist, or not, depending on what earlier runs left).
                times = instructions(table, folder, env, warmup=1)
                shown = ", ".join(f"{name} {v[0] / 1e6:.0f} M instructions" for name, v in times.items())
            else:
                runs = args.runs if n > BASE_ITEMS else max(args.runs, 7)
                times = interleaved(table, runs, folder, env)
                shown = ", ".join(f"{name} {median(v) * 1000:.0f} ms" for name, v in times.items())
            for name, values in times.items():
                medians.setdefault(name, {})[n] = median(values)
            print(f"{n:>6} items: {shown}", flush=True)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    how = "one run each, instructions (callgrind)" if args.instructions else f"{args.runs} cold runs each"
    print(f"\ncost per item (median minus the {BASE_ITEMS}-item run, divided by N), {how}")
    print(describe_python())
    header = "  " + f"{'command':<12}" + "".join(f"{n:>10}" for n in sizes) + "   ratio  exponent"
    print(header)
    targets = Targets()
    for name, by_size in medians.items():
        base = by_size[BASE_ITEMS]
        marginal = [max(by_size[n] - base, 1e-9) for n in sizes]
        per_item = [m / n * scale for m, n in zip(marginal, sizes, strict=True)]  # microseconds or instructions
        ratio = per_item[-1] / per_item[0]
        exponent = fit_exponent(sizes, marginal)
        cells = "".join(f"{p:>8.0f}us" if unit == "us" else f"{p / 1000:>9.0f}k" for p in per_item)
        print(f"  {name:<12}{cells}   {ratio:5.2f}  {exponent:8.2f}")
        goal = f"{name}: cost per item at {sizes[-1]} within 1.2x of {sizes[0]}"
        targets.check(goal, f"{ratio:.2f}x, exponent {exponent:.2f}", ratio <= 1.2)
    fixed = (lambda v: f"{v / 1e6:.0f} M instructions") if args.instructions else (lambda v: f"{v * 1000:.0f} ms")
    print("  (fixed cost, the 20-item run: " + ", ".join(f"{k} {fixed(v[BASE_ITEMS])}" for k, v in medians.items()) + ")")
    return targets.report(args.enforce)


if __name__ == "__main__":
    sys.exit(main())
