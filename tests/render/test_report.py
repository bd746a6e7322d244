"""`aiaudit report`: formats, options, the JSON report and its schema, Korean, and the report's content."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.render import ReportOptions, format_for, render
from aiaudit.schemas import schema_text, validator

CLASSIFICATION = """  classification:
    eu_ai_act:
      category: limited
      in_scope: true
      transparency: [art50-1]
      reasoning:
        - "Chatbot talks to consumers: Art. 50(1) disclosure applies."
        - "No Annex III area is involved."
    kr_ai_basic_act:
      categories: [generative]
      reasoning: ["생성형 인공지능을 이용한 서비스를 제공합니다."]
    date: "2026-11-19"
"""


@pytest.fixture
def audit(mini):
    """The mini audit with a risk classification added."""
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8").replace("  risk_tier: limited\n", "  risk_tier: limited\n" + CLASSIFICATION)
    text = text.replace("regions: [KR]", "regions: [KR, EU]")  # offered in Korea and the EU: both laws reach it
    path.write_text(text, encoding="utf-8")
    return path


def _report(invoke, audit, *args):
    result = invoke("report", audit, *args)
    assert result.exit_code == 0, result.output
    return result


# --- formats and options -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "flag", "expected"),
    [
        ("r.html", None, "html"),
        ("r.HTM", None, "html"),
        ("r.pdf", None, "pdf"),
        ("r.md", None, "md"),
        ("r.markdown", None, "md"),
        ("r.json", None, "json"),
        ("r.txt", "md", "md"),
        ("r.html", "json", "json"),
        ("r.out", "markdown", "md"),
        ("-", None, "html"),
        (None, None, "html"),
        ("-", "JSON", "json"),
    ],
)
def test_format_follows_extension_unless_given(output, flag, expected):
    assert format_for(output, flag) == expected


@pytest.mark.parametrize(("output", "flag"), [("r.docx", None), ("r.html", "docx"), ("-", "xml")])
def test_unknown_format_is_a_usage_error(invoke, audit, tmp_path, output, flag):
    args = ["-o", tmp_path / output if output != "-" else "-"] + (["-f", flag] if flag else [])
    result = invoke("report", audit, *args)
    assert result.exit_code == 2 and "format" in result.stderr
    assert "Traceback" not in result.output


def test_each_format_is_written_by_extension(invoke, audit, tmp_path):
    for ext, check in (
        ("html", lambda b: b.startswith(b"<!DOCTYPE html>")),
        ("md", lambda b: b.startswith(b"# AI governance audit report")),
        ("json", lambda b: json.loads(b)["kind"] == "report"),
    ):
        out = tmp_path / f"report.{ext}"
        result = _report(invoke, audit, "-o", out)
        assert check(out.read_bytes()), ext
        assert f"Wrote {out}" in result.stderr


@pytest.mark.parametrize(("fmt", "start"), [("html", "<!DOCTYPE html>"), ("md", "# "), ("json", "{")])
def test_dash_writes_text_formats_to_stdout(invoke, audit, fmt, start):
    result = _report(invoke, audit, "-o", "-", "--format", fmt)
    assert result.stdout.startswith(start)
    assert "상담봇 Mini" in result.stdout


def test_format_flag_overrides_extension(invoke, audit, tmp_path):
    out = tmp_path / "report.html"
    _report(invoke, audit, "-o", out, "-f", "md")
    assert out.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize(
    "args",
    [["--archival"], ["--pdf-variant", "pdf/a-3b"], ["--attach-evidence"]],
)
def test_pdf_options_refused_for_other_formats(invoke, audit, tmp_path, args):
    out = tmp_path / "r.html"
    result = invoke("report", audit, "-o", out, *args)
    assert result.exit_code == 2
    assert "PDF" in result.stderr and args[0] in result.stderr
    assert not out.exists()


def test_archival_conflicts_with_another_variant(invoke, audit, tmp_path):
    result = invoke("report", audit, "-o", tmp_path / "r.pdf", "--archival", "--pdf-variant", "pdf/ua-1")
    assert result.exit_code == 2 and "--archival" in result.stderr


def test_invalid_audit_writes_no_report_in_any_format(invoke, mini, tmp_path):
    (mini / "audit.yaml").write_text("kind: audit\nformat: 1\nchecklists: []\nsystem: {name: x}\nanswers: {}\n")
    for ext in ("md", "json", "pdf"):
        out = tmp_path / f"r.{ext}"
        result = invoke("report", mini / "audit.yaml", "-o", out)
        assert result.exit_code == 1 and "audit.yaml:3:" in result.stderr
        assert not out.exists()


# --- JSON report and its schema -----------------------------------------------------------------


def test_json_report_validates_against_published_schema(invoke, audit, tmp_path):
    from jsonschema import Draft202012Validator

    out = tmp_path / "report.json"
    _report(invoke, audit, "-o", out, "--lang", "ko")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(validator("report").iter_errors(data)) == []
    # the printed schema is self-contained (shared definitions inlined) and accepts the report too
    printed = invoke("schema", "report")
    assert printed.exit_code == 0
    schema = json.loads(printed.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema == json.loads(schema_text("report"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    assert "report" in invoke("schema").stdout.split()
    # `aiaudit validate` knows the kind
    assert invoke("validate", out).exit_code == 0


def test_schema_rejects_a_tampered_report(invoke, audit, tmp_path):
    data = json.loads(render("json", evaluate(load_audit(audit)), "en"))
    data["score"]["percent"] = 120
    data["items"][0]["status"] = "done"
    del data["findings"][0]["severity"]
    errors = sorted(e.json_path for e in validator("report").iter_errors(data))
    assert errors == ["$.findings[0]", "$.items[0].status", "$.score.percent"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = invoke("validate", bad)
    assert result.exit_code == 1 and "E204" in result.stdout


def test_json_report_content(audit):
    ev = evaluate(load_audit(audit))
    data = json.loads(render("json", ev, "en"))
    assert data["score"]["percent"] == ev.overall.percent == 68.2
    assert data["score"]["counts"] == {"met": 1, "partial": 1, "not_met": 1, "na": 1, "unanswered": 0}
    assert [f["id"] for f in data["findings"]] == ["SEC-01", "ACC-01"]  # high before medium
    assert data["plan"] == [{"severity": "high", "items": ["SEC-01"]}, {"severity": "medium", "items": ["ACC-01"]}]
    assert [i["id"] for i in data["items"]] == ["TR-01", "TR-02", "SEC-01", "SEC-02", "ACC-01"]
    tr02 = next(i for i in data["items"] if i["id"] == "TR-02")
    assert tr02["applicable"] is False and tr02["scored"] is False and tr02["value"] is None
    sec02 = next(i for i in data["items"] if i["id"] == "SEC-02")
    assert sec02["status"] == "na" and sec02["scored"] is False and not sec02["finding"]
    principles = {p["id"]: p["score"]["percent"] for p in data["principles"]}
    assert principles == {
        "ethics": None,
        "transparency": 100.0,
        "fairness": None,
        "privacy": None,
        "safety": 50.0,
        "accountability": 0.0,
    }
    # crosswalk: clause -> items -> status, for each framework an item refers to
    eu = next(f for f in data["frameworks"] if f["id"] == "eu-ai-act")
    clauses = {c["id"]: c for c in eu["clauses"]}
    assert clauses["EUAIA-ART50-1"]["status"] == "met"
    assert clauses["EUAIA-ART50-1"]["items"] == [{"id": "TR-01", "status": "met", "applicable": True}]
    # the classification records only Art. 50(1), so Art. 50(2) does not bind this system (and TR-02 does not apply)
    assert eu["scope"] == "in_scope" and "EUAIA-ART50-2" not in clauses and "EUAIA-ART50-2" not in eu["uncovered"]
    assert eu["clauses_applicable"] == len(eu["clauses"]) + len(eu["uncovered"])
    # a limited-risk chatbot: the high-risk duties do not bind it, and the report says why
    not_applicable = {c["id"]: c["reason"] for c in eu["not_applicable"]}
    assert "EUAIA-ART9" in not_applicable and "high-risk" in not_applicable["EUAIA-ART9"]
    assert "generates" in not_applicable["EUAIA-ART50-2"]
    nist = next(f for f in data["frameworks"] if f["id"] == "nist-ai-rmf")
    assert {c["id"]: c["status"] for c in nist["clauses"]} == {"NIST-GOVERN-2": "not_met", "NIST-GAI-09": "partial"}
    # evidence index: the recorded hash is checked against the file now
    assert data["evidence"] == [
        {
            "item": "TR-01",
            "path": "evidence/notice.txt",
            "sha256": "f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee",
            "size": 37,
            "description": None,
            "check": "verified",
            "actual_sha256": "f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee",
            "actual_size": 37,
        }
    ]
    assert data["system"]["classification"]["eu_ai_act"]["category"] == "limited"
    assert data["audit"]["sha256"] == hashlib.sha256(audit.read_bytes()).hexdigest()
    assert data["audit"]["checklists"][0] | {"sha256": "-"} == {
        "id": "mini",
        "version": "1.0.0",
        "title": "Mini checklist for tests",
        "sha256": "-",
        "builtin": False,
        "items": 5,
    }


def test_evidence_checks_report_changed_unrecorded_and_links(audit):
    text = audit.read_text(encoding="utf-8").replace(
        "  SEC-01:\n    status: partial\n",
        "  SEC-01:\n    status: partial\n    evidence:\n      - {path: evidence/notice.txt}\n"
        "      - {url: 'https://example.org/report', description: Red-team summary}\n",
    )
    audit.write_text(text, encoding="utf-8")
    (audit.parent / "evidence" / "notice.txt").write_text("edited after it was recorded\n", encoding="utf-8")
    data = json.loads(render("json", evaluate(load_audit(audit)), "en"))
    assert [(e["item"], e.get("path") or e["url"], e["check"]) for e in data["evidence"]] == [
        ("TR-01", "evidence/notice.txt", "changed"),
        ("SEC-01", "evidence/notice.txt", "unrecorded"),
        ("SEC-01", "https://example.org/report", "link"),
    ]
    changed = data["evidence"][0]
    assert changed["actual_sha256"] != changed["sha256"]
    assert changed["actual_sha256"] == hashlib.sha256(b"edited after it was recorded\n").hexdigest()
    html = render("html", evaluate(load_audit(audit)), "en").decode()
    assert "changed since it was recorded" in html and "link (not fetched)" in html
    assert "Red-team summary" in html and changed["actual_sha256"] in html


# --- Korean --------------------------------------------------------------------------------------

ENGLISH_HEADINGS = [
    "Executive summary",
    "Top findings",
    "Standing per framework in scope",
    "Where the system stands",
    "Score by section",
    "Scope and method",
    "What was not assessed",
    "System profile",
    "Risk classification",
    "Findings register",
    "Findings in detail",
    "Framework crosswalk",
    "All items by section",
    "Evidence index",
    "Document control",
    "Sign-off",
    "About this report",
    "Partially met",
    "Not met",
]


def test_lang_ko_switches_all_report_text(invoke, audit):
    for fmt in ("html", "md", "json"):
        en = _report(invoke, audit, "-f", fmt, "--lang", "en").stdout
        ko = _report(invoke, audit, "-f", fmt, "--lang", "ko").stdout
        assert "이용자에게 인공지능 시스템과 상호작용하고 있다는 사실을 알립니까?" in ko
        assert "Are people told they are interacting with an AI system?" in en
        assert "AI 거버넌스 점검 보고서" in ko
        for heading in ENGLISH_HEADINGS if fmt == "html" else ENGLISH_HEADINGS[:1]:
            if fmt != "json":
                assert heading in en or fmt == "md", (fmt, heading)
            assert heading not in ko, (fmt, heading)
    html_ko = _report(invoke, audit, "--lang", "ko").stdout
    assert '<html lang="ko">' in html_ko
    for word in (
        "요약",
        "현재 수준",
        "점검 범위와 방법",
        "발견 사항 목록",
        "프레임워크 대응표",
        "증빙 목록",
        "승인 서명",
        "문서 관리",
        "부분 충족",
        "제한적 위험(투명성 확보 의무)",
        "생성형 인공지능",
    ):
        assert word in html_ko, word


def test_default_language_comes_from_the_environment(runner, audit):
    from aiaudit.cli import cli

    result = runner.invoke(cli, ["report", str(audit), "-f", "md"], env={"AIAUDIT_LANG": "ko"}, catch_exceptions=False)
    assert result.exit_code == 0 and result.stdout.startswith("# AI 거버넌스 점검 보고서")


# --- HTML content --------------------------------------------------------------------------------


def test_html_report_has_every_part(invoke, audit):
    html = _report(invoke, audit, "-o", "-").stdout
    sha = hashlib.sha256(audit.read_bytes()).hexdigest()
    for part in (
        'id="cover"',
        'id="toc"',
        'id="summary"',
        'id="standing"',
        'id="scope"',
        'id="findings"',
        'id="register"',
        'id="doc-control"',
        'id="crosswalk"',
        'id="items"',
        'id="evidence"',
        'id="signoff"',
        'id="about"',
        "상담봇 Mini scores 68.2/100 over 4 applicable items (mini 1.0.0).",
        "Top findings",
        'href="#item-SEC-01"',
        'id="finding-SEC-01"',
        "Run a red-team exercise.",  # the checklist's remediation stands in for a recommendation
        "from the checklist",
        'id="fw-eu-ai-act"',
        "EUAIA-ART50-1",
        "Chatbot talks to consumers: Art. 50(1) disclosure applies.",  # classification reasoning
        "생성형 인공지능을 이용한 서비스를 제공합니다.",
        "Limited risk (transparency obligations)",
        "<strong>AI 상담원</strong>",  # notes rendered as Markdown
        "f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee",  # evidence sha256, in full
        "matches the recorded sha256",
        "Kim",
        "Team lead",
        sha,  # audit content hash
        "mini 1.0.0",
        "Rules of policy",
        "must-meet/<wbr>severity/<wbr>critical",  # rule ids may wrap at their slashes
    ):
        assert part in html, part
    assert re.search(r"<dt>aiaudit version</dt><dd>\d+\.\d+", html)
    assert re.search(r"<dt>Generated</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</dd>", html)
    # findings ordered by severity: SEC-01 (high) before ACC-01 (medium)
    register = html[html.index('id="register"') : html.index('id="detail"')]
    assert register.index("SEC-01") < register.index("ACC-01")
    # the long annexes are collapsed in the browser, under headings the contents link to
    assert html.count('<details class="annex-body">') == 2


def test_html_is_self_contained(invoke, audit):
    html = _report(invoke, audit, "-o", "-").stdout
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<iframe" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert re.findall(r"\ssrc=", html) == []  # no image evidence here: nothing is loaded at all
    assert re.findall(r"\sstyle=", html) == []  # chart geometry is in the stylesheet, not in attributes
    assert "<svg" not in html  # charts are HTML and CSS: text stays text
    for label in ("Transparency", "Safety and security", "Accountability"):
        assert f'<a href="#section-{label.split()[0].lower()}' in html or label in html, label
    assert "@media print" in html and "thead { display: table-header-group; }" in html
    assert ":lang(ko) body" in html and "word-break: keep-all" in html


def test_image_evidence_is_inlined_and_svg_is_not(invoke, audit):
    from PIL import Image

    folder = audit.parent / "evidence"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(folder / "shot.png")
    (folder / "evil.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x"/></svg>')
    text = audit.read_text(encoding="utf-8").replace(
        "  SEC-01:\n    status: partial\n",
        "  SEC-01:\n    status: partial\n    evidence:\n      - {path: evidence/shot.png}\n      - {path: evidence/evil.png}\n",
    )
    audit.write_text(text, encoding="utf-8")
    html = _report(invoke, audit).stdout
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    assert "127.0.0.1" not in html
    assert 'alt="Evidence image evidence/shot.png"' in html
    assert re.findall(r'<img src="', _report(invoke, audit, "--no-evidence-images").stdout) == []


def test_source_date_epoch_makes_reports_reproducible(runner, audit):
    from aiaudit.cli import cli

    env = {"SOURCE_DATE_EPOCH": "1795000000", "AIAUDIT_LANG": "en"}
    runs = [runner.invoke(cli, ["report", str(audit), "-f", fmt], env=env).stdout for fmt in ("html", "html", "json", "json")]
    assert runs[0] == runs[1] and runs[2] == runs[3]
    assert json.loads(runs[2])["generated"] == "2026-11-18T11:06:40Z"
    assert "2026-11-18 11:06:40 UTC" in runs[0]


def test_options_generated_overrides_clock(audit):
    import datetime as dt

    when = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    data = json.loads(render("json", evaluate(load_audit(audit)), "en", ReportOptions(generated=when)))
    assert data["generated"] == "2027-01-02T03:04:05Z"


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_report_structure(invoke, audit):
    md = _report(invoke, audit, "-f", "md").stdout
    for part in (
        "# AI governance audit report: 상담봇 Mini",
        "**Overall score: 68.2/100**",
        "## Scores",
        "## Findings and remediation plan",
        "| 1 | `SEC-01` | high | 🟡 Partially met |",
        "## Framework crosswalk",
        "<details><summary>",
        "| `EUAIA-ART50-1` ",
        "## All items by section",
        "## Evidence index",
        "`f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee`",
        "## Sign-off",
        "## About this report",
    ):
        assert part in md, part


def test_markdown_escapes_hostile_text(invoke, audit):
    hostile = "<script>alert(1)</script> | [x](javascript:alert(1)) *bold* <img src=x onerror=alert(1)>\\n# heading"
    text = audit.read_text(encoding="utf-8").replace("Tested manually only.", json.dumps(hostile))
    text = text.replace("name: 상담봇 Mini", 'name: "Bot | <b>bold</b>"')
    audit.write_text(text, encoding="utf-8")
    md = _report(invoke, audit, "-f", "md").stdout
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "\\[x\\](javascript:alert(1))" in md and "\\*bold\\*" in md
    assert md.startswith("# AI governance audit report: Bot \\| &lt;b&gt;bold&lt;/b&gt;\n")
    # every table row keeps its column count: hostile pipes are escaped
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("| ")]
        if rows:
            counts = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(counts) == 1, rows


def test_classification_written_by_classify_is_shown_with_its_reasoning(invoke, mini):
    from markupsafe import escape

    (mini / "answers.yaml").write_text("{}\n", encoding="utf-8")
    assert invoke("classify", mini / "audit.yaml", "--answers", mini / "answers.yaml", "--date", "2026-11-20").exit_code == 0
    classification = load_audit(mini / "audit.yaml").system["classification"]
    html = _report(invoke, mini / "audit.yaml", "--lang", "ko").stdout
    lines = [line for regime in ("eu_ai_act", "kr_ai_basic_act") for line in classification[regime]["reasoning"]]
    assert lines
    for line in lines:
        assert str(escape(line)) in html, line
    for duty in classification["kr_ai_basic_act"].get("duties", []):
        assert duty in html
    assert "분류 일자: 2026-11-20" in html
