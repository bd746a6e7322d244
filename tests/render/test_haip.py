"""The HAIP reporting draft: an audit's answers along the 7 sections of the OECD HAIP Reporting Framework."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.render.haip import SECTIONS, sections

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "music-startup"


def test_every_section_is_there_in_order(invoke, tmp_path):
    out = tmp_path / "haip.md"
    result = invoke("haip", EXAMPLE / "audit.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert [h.split(":")[0] for h in headings] == [f"## HAIP Reporting Framework, section {n}" for n in range(1, 8)]
    assert "Wrote" in result.stderr and "open item" in result.stderr


def test_answers_go_under_their_section_and_open_items_become_gaps():
    ev = evaluate(load_audit(EXAMPLE / "audit.yaml"))
    parts = {s.clause_id: s for s in sections(ev)}
    assert list(parts) == list(SECTIONS)
    for section in parts.values():
        wanted = {section.clause_id, *section.related}
        for r in section.answers + section.gaps:
            assert wanted & set(r.item.refs) and r.applicable
        assert all(r.status in ("met", "partial") for r in section.answers)
        assert all(r.status in ("not_met", "unanswered", "na") for r in section.gaps)
    assert any(s.answers for s in parts.values())


def test_html_and_json_and_korean(invoke, tmp_path):
    html = tmp_path / "haip.html"
    assert invoke("haip", EXAMPLE / "audit.yaml", "-o", html, "--lang", "ko").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert page.count('<section id="G7-HAIP-RF-') == 7 and "HAIP 보고서 초안" in page and "<script" not in page
    data = json.loads(invoke("haip", EXAMPLE / "audit.yaml", "-o", "-", "-f", "json").stdout)
    assert [s["id"] for s in data["sections"]] == list(SECTIONS)


def test_hostile_notes_stay_text(invoke, tmp_path):
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    audit = folder / "audit.yaml"
    ev = evaluate(load_audit(audit))
    target = next(r.item.id for s in sections(ev) for r in s.answers)
    assert (
        invoke("answer", audit, target, "-n", "<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://x/i.png)").exit_code
        == 0
    )
    page = tmp_path / "h.html"
    assert invoke("haip", audit, "-o", page).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "<script>alert" not in text and 'href="javascript' not in text and "<img" not in text
    md = invoke("haip", audit, "-o", "-").stdout
    assert "<script>" not in md and "\\](javascript:" in md  # the brackets are escaped: no link
