"""Benchmark the report renderers on a generated 500-item audit; prints figures, asserts nothing.

    python benchmarks/report.py [--items 500] [--runs 7] [--pdf-runs 3] [--lang en|ko]

Generates a checklist of N items (10 sections, real clause references from the catalog, bilingual
text) and an audit answering all of them (mixed statuses, Markdown notes, a few evidence files)
in a temporary folder, then times:

* load + evaluate (YAML, schema, model, scoring);
* HTML: median of ``--runs`` renders (ms);
* PDF: median of ``--pdf-runs`` renders (s), aiaudit's full path (locked fetcher, embedded audit);
* bare WeasyPrint rendering the very same HTML (default fetcher, no attachment): the ratio shows
  what aiaudit adds on top of layout;
* peak memory: Python allocations (tracemalloc) of one HTML and one PDF render, and the process's
  maximum resident set size (resource.getrusage).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--lang", choices=["en", "ko"], default="en")
    args = parser.parse_args(argv)

    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions, render
    from aiaudit.render.data import build
    from aiaudit.render.html import render_report

    with tempfile.TemporaryDirectory(prefix="aiaudit-bench-") as tmp:
        audit_path = generate(Path(tmp), args.items)
        size = audit_path.stat().st_size
        start = time.perf_counter()
        evaluation = evaluate(load_audit(audit_path))
        load_s = time.perf_counter() - start
        options = ReportOptions()
        lang = args.lang

        html_times = _time(lambda: render("html", evaluation, lang, options), args.runs)
        html = render("html", evaluation, lang, options)
        md_times = _time(lambda: render("md", evaluation, lang, options), args.runs)
        json_times = _time(lambda: render("json", evaluation, lang, options), args.runs)

        import weasyprint

        pdf_html = render_report(build(evaluation, lang, options), lang, options, mode="pdf")
        pdf = render("pdf", evaluation, lang, options)  # warm-up (fonts, imports)
        # interleaved, so drifting machine load affects both the same way
        pdf_times, bare_times = [], []
        for _ in range(args.pdf_runs):
            pdf_times += _time(lambda: render("pdf", evaluation, lang, options), 1)
            bare_times += _time(lambda: weasyprint.HTML(string=pdf_html).write_pdf(), 1)
        pages = len(weasyprint.HTML(string=pdf_html).render().pages)

        html_peak = _peak(lambda: render("html", evaluation, lang, options))
        pdf_peak = _peak(lambda: render("pdf", evaluation, lang, options))
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    html_ms = statistics.median(html_times) * 1000
    pdf_s = statistics.median(pdf_times)
    bare_s = statistics.median(bare_times)
    print(f"aiaudit report benchmark: {args.items} items, lang {lang}, Python {sys.version.split()[0]}")
    print(f"audit YAML            {size / 1024:.0f} KiB; load + validate + evaluate {load_s * 1000:.0f} ms")
    print(f"HTML                  median {html_ms:.0f} ms over {args.runs} runs ({len(html) / 1024:.0f} KiB)")
    print(f"Markdown              median {statistics.median(md_times) * 1000:.0f} ms")
    print(f"JSON                  median {statistics.median(json_times) * 1000:.0f} ms")
    print(f"PDF (aiaudit)         median {pdf_s:.2f} s over {args.pdf_runs} runs ({len(pdf) / 1024:.0f} KiB, {pages} pages)")
    print(f"PDF (bare WeasyPrint) median {bare_s:.2f} s on the same HTML; ratio aiaudit/bare {pdf_s / bare_s:.2f}")
    print(f"peak Python memory    HTML {html_peak / 2**20:.1f} MiB, PDF {pdf_peak / 2**20:.1f} MiB (tracemalloc)")
    print(f"peak process RSS      {rss_kb / 1024:.0f} MiB (ru_maxrss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
