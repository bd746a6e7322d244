"""Benchmark: peak memory and time of ``aiaudit report -o report.pdf`` as the audit grows.

    python benchmarks/pdf_memory.py [--sizes 100,500,2000] [--enforce]

Generates (as ``benchmarks/report.py`` does) audits of each size and runs one cold ``aiaudit
report`` per size under the memory wrapper (see _harness.py): the peak resident set of the aiaudit
process (RUSAGE_SELF, exact), the wall time and the number of pages. Target: the full PDF of a
2,000-item audit under 600 MiB. Reports above 700 items are laid out in parts (render/pdf.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import Targets, add_common_arguments, child_env, describe_python, measure_memory
from report import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,2000")
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="aiaudit-pdf-bench-"))
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            folder = work / f"n{n}"
            audit = generate(folder, n)
            mem = measure_memory(["report", str(audit), "-o", str(folder / "report.pdf")], folder, child_env())
            info = subprocess.run(["pdfinfo", str(folder / "report.pdf")], capture_output=True, text=True, check=False).stdout
            pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
            rows.append((n, mem.parent_mib, mem.wall, pages))
            print(f"{n:>6} items: peak {mem.parent_mib:.0f} MiB, {mem.wall:.1f} s, {pages} pages", flush=True)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(describe_python())
    targets = Targets()
    for n, peak, _wall, _pages in rows:
        if n >= 2000:
            targets.check(f"full PDF of a {n}-item audit under 600 MiB", f"{peak:.0f} MiB", peak < 600)
    return targets.report(args.enforce)


if __name__ == "__main__":
    sys.exit(main())
