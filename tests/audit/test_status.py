"""`aiaudit status`: progress per section, unanswered critical items, the next item; text and JSON."""

from __future__ import annotations

import json

import pytest

from aiaudit.audit.load import load_audit
from aiaudit.audit.status import progress


@pytest.fixture
def partly(mini):
    """The mini audit with images (TR-02, critical, applies) and two open items."""
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("modalities: [text]", "modalities: [text, image]")
    text = text.replace("  SEC-01:\n    status: partial\n    notes: Tested manually only.\n", "")
    path.write_text(text, encoding="utf-8")
    return path


def test_progress_model(partly):
    p = progress(load_audit(partly))
    assert (p.answered, p.applicable, p.not_applicable) == (3, 5, 0)
    assert p.percent == 60.0
    assert [(s.id, s.answered, s.applicable) for s in p.sections] == [
        ("transparency", 1, 2),
        ("safety", 1, 2),
        ("accountability", 1, 1),
    ]
    assert [r.item.id for r in p.unanswered_critical] == ["TR-02"]
    assert p.next.item.id == "TR-02"
    assert [r.item.id for r in p.pending] == ["TR-02", "SEC-01"]


def test_status_text(partly, invoke):
    result = invoke("status", partly)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{partly}: 상담봇 Mini" in out
    assert "Progress: 3 of 5 applicable items answered (60%); 0 items do not apply." in out
    assert "Transparency           1/2   [##########----------]" in out
    assert "Accountability         1/1   [####################]" in out
    assert "Unanswered critical items (1):\n  - TR-02: Are generated images marked as AI-generated?" in out
    assert "Next item: TR-02: Are generated images marked as AI-generated?" in out
    assert f"Continue with `aiaudit fill {partly}`." in out
    assert "Not classified yet" in out


def test_status_json(partly, invoke):
    result = invoke("status", partly, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["answered"] == 3 and data["applicable"] == 5 and data["complete"] is False
    assert data["sections"][0] == {"id": "transparency", "title": "Transparency", "answered": 1, "applicable": 2}
    assert data["unanswered_critical"] == [
        {
            "id": "TR-02",
            "section": "transparency",
            "severity": "critical",
            "question": "Are generated images marked as AI-generated?",
        }
    ]
    assert data["next"]["id"] == "TR-02"
    assert data["risk_tier"] == "limited" and data["classified"] is False


def test_status_korean(partly, invoke):
    result = invoke("status", partly, "--lang", "ko")
    out = result.stdout
    assert "진행: 해당 항목 5개 중 3개 답변(60%)" in out
    # wide Korean titles stay aligned: every bar starts in the same column
    bars = [line.index("[") for line in out.splitlines() if line.endswith("]") and "/" in line]
    assert len(bars) == 3
    import unicodedata

    widths = [
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i])
        for line, i in ((ln, ln.index("[")) for ln in out.splitlines() if ln.endswith("]") and "/" in ln)
    ]
    assert len(set(widths)) == 1
    assert "다음 항목: TR-02: 생성된 이미지에 AI 생성물 표시를 합니까?" in out
    data = json.loads(invoke("status", partly, "--format", "json", "--lang", "ko").stdout)
    assert data["sections"][0]["title"] == "투명성"


def test_complete_audit(mini, invoke):
    result = invoke("status", mini / "audit.yaml")
    assert "All applicable items are answered." in result.stdout
    assert "Unanswered critical items: none." in result.stdout
    data = json.loads(invoke("status", mini / "audit.yaml", "--format", "json").stdout)
    assert data["next"] is None and data["complete"] is True and data["not_applicable"] == 1


def test_status_reports_problems_but_still_shows_progress(mini, invoke):
    (mini / "evidence" / "notice.txt").unlink()
    result = invoke("status", mini / "audit.yaml")
    assert result.exit_code == 0
    assert "error[E403]" in result.stderr
    assert "4 of 4" in result.stdout


def test_unusable_audit(mini, invoke):
    path = mini / "audit.yaml"
    path.write_text("kind: audit\nformat: 1\n", encoding="utf-8")
    result = invoke("status", path)
    assert result.exit_code == 1
    assert "error[E203]" in result.stderr
    result = invoke("status", mini / "missing.yaml")
    assert result.exit_code == 2
    assert "error[E001]" in result.stderr


def test_the_laws_line_counts_undetermined_clauses_as_the_standings_do(mini):
    """status's quick count of clauses waiting for a classification equals the full standing's."""
    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit

    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    counts = []
    for system in (text, text.replace("regions: [KR]", "regions: [EU, KR]"), text.replace("  risk_tier: limited\n", "")):
        path.write_text(system, encoding="utf-8")
        quick, full = evaluate(load_audit(path)), evaluate(load_audit(path))
        cited = full.cited_frameworks()
        assert cited
        got = [quick.undetermined_count(f) for f in cited]
        assert got == [len(full.standing(f).undetermined) for f in cited]
        counts.append(sum(got))
    assert any(counts)  # some variant leaves clauses waiting for a classification
