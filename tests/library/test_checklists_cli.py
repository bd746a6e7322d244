"""`aiaudit checklists list|show|coverage`, `aiaudit frameworks list|show` and `aiaudit lint` on the command line."""

from __future__ import annotations

import json

import pytest

from aiaudit.diagnostics import Diagnostic, DiagnosticError
from aiaudit.library import listing as browse
from aiaudit.library.builtins import builtin_checklist_ids
from aiaudit.library.catalog import frameworks
from aiaudit.library.checklists import builtin_checklist

BAD_REF = "refs: [OWASP-LLM10]"


def bad_checklist(mini):
    path = mini / "bad.yaml"
    path.write_text((mini / "mini-checklist.yaml").read_text(encoding="utf-8").replace(BAD_REF, "refs: [OWASP-LLM11]"))
    return path


# --- checklists list ---------------------------------------------------------------------------


def test_list_shows_every_builtin_checklist(invoke):
    result = invoke("checklists", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["ID", "Version", "Items", "Sections"]
    rows = [line for line in lines if line and not line.startswith(("ID ", "---", "Modules"))]
    assert set(builtin_checklist_ids()) == {line.split()[0] for line in rows}
    assert builtin_checklist_ids(), "no built-in checklist found"
    # modules come after the full checklists, under their own heading, with the condition that proposes them
    modules = lines.index(next(line for line in lines if line.startswith("Modules")))
    assert "creative-media" in "\n".join(lines[modules:]) and "creative-media" not in "\n".join(lines[:modules])
    assert "(when " in "\n".join(lines[modules:])


def test_list_as_json_and_markdown(invoke):
    data = json.loads(invoke("checklists", "list", "--format", "json").stdout)
    assert [c["id"] for c in data["checklists"]] == builtin_checklist_ids()
    for entry in data["checklists"]:
        checklist = builtin_checklist(entry["id"])
        assert entry["items"] == len(checklist.items) and entry["sections"] == len(checklist.sections)
        assert entry["title"] == {"en": checklist.title.en, "ko": checklist.title.ko}
        assert set(entry["frameworks"]) <= set(frameworks())
        for target in entry["targets"]:  # named after the framework, or covering at least 80% of it
            assert entry["id"].startswith(target["framework"]) or target["covered"] >= 0.8 * target["total"]
    md = invoke("checklists", "list", "--format", "md", "--lang", "ko").stdout.splitlines()
    assert md[0] == "| ID | 버전 | 항목 수 | 섹션 수 | 제목 | 대응 조항(대상 프레임워크) |"
    assert md[1] == "| --- | --- | ---: | ---: | --- | --- |"
    rows = [line for line in md if line.startswith("| ") and not line.startswith(("| ID ", "| ---"))]
    assert len(rows) == len(builtin_checklist_ids())
    assert any(line.startswith("## ") for line in md)  # the modules' heading


def test_list_reports_a_broken_builtin_and_exits_1(invoke, monkeypatch):
    problem = Diagnostic("builtin:broken", 3, 5, "E306", "clause 'X-1' is not in the catalog")
    monkeypatch.setattr(browse, "builtin_checklist_ids", lambda: ["broken"])

    def fail(_id):
        raise DiagnosticError([problem])

    monkeypatch.setattr(browse, "builtin_checklist", fail)
    result = invoke("checklists", "list")
    assert result.exit_code == 1
    assert "broken" in result.stdout and "invalid" in result.stdout
    assert "built-in checklist broken does not load: builtin:broken:3:5: error[E306]" in result.stderr


# --- checklists show ---------------------------------------------------------------------------


def test_show_text(invoke, mini):
    result = invoke("checklists", "show", mini / "mini-checklist.yaml")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Mini checklist for tests (mini 1.0.0)\n")
    assert "Version 1.0.0: 5 items in 3 sections" in out
    assert "Transparency [transparency] · principle: Transparency · 2 items" in out
    assert "  TR-02   critical  Are generated images marked as AI-generated?" in out
    assert "refs: EUAIA-ART50-2" in out and "applies when: system.modalities contains image" in out
    assert "guidance" not in out
    full = invoke("checklists", "show", mini / "mini-checklist.yaml", "--full").stdout
    assert "guidance: Watermark documentation." in full and "remediation: Add C2PA metadata." in full


def test_show_in_korean_and_markdown(invoke, mini):
    ko = invoke("checklists", "show", mini / "mini-checklist.yaml", "--lang", "ko").stdout
    assert "생성된 이미지에 AI 생성물 표시를 합니까?" in ko and "근거 조항: EUAIA-ART50-2" in ko and "치명" in ko
    md = invoke("checklists", "show", mini / "mini-checklist.yaml", "--format", "md", "--full").stdout
    assert md.startswith("# Mini checklist for tests (`mini`)\n")
    assert "## Transparency (`transparency`)" in md
    assert "- **TR-02** (critical) Are generated images marked as AI-generated?  \n" in md
    assert "  refs: `EUAIA-ART50-2`  \n  applies when: `system.modalities contains image`  \n" in md


def test_show_json_and_one_section(invoke, mini):
    data = json.loads(invoke("checklists", "show", mini / "mini-checklist.yaml", "--format", "json").stdout)
    assert data["id"] == "mini" and data["items"] == 5
    assert [s["id"] for s in data["sections"]] == ["transparency", "safety", "accountability"]
    tr02 = data["sections"][0]["items"][1]
    assert tr02["refs"] == ["EUAIA-ART50-2"] and tr02["applies_when"] == {"field": "system.modalities", "contains": "image"}
    assert tr02["question"]["ko"] == "생성된 이미지에 AI 생성물 표시를 합니까?"
    one = invoke("checklists", "show", mini / "mini-checklist.yaml", "--section", "safety").stdout
    assert "SEC-01" in one and "SEC-02" in one and "TR-01" not in one and "2 items in 1 sections" in one


def test_show_builtin_by_id(invoke):
    checklist_id = builtin_checklist_ids()[0]
    data = json.loads(invoke("checklists", "show", checklist_id, "--format", "json").stdout)
    assert data["id"] == checklist_id and data["source"] == f"builtin:{checklist_id}"
    assert data["items"] == len(builtin_checklist(checklist_id).items)


def test_show_errors_are_one_line(invoke, mini):
    result = invoke("checklists", "show", "no-such-checklist")
    assert result.exit_code == 2
    assert result.stderr.startswith("aiaudit: error: no built-in checklist 'no-such-checklist' and no such file; built-ins:")
    result = invoke("checklists", "show", mini / "mini-checklist.yaml", "--section", "nope")
    assert result.exit_code == 2 and "has no section nope; sections: transparency, safety, accountability" in result.stderr
    (mini / "broken.yaml").write_text("kind: checklist\nid: x\nversion: 1.0.0\n", encoding="utf-8")
    result = invoke("checklists", "show", mini / "broken.yaml")
    assert result.exit_code == 1 and f"{mini / 'broken.yaml'}:1:1: error[E203]" in result.stderr
    assert "Traceback" not in result.output


def test_condition_text():
    cond = {"all": [{"field": "system.regions", "intersects": ["EU", "KR"]}, {"not": {"field": "system.gpai", "equals": True}}]}
    assert browse.condition_text(cond) == "all(system.regions intersects [EU, KR], not(system.gpai equals true))"
    assert browse.condition_text({"any": [{"field": "system.tags", "exists": False}]}) == "any(system.tags exists false)"


def test_text_tables_align_wide_korean_characters():
    table = browse._table(["이름", "N"], [["가나다", "1"], ["ab", "22"]], "text", align="lr")
    lines = table.splitlines()
    widths = {browse.width(line) for line in lines}
    assert len(widths) == 1, table  # every line ends at the same display column
    assert lines[2] == "가나다   1"


def test_markdown_cells_are_escaped():
    table = browse._table(["a"], [["x | y <script>\nz"]], "md")
    assert table.splitlines()[2] == "| x \\| y &lt;script&gt; z |"


# --- checklists coverage -----------------------------------------------------------------------


def test_coverage_text(invoke, mini):
    result = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--framework", "owasp-llm")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "mini against OWASP LLM Top 10: 2 of 10 clauses covered (20%), 8 gaps"
    rows = {line.split()[0]: line for line in lines[4:]}
    assert rows["OWASP-LLM01"].endswith("SEC-01") and rows["OWASP-LLM02"].endswith("— gap")
    assert len(rows) == 10
    gaps = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "-F", "OWASP", "--gaps-only").stdout
    assert "OWASP-LLM01" not in gaps and "OWASP-LLM02" in gaps and "8 gaps" in gaps


def test_coverage_marks_unverified_clauses(invoke, mini):
    out = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--framework", "eu-ai-act").stdout
    assert "EUAIA-ART5-ba*" in out and "EUAIA-ART5-a*" not in out  # the Omnibus bans come from secondary sources
    # definitions and area lists are not obligations: coverage leaves them out
    korea = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--framework", "kr-ai-basic-act").stdout
    assert "KR-AIBA-HIAI-a" not in korea and "KR-AIBA-ART34" in korea
    assert "* not verified against the primary source" in out
    g7 = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--framework", "g7-hiroshima").stdout
    row = next(line for line in g7.splitlines() if line.startswith("G7-COC-07"))
    assert row.endswith("TR-01")


def test_coverage_json_markdown_and_korean(invoke, mini):
    data = json.loads(
        invoke("checklists", "coverage", mini / "mini-checklist.yaml", "-F", "eu-ai-act", "--format", "json").stdout
    )
    obligations = [c for c in frameworks()["eu-ai-act"].clauses if not c.informational]
    assert data["framework"] == "eu-ai-act" and data["covered"] == 2 and data["total"] == len(obligations)
    assert "EUAIA-ART50-1" not in data["gaps"] and "EUAIA-ART50-3" in data["gaps"]
    art50_2 = next(c for c in data["clauses"] if c["id"] == "EUAIA-ART50-2")
    assert art50_2["items"] == ["TR-02"] and art50_2["covered"] is True and art50_2["verified"] is True
    md = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "-F", "owasp-llm", "--format", "md").stdout
    assert md.startswith("**mini against OWASP LLM Top 10: 2 of 10 clauses covered (20%), 8 gaps**\n\n| Clause |")
    assert "| OWASP-LLM01 | LLM01:2025 | Prompt Injection | SEC-01 |" in md
    ko = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "-F", "owasp-llm", "--lang", "ko").stdout
    assert "조항 10개 중 2개 대응(20%), 미대응 8개" in ko and "프롬프트 인젝션" in ko


def test_coverage_summary_without_a_framework(invoke, mini):
    data = json.loads(invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--format", "json").stdout)
    rows = {r["framework"]: r for r in data["frameworks"]}
    assert list(rows) == list(frameworks())
    assert rows["owasp-llm"]["covered"] == 2 and rows["oecd-ai"]["covered"] == 0
    text = invoke("checklists", "coverage", mini / "mini-checklist.yaml").stdout
    assert text.startswith("mini (5 items): clauses covered per framework")
    owasp = next(line for line in text.splitlines() if line.startswith("OWASP LLM Top 10"))
    assert owasp.split()[-4:] == ["10", "2", "20", "8"]


def test_coverage_unknown_framework_is_a_usage_error(invoke, mini):
    result = invoke("checklists", "coverage", mini / "mini-checklist.yaml", "--framework", "gdpr")
    assert result.exit_code == 2 and result.stderr.startswith("aiaudit: error: unknown framework 'gdpr'; choose from:")


# --- frameworks --------------------------------------------------------------------------------


def test_frameworks_list(invoke):
    result = invoke("frameworks", "list")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert ids == list(frameworks())
    data = json.loads(invoke("frameworks", "list", "--format", "json").stdout)
    for entry in data["frameworks"]:
        fw = frameworks()[entry["id"]]
        assert entry["clauses"] == len(fw.clauses) and entry["prefix"] == fw.prefix
        assert entry["unverified"] == sum(not c.verified for c in fw.clauses)
    md = invoke("frameworks", "list", "--format", "md").stdout
    assert md.startswith("| ID | Prefix | Clauses | Unverified | Title |\n| --- | --- | ---: | ---: | --- |\n")


def test_frameworks_show(invoke):
    out = invoke("frameworks", "show", "OWASP").stdout
    for n in range(1, 11):
        assert f"OWASP-LLM{n:02d}" in out
    assert "10 clauses (0 unverified)" in out
    korea = invoke("frameworks", "show", "kr-ai-basic-act", "--lang", "ko").stdout
    assert "KR-AIBA-HIAI-a*" in korea and "KR-AIBA-ART31-1*" not in korea and "원문으로 확인하지 못한" in korea
    data = json.loads(invoke("frameworks", "show", "eu-ai-act", "--format", "json").stdout)
    flags = {c["id"]: c["verified"] for c in data["clauses"]}
    assert flags["EUAIA-ART5-ba"] is False and flags["EUAIA-ART50-2"] is True
    result = invoke("frameworks", "show", "nope")
    assert result.exit_code == 2 and "unknown framework 'nope'" in result.stderr


# --- lint --------------------------------------------------------------------------------------


def test_lint_clean_file(invoke, mini):
    result = invoke("lint", mini / "mini-checklist.yaml")
    assert result.exit_code == 0
    assert result.stdout == f"{mini / 'mini-checklist.yaml'}: no problems\n"
    assert invoke("lint", "-q", mini / "mini-checklist.yaml").stdout == ""
    ko = invoke("lint", "--lang", "ko", mini / "mini-checklist.yaml").stdout
    assert ko.endswith("문제가 없습니다\n")


def test_lint_errors_exit_1_with_positions(invoke, mini):
    bad = bad_checklist(mini)
    result = invoke("lint", bad, mini / "mini-checklist.yaml")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{bad}:42:16: error[E306]: item SEC-02: clause 'OWASP-LLM11' is not in the OWASP LLM Top 10 catalog")
    assert "1 error, 0 warnings" in result.stderr
    assert "2 checklists linted: 1 error, 0 warnings" in result.stderr


def test_lint_json(invoke, mini):
    bad = bad_checklist(mini)
    result = invoke("lint", "--format", "json", bad, mini / "mini-checklist.yaml")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 1 and data["warnings"] == 0
    first, second = data["checklists"]
    assert first["id"] == "mini" and first["errors"] == 1
    assert first["diagnostics"][0]["code"] == "E306" and first["diagnostics"][0]["name"] == "unresolved-clause"
    assert first["diagnostics"][0]["path"] == "$.sections[1].items[1].refs[0]"
    assert second["diagnostics"] == []


def test_lint_strict_fails_on_warnings(invoke, mini):
    path = mini / "owasp-llm-mini.yaml"
    path.write_text(
        (mini / "mini-checklist.yaml").read_text(encoding="utf-8").replace("id: mini\n", "id: owasp-llm-mini\n"),
        encoding="utf-8",
    )
    assert invoke("lint", path).exit_code == 0
    result = invoke("lint", "--strict", path)
    assert result.exit_code == 1 and "warning[W302]: 8 of 10 OWASP LLM Top 10 clauses" in result.stdout


def test_lint_unknown_or_unreadable_input_exits_2(invoke, mini):
    result = invoke("lint", "no-such-checklist")
    assert result.exit_code == 2 and "error[E001]: no such file, and no built-in checklist of that id" in result.stdout
    result = invoke("lint", mini / "nothing.yaml", mini / "mini-checklist.yaml")
    assert result.exit_code == 2 and "error[E001]: no such file" in result.stdout


def test_lint_builtin_by_id(invoke):
    checklist_id = builtin_checklist_ids()[0]
    result = invoke("lint", checklist_id)
    assert result.exit_code == 0, result.output
    assert f"{checklist_id}.yaml" in result.output


def test_validate_runs_lint_on_checklists(invoke, mini):
    result = invoke("validate", bad_checklist(mini))
    assert result.exit_code == 1 and "error[E306]" in result.stdout


@pytest.mark.parametrize(
    "command", [["checklists", "--help"], ["frameworks", "--help"], ["lint", "--help"], ["convert", "--help"]]
)
def test_help(invoke, command):
    result = invoke(*command)
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_library_table_fills_marked_blocks(tmp_path):
    from aiaudit.library import doc_tables as library_table

    doc = tmp_path / "lib.md"
    doc.write_text(
        "# Library\n<!-- library-table:checklists -->\nold\n<!-- /library-table:checklists -->\ntext\n"
        "<!-- library-table:frameworks -->\n<!-- /library-table:frameworks -->\n",
        encoding="utf-8",
    )
    assert library_table.main([str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("# Library\n<!-- library-table:checklists -->\n| ID | Version |")
    for checklist_id in builtin_checklist_ids():
        assert f"| {checklist_id} |" in text
    for fw in frameworks().values():
        assert f"| {fw.id} | {fw.prefix} | {len(fw.clauses)} |" in text
    assert "\ntext\n" in text and text.endswith("<!-- /library-table:frameworks -->\n")
    again = library_table.fill(text, library_table.tables())
    assert again == text  # idempotent
