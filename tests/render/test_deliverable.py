"""The report as a deliverable: the engagement on the cover, the auditor's findings, scope and method,
`report` without -o on a terminal, --full, and the progress line while a PDF renders."""

from __future__ import annotations

import io
import json
import logging

import click.testing
import pytest

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.render import ReportOptions, render
from aiaudit.schemas import validator

from .conftest import deliverable_example


@pytest.fixture
def data(example) -> dict:
    return json.loads(render("json", evaluate(load_audit(example)), "en", ReportOptions()))


def test_json_report_carries_the_engagement_policy_and_method(data):
    assert list(validator("report").iter_errors(data)) == []
    assert data["format"] == 3
    e = data["engagement"]
    assert e["organisation"] == "Haneul Telecom Co., Ltd. (하늘텔레콤)"
    assert e["period"] == {"from": "2026-10-01", "to": "2026-11-30", "source": "engagement"}
    assert e["version"] == "1.0" and e["confidentiality"].startswith("Confidential")
    assert e["prepared_by"] == ["Kim Minji (CX AI lead)", "Park Jisoo"] and e["prepared_by_source"] == "engagement"
    assert e["scope_source"] == "engagement" and e["exclusions"]
    assert e["signed"] is True and e["latest_signoff"]
    assert e["status"] == ("draft" if data["verdict"]["draft"] else "final")
    policy = data["policy"]
    assert policy["id"] == "genai-baseline" and policy["min_overall"] == 70
    method = data["method"]
    assert "eu-ai-act" in method["frameworks_not_in_scope"] and "kr-ai-basic-act" in method["frameworks_in_scope"]
    assert method["out_of_scope_items"] and method["justified_na"]
    failed = [r for r in data["verdict"]["rules"] if r["outcome"] == "fail" and r["id"] != "complete"]
    assert all(r["items"] for r in failed)  # each failed rule names the items that break it


def test_findings_carry_the_auditors_fields(data):
    tr02 = next(f for f in data["findings"] if f["id"] == "TR-02")
    assert tr02["owner"] == "Lee Seojun (platform)" and tr02["due"] == "2026-12-20"
    assert tr02["remediation_status"] == "in_progress" and tr02["observation"].startswith("Chat transcripts carry")
    assert tr02["management_response"].startswith("Agreed.") and tr02["risk"] and tr02["recommendation"]
    other = next(f for f in data["findings"] if f["id"] != "TR-02")
    assert other["owner"] is None and other["due"] is None and other["overdue_days"] is None


def test_an_overdue_remediation_is_counted_from_the_report_date(example):
    import datetime as dt

    when = dt.datetime(2027, 1, 9, tzinfo=dt.timezone.utc)
    ev = evaluate(load_audit(example))
    data = json.loads(render("json", ev, "en", ReportOptions(generated=when)))
    tr02 = next(f for f in data["findings"] if f["id"] == "TR-02")
    assert tr02["overdue_days"] == 20
    html = render("html", ev, "en", ReportOptions(generated=when)).decode()
    assert "20 days overdue" in html


def test_a_profile_without_engagement_falls_back_to_the_answers(mini):
    data = json.loads(render("json", evaluate(load_audit(mini / "audit.yaml")), "en", ReportOptions()))
    e = data["engagement"]
    assert e["organisation"] is None and e["scope_source"] == "derived" and "mini 1.0.0" in e["scope"]
    assert e["period"]["source"] == "answers" and e["prepared_by_source"] == "answers"
    html = render("html", evaluate(load_audit(mini / "audit.yaml")), "en").decode()
    assert "not stated" in html and "(dates of the answers)" in html
    assert "No finding records an observation, an owner or a due date yet" in html  # and how to add them


def test_html_tells_a_declared_risk_tier_from_a_classification(mini):
    html = render("html", evaluate(load_audit(mini / "audit.yaml")), "en").decode()
    assert "EU AI Act risk tier (declared)" in html
    assert "no classification has checked it" in html and "<code>aiaudit classify</code>" in html
    assert "`aiaudit classify`" not in html  # no Markdown backticks in HTML


def test_markdown_lists_owners_and_due_dates(example):
    md = render("md", evaluate(load_audit(example)), "en").decode()
    assert "| Owner | Due |" in md.replace("Owner  |", "Owner |")
    row = next(line for line in md.splitlines() if "`TR-02`" in line and "Lee Seojun" in line)
    assert "2026-12-20" in row and "In progress" in row
    assert "**Organisation**: Haneul Telecom Co., Ltd." in md


# --- the command line ----------------------------------------------------------------------------


def test_report_without_output_on_a_terminal_writes_nothing_and_asks_for_o(monkeypatch, mini, invoke):
    piped = invoke("report", mini / "audit.yaml")
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")  # a pipe still gets HTML
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    tty = invoke("report", mini / "audit.yaml")
    assert tty.exit_code == 2 and tty.stdout == ""
    assert "-o report.html" in tty.stderr and tty.stderr.count("\n") == 1
    assert not (mini / "report.html").exists()
    explicit = invoke("report", mini / "audit.yaml", "-o", "-", "-f", "md")  # asked for: the terminal gets it
    assert explicit.exit_code == 0 and explicit.stdout.startswith("# ")


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_full_is_for_pdf_only(invoke, mini, tmp_path, fmt):
    result = invoke("report", mini / "audit.yaml", "-o", tmp_path / f"r.{fmt}", "--full")
    assert result.exit_code == 2 and "--full" in result.stderr


def test_full_pdf_is_longer(invoke, mini, tmp_path):
    import re
    import subprocess

    pages = {}
    for name, args in (("short", ()), ("full", ("--full",))):
        out = tmp_path / f"{name}.pdf"
        assert invoke("report", mini / "audit.yaml", "-o", out, *args).exit_code == 0
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        pages[name] = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages["full"] > pages["short"]


def test_progress_line_follows_weasyprint_and_is_cleared():
    from aiaudit.i18n import t
    from aiaudit.render.progress import pdf_progress

    stream = io.StringIO()
    logger = logging.getLogger("weasyprint.progress")
    before = (logger.level, logger.propagate, list(logger.handlers))
    with pdf_progress(lambda key, **kw: t(key, "en", **kw), stream):
        logger.info("Step 1 - Fetching and parsing HTML - %s", "x")
        logger.info("Step 5 - Creating layout - Page %d", 1)
        logger.info("Step 6 - Creating PDF")
    out = stream.getvalue()
    assert "Rendering the PDF: preparing the report" in out
    assert "Rendering the PDF: writing 1 page" in out
    assert out.endswith("\r\x1b[K") and "\n" not in out  # one line, rewritten, then cleared
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_the_deliverable_fixture_does_not_touch_the_shipped_example(tmp_path):
    from .conftest import EXAMPLE

    before = (EXAMPLE / "audit.yaml").read_bytes()
    audit = deliverable_example(tmp_path / "copy")
    assert (EXAMPLE / "audit.yaml").read_bytes() == before
    assert audit.read_bytes() != before and load_audit(audit).engagement["version"] == "1.0"


def test_a_terminal_sees_the_progress_line_while_the_pdf_renders(mini, tmp_path):
    import os
    import sys

    import pexpect

    out = tmp_path / "r.pdf"
    env = {**os.environ, "AIAUDIT_LANG": "en", "NO_COLOR": "1", "COLUMNS": "120"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "aiaudit", "report", str(mini / "audit.yaml"), "-o", str(out)],
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(24, 120),
    )
    try:
        child.expect("Rendering the PDF: ")
        child.expect(f"Wrote {out}")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0 and out.read_bytes().startswith(b"%PDF")


def test_several_outputs_from_one_run(invoke, mini, tmp_path):
    outs = [tmp_path / "r.html", tmp_path / "r.md", tmp_path / "r.json"]
    result = invoke("report", mini / "audit.yaml", *[a for o in outs for a in ("-o", o)])
    assert result.exit_code == 0, result.stderr
    assert outs[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert outs[1].read_text(encoding="utf-8").startswith("# ")
    assert json.loads(outs[2].read_text(encoding="utf-8"))["format"] == 3
    assert all(str(o) in result.stderr for o in outs)  # one "Wrote" line per file


@pytest.mark.parametrize(
    "args",
    [
        ("-o", "{d}/a.html", "-o", "{d}/./a.html"),  # the same file twice
        ("-o", "{d}/a.html", "-o", "{d}/a.md", "-f", "json"),  # --format is ambiguous with several files
        ("-o", "{d}/a.html", "-o", "{d}/a.md", "--full"),  # --full with no PDF among them
    ],
)
def test_several_outputs_refuse_ambiguity_and_write_nothing(invoke, mini, tmp_path, args):
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("report", mini / "audit.yaml", *[a.format(d=out) for a in args])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert list(out.iterdir()) == []


def test_modules_that_fit_but_are_left_out_are_named_as_not_assessed(example, invoke):
    """The example is offered in Korea and uses genai-baseline alone: kr-startup fits and is not assessed."""
    data = json.loads(render("json", evaluate(load_audit(example)), "en", ReportOptions()))
    assert list(validator("report").iter_errors(data)) == []
    left_out = data["method"]["modules_not_included"]
    assert [m["id"] for m in left_out] == ["kr-startup"] and left_out[0]["items"] > 0
    html = render("html", evaluate(load_audit(example)), "ko").decode()
    section = html[html.index('id="not-assessed"') : html.index('id="method"')]
    assert "kr-startup 모듈" in section and "checklists:" in section
    assert f"항목 {left_out[0]['items']}개" in section and "built-in method" not in html  # the count, not dict.items
    status = invoke("status", example)
    assert status.exit_code == 0 and "Module kr-startup" in status.stdout
    assert json.loads(invoke("status", example, "--format", "json").stdout)["modules_not_included"] == ["kr-startup"]
    # once the module is in the audit, nothing is said
    text = example.read_text(encoding="utf-8")
    added = text.replace("checklists:\n", "checklists:\n  - {id: kr-startup}\n", 1)
    folder = example.parent.parent / "with-module"
    folder.mkdir()
    (folder / "audit.yaml").write_text(added, encoding="utf-8")
    with_module = json.loads(invoke("status", folder / "audit.yaml", "--format", "json").stdout)
    assert with_module["modules_not_included"] == []
