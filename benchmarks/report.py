"""Benchmark the report renderers on the shipped example and on a generated 500-item audit; prints figures, asserts nothing.

    python benchmarks/report.py [--items 500] [--runs 7] [--pdf-runs 5] [--lang en|ko] [--skip-500]

For the shipped example (``examples/support-chatbot``) and for a generated audit of ``--items``
items (10 sections, real clause references from the catalog, bilingual text, mixed statuses,
Markdown notes, a few evidence files), it times:

* the PDF in its default form (the deliverable) and with ``--full`` (the long annexes added): the
  median of ``--pdf-runs`` in-process renders (wall and CPU time; WeasyPrint already imported,
  fonts loaded), the page count and the time per page;
* the whole command for the example's default PDF, ``python -m aiaudit report ... -o x.pdf``,
  as a user runs it (interpreter start, imports, evaluation, render, write);
* for the generated audit also: load + evaluate, HTML, Markdown, JSON (medians of ``--runs``), bare
  WeasyPrint on the very same HTML (what aiaudit adds on top of layout), and peak memory.

CPU time is printed beside wall time: on a shared machine wall time depends on the load, CPU time
much less. Runs of the two PDF forms are interleaved so drifting load affects both alike. The
script also runs against an older checkout (``PYTHONPATH=old/src``): a version without ``--full``
has one form, reported as "full".
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

from aiaudit.model import PRINCIPLES

STATUSES = ["met", "met", "met", "partial", "not_met", "na", "unanswered", "met", "partial", "met"]
SEVERITIES = ["critical", "high", "high", "medium", "medium", "medium", "low", "low"]


def generate(folder: Path, n_items: int = 500, sections: int = 10) -> Path:
    """Write a checklist of ``n_items`` items and an audit answering them; return the audit's path."""
    from aiaudit.library.catalog import clause_index

    clauses = sorted(clause_index())
    per = max(1, n_items // sections)
    checklist_sections = []
    answers = {}
    (folder / "evidence").mkdir(parents=True, exist_ok=True)
    evidence_files = []
    for k in range(5):
        path = folder / "evidence" / f"doc-{k}.txt"
        path.write_text(f"evidence document {k}\n" * 50, encoding="utf-8")
        evidence_files.append((f"evidence/{path.name}", hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size))
    n = 0
    for s in range(sections):
        items = []
        count = per if s < sections - 1 else n_items - per * (sections - 1)
        for i in range(count):
            n += 1
            item_id = f"BM{s:02d}-{i + 1:03d}"
            refs = sorted({clauses[(n * 7) % len(clauses)], clauses[(n * 13 + 5) % len(clauses)]})
            items.append(
                {
                    "id": item_id,
                    "question": {
                        "en": f"Is control {n} documented, tested and reviewed at least once a year by the owner?",
                        "ko": f"통제 {n}을(를) 문서화하고 시험하며 책임자가 매년 한 번 이상 검토합니까?",
                    },
                    "guidance": {"en": "A dated review record.", "ko": "일자가 적힌 검토 기록입니다."},
                    "severity": SEVERITIES[n % len(SEVERITIES)],
                    "weight": 1 + n % 3,
                    "refs": refs,
                    "remediation": {
                        "en": f"Document control {n}, test it and schedule an annual review.",
                        "ko": f"통제 {n}을(를) 문서화하고 시험한 뒤 연간 검토 일정을 잡으십시오.",
                    },
                }
            )
            status = STATUSES[n % len(STATUSES)]
            answer = {"status": status}
            if status != "unanswered":
                answer["notes"] = (
                    f"Reviewed on **2026-10-{1 + n % 28:02d}**. See the [runbook](https://example.org/runbook/{n}).\n\n"
                    f"- owner: team {n % 9}\n- next review: 2027"
                )
                answer["answered_by"] = f"member{n % 12}@example.org"
                answer["date"] = "2026-11-20"
            if n % 25 == 0:
                path, sha, size = evidence_files[n % len(evidence_files)]
                answer["evidence"] = [{"path": path, "sha256": sha, "size": size}]
            answers[item_id] = answer
        checklist_sections.append(
            {
                "id": f"section-{s}",
                "principle": PRINCIPLES[s % len(PRINCIPLES)],
                "title": {"en": f"Section {s + 1}", "ko": f"영역 {s + 1}"},
                "items": items,
            }
        )
    checklist = {
        "kind": "checklist",
        "id": "bench",
        "version": "1.0.0",
        "title": {"en": "Benchmark checklist", "ko": "벤치마크 점검표"},
        "description": {"en": f"{n_items} generated items.", "ko": f"생성한 항목 {n_items}개입니다."},
        "sections": checklist_sections,
    }
    audit = {
        "kind": "audit",
        "format": 1,
        "checklists": [{"path": "bench-checklist.yaml"}],
        "system": {
            "name": "벤치마크 시스템",
            "owner": "Bench team",
            "purpose": "Benchmark of the report renderers",
            "modalities": ["text"],
            "regions": ["KR", "EU"],
        },
        "answers": answers,
        "signoff": [{"name": "Kim", "role": "Lead", "date": "2026-11-21"}],
    }
    dump = {"allow_unicode": True, "sort_keys": False, "width": 120}
    (folder / "bench-checklist.yaml").write_text(yaml.safe_dump(checklist, **dump), encoding="utf-8")
    path = folder / "audit.yaml"
    path.write_text(yaml.safe_dump(audit, **dump), encoding="utf-8")
    return path


ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support-chatbot" / "audit.yaml"


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _pages(pdf: bytes) -> int:
    """The page count, from poppler's pdfinfo (0 when it is not installed)."""
    import re
    import shutil

    if shutil.which("pdfinfo") is None:
        return 0
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False)
    found = re.search(rb"^Pages:\s+(\d+)", done.stdout, re.M)
    return int(found.group(1)) if found else 0


def _options(full: bool):
    """Report options for a PDF form; None when this version of aiaudit has no --full (a single form)."""
    from aiaudit.render import ReportOptions

    fields = {f.name for f in dataclasses.fields(ReportOptions)}
    if "full" in fields:
        return ReportOptions(full=full)
    return ReportOptions() if full else None


def pdf_forms(evaluation, lang: str, runs: int) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds, pages and size of the default and the full PDF (interleaved runs)."""
    from aiaudit.render import render

    forms = {name: opts for name, opts in (("default", _options(False)), ("full", _options(True))) if opts is not None}
    for opts in forms.values():
        render("pdf", evaluation, lang, opts)  # warm-up: imports, fonts
    wall: dict[str, list[float]] = {n: [] for n in forms}
    cpu: dict[str, list[float]] = {n: [] for n in forms}
    data: dict[str, bytes] = {}
    for _ in range(runs):
        for name, opts in forms.items():
            w, c = time.perf_counter(), time.process_time()
            data[name] = render("pdf", evaluation, lang, opts)
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    out = {}
    for name in forms:
        pages = _pages(data[name])
        out[name] = {
            "wall": statistics.median(wall[name]),
            "cpu": statistics.median(cpu[name]),
            "pages": pages,
            "kib": len(data[name]) / 1024,
        }
    return out


def command_wall(audit: Path, lang: str, runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (children) of ``python -m aiaudit report AUDIT -o x.pdf``."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory(prefix="aiaudit-bench-cli-") as tmp:
        out = Path(tmp) / "report.pdf"
        cmd = [sys.executable, "-m", "aiaudit", "report", str(audit), "-o", str(out), "--lang", lang]
        env = dict(os.environ, AIAUDIT_LANG=lang)
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def _print_forms(title: str, forms: dict[str, dict[str, float]], runs: int) -> None:
    for name, f in forms.items():
        per_page = f["wall"] / f["pages"] if f["pages"] else 0
        print(
            f"{title} PDF {name:<8} median {f['wall']:.2f} s wall, {f['cpu']:.2f} s CPU over {runs} runs; "
            f"{f['pages']} pages ({per_page:.3f} s a page), {f['kib']:.0f} KiB"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--lang", choices=["en", "ko"], default="en")
    parser.add_argument("--skip-500", action="store_true", help="only the shipped example")
    args = parser.parse_args(argv)

    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions, render
    from aiaudit.render.data import build
    from aiaudit.render.html import render_report

    lang = args.lang
    print(f"aiaudit report benchmark: lang {lang}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    example = evaluate(load_audit(EXAMPLE))
    forms = pdf_forms(example, lang, args.pdf_runs)
    _print_forms("example", forms, args.pdf_runs)
    wall, cpu = command_wall(EXAMPLE, lang, max(3, args.pdf_runs))
    print(f"example command   `aiaudit report ... -o report.pdf` (default form): median {wall:.2f} s wall, {cpu:.2f} s CPU")

    if args.skip_500:
        return 0
    with tempfile.TemporaryDirectory(prefix="aiaudit-bench-") as tmp:
        audit_path = generate(Path(tmp), args.items)
        size = audit_path.stat().st_size
        start = time.perf_counter()
        evaluation = evaluate(load_audit(audit_path))
        load_s = time.perf_counter() - start
        options = ReportOptions()

        html_times = _time(lambda: render("html", evaluation, lang, options), args.runs)
        html = render("html", evaluation, lang, options)
        md_times = _time(lambda: render("md", evaluation, lang, options), args.runs)
        json_times = _time(lambda: render("json", evaluation, lang, options), args.runs)
        big = pdf_forms(evaluation, lang, max(1, args.pdf_runs // 2))

        import weasyprint

        full = _options(True)
        pdf_html = render_report(build(evaluation, lang, full), lang, full, mode="pdf")
        bare = statistics.median(_time(lambda: weasyprint.HTML(string=pdf_html).write_pdf(), max(1, args.pdf_runs // 2)))

        html_peak = _peak(lambda: render("html", evaluation, lang, options))
        pdf_peak = _peak(lambda: render("pdf", evaluation, lang, full))
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"{args.items} items: audit YAML {size / 1024:.0f} KiB; load + validate + evaluate {load_s * 1000:.0f} ms")
    html_ms = statistics.median(html_times) * 1000
    print(f"HTML              median {html_ms:.0f} ms over {args.runs} runs ({len(html) / 1024:.0f} KiB)")
    print(f"Markdown / JSON   median {statistics.median(md_times) * 1000:.0f} / {statistics.median(json_times) * 1000:.0f} ms")
    _print_forms(f"{args.items} items", big, max(1, args.pdf_runs // 2))
    print(f"bare WeasyPrint   full form's HTML, median {bare:.2f} s; ratio aiaudit/bare {big['full']['wall'] / bare:.2f}")
    print(f"peak Python memory HTML {html_peak / 2**20:.1f} MiB, full PDF {pdf_peak / 2**20:.1f} MiB (tracemalloc)")
    print(f"peak process RSS  {rss_kb / 1024:.0f} MiB (ru_maxrss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
