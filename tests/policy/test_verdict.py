"""One verdict: the report (HTML, PDF, Markdown, JSON), ``status`` and the gate show the same one, from the same engine."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.gate import run_gate
from aiaudit.policy.load import preset_names
from aiaudit.policy.verdict import DRAFT, NOT_READY, READY, READY_WITH_CONDITIONS, verdict_of
from aiaudit.render import ReportOptions, render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "support-chatbot"
TODAY = dt.date(2026, 12, 1)
WHEN = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
PRESETS = [f"preset:{name}" for name in preset_names()]
STATUSES = ("met", "partial", "not_met", "na", "unanswered")


def report_verdict(path: Path, policy: str) -> dict:
    data = json.loads(render("json", evaluate(load_audit(path)), "en", ReportOptions(generated=WHEN, policy=policy)))
    return data["verdict"]


def test_there_are_five_presets():
    assert len(PRESETS) == 5


@pytest.mark.parametrize("policy", PRESETS)
def test_the_shipped_example_has_one_verdict_in_report_and_gate(policy, tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    gate = run_gate(str(folder / "audit.yaml"), policy, today=TODAY)
    verdict = report_verdict(folder / "audit.yaml", policy)
    assert verdict["status"] == verdict_of(gate).status
    assert verdict["passed"] == gate.passed


def test_the_shipped_example_tells_one_story(tmp_path):
    """Classification, regions and answers agree; the notes are Korean; the verdict follows from the answers."""
    from aiaudit.cli.kinds import kinds
    from aiaudit.validation import validate_file

    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "audit.yaml"
    codes = {d.code for d in validate_file(path, kinds()).diagnostics}
    assert not codes & {"W402", "W403", "W404"}, codes
    ev = evaluate(load_audit(path))
    system = ev.audit.system
    classification = system["classification"]
    assert classification["eu_ai_act"]["in_scope"] is False and system["regions"] == ["KR"]
    assert classification["kr_ai_basic_act"]["in_scope"] and classification["kr_ai_basic_act"]["categories"] == ["generative"]
    assert system["risk_tier"] == classification["eu_ai_act"]["category"] == "limited"
    assert [r.item.id for r in ev.applicable if r.status == "unanswered"] == []
    for r in ev.applicable:
        hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in r.answer.notes)
        assert hangul > len(r.answer.notes) / 3, f"{r.item.id} is not answered in Korean"
    # Most things are done; the machine-readable marking (TR-02, critical) is only partly done, with its plan as
    # evidence, so the example is not ready under the baseline policy, and TR-02 is the first finding named.
    gate = run_gate(str(path), "preset:genai-baseline", today=TODAY)
    verdict = verdict_of(gate)
    assert verdict.status == NOT_READY and [r.id for r in gate.failed_rules] == ["must-meet/severity/critical"]
    assert "TR-02" in str(verdict.reasons[1])
    tr02 = next(r for r in ev.applicable if r.item.id == "TR-02")
    assert tr02.status == "partial" and tr02.answer.evidence


AUDIT_HEAD = """\
kind: audit
format: 1
checklists: [{id: genai-baseline}]
system:
  name: Generated
  modalities: [text]
  regions: [KR, EU]
  role: provider
  risk_tier: limited
signoff:
  - {name: Kim, date: "2026-11-20"}
answers:
"""


@pytest.fixture(scope="module")
def item_ids() -> list[str]:
    path = EXAMPLE / "audit.yaml"
    return [r.item.id for r in evaluate(load_audit(path)).results if r.applicable]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_report_verdict_equals_gate_result_on_generated_audits(data, item_ids, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    chosen = data.draw(st.lists(st.sampled_from(item_ids), unique=True, max_size=len(item_ids)))
    lines = []
    for item in chosen:
        status = data.draw(st.sampled_from(STATUSES))
        lines.append(f"  {item}: {{status: {status}, notes: 'reviewed by the team for {item}', date: '2026-11-20'}}\n")
    path = folder / "audit.yaml"
    path.write_text(AUDIT_HEAD + ("".join(lines) or "  {}\n"), encoding="utf-8")
    policy = data.draw(st.sampled_from(PRESETS))
    gate = run_gate(str(path), policy, today=TODAY)
    verdict = report_verdict(path, policy)
    assert verdict["status"] == verdict_of(gate).status
    assert verdict["passed"] == gate.passed == (verdict["status"] in (READY, READY_WITH_CONDITIONS))
    ev = evaluate(load_audit(path))
    critical_not_met = any(r.item.severity == "critical" and r.status in ("not_met", "partial") for r in ev.applicable)
    if critical_not_met:
        assert verdict["status"] != READY
    if any(r.status == "unanswered" for r in ev.applicable):
        assert verdict["draft"] and verdict["status"] in (DRAFT, NOT_READY)


def test_a_critical_not_met_is_never_ready_even_when_the_policy_forgets_it(tmp_path):
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    audit = folder / "audit.yaml"
    ev = evaluate(load_audit(audit))
    critical = next(r.item.id for r in ev.applicable if r.item.severity == "critical")
    lenient = folder / "lenient.yaml"
    lenient.write_text("kind: policy\nid: lenient\nrules:\n  min_score: {overall: 0}\n", encoding="utf-8")
    text = audit.read_text(encoding="utf-8")
    answers = "".join(
        f"  {r.item.id}: {{status: {'not_met' if r.item.id == critical else 'met'}, notes: ok}}\n" for r in ev.applicable
    )
    head = text[: text.index("\nanswers:") + 1]  # the top-level key; system.classification has its own answers:
    audit.write_text(head + "answers:\n" + answers, encoding="utf-8")
    gate = run_gate(str(audit), str(lenient), today=TODAY)
    verdict = verdict_of(gate)
    assert gate.passed and verdict.status == READY_WITH_CONDITIONS
    assert critical in str(verdict.reasons[0])


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_partial_draft_is_marked_draft(fmt, tmp_path):
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    audit = folder / "audit.yaml"
    text = audit.read_text(encoding="utf-8")
    audit.write_text(text[: text.index("\nanswers:") + 1] + "answers: {}\n", encoding="utf-8")
    out = render(fmt, evaluate(load_audit(audit)), "en", ReportOptions(generated=WHEN)).decode("utf-8")
    if fmt == "json":
        verdict = json.loads(out)["verdict"]
        assert verdict["draft"] and verdict["unanswered"] > 50
    else:
        assert "DRAFT:" in out and "not a final report" in out


def test_a_draft_pdf_says_draft_on_every_page(tmp_path):
    import subprocess

    folder = tmp_path / "ex"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", folder)
    audit = folder / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("  ACC-01:\n    status: not_met\n", ""), encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render("pdf", evaluate(load_audit(audit)), "en", ReportOptions(generated=WHEN)))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 2
    assert all("DRAFT" in page for page in pages), [n for n, p in enumerate(pages, 1) if "DRAFT" not in p]
