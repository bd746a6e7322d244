"""Coverage of a framework by a checklist: clauses, the items covering them, gaps."""

from __future__ import annotations

import pytest

from aiaudit.diagnostics import UsageError
from aiaudit.library.catalog import frameworks
from aiaudit.library.checklists import load_checklist
from aiaudit.library.coverage import coverage, coverage_all, find_framework, named_frameworks, referenced_frameworks


@pytest.fixture
def mini_checklist(mini):
    return load_checklist(mini / "mini-checklist.yaml")


def test_every_clause_is_listed_in_catalog_order_with_its_items(mini_checklist):
    fw = frameworks()["owasp-llm"]
    cov = coverage(mini_checklist, fw)
    assert [r.clause.id for r in cov.rows] == [c.id for c in fw.clauses]
    by_id = {r.clause.id: [i.id for i in r.items] for r in cov.rows}
    assert by_id["OWASP-LLM01"] == ["SEC-01"] and by_id["OWASP-LLM10"] == ["SEC-02"]
    assert (cov.total, cov.covered, cov.percent) == (10, 2, 20.0)
    assert [c.id for c in cov.gaps] == [f"OWASP-LLM{n:02d}" for n in range(2, 10)]
    assert [i.id for i in cov.items] == ["SEC-01", "SEC-02"]


def test_a_clause_cited_by_several_items_lists_them_all(mini, tmp_path):
    text = (mini / "mini-checklist.yaml").read_text(encoding="utf-8")
    text = text.replace("refs: [OWASP-LLM10]", "refs: [OWASP-LLM10, OWASP-LLM01]")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    cov = coverage(load_checklist(path), find_framework("owasp-llm"))
    assert [i.id for i in cov.rows[0].items] == ["SEC-01", "SEC-02"]
    assert cov.covered == 2  # still two clauses


def test_unknown_refs_with_the_framework_prefix_are_reported(tmp_path, mini):
    text = (mini / "mini-checklist.yaml").read_text(encoding="utf-8").replace("[OWASP-LLM10]", "[OWASP-LLM10, OWASP-LLM42]")
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    cov = coverage(load_checklist(path), find_framework("OWASP"))  # lint errors are not load errors
    assert cov.unknown_refs == ("OWASP-LLM42",)
    assert cov.covered == 2


def test_find_framework_by_id_or_prefix_in_any_case():
    assert find_framework("eu-ai-act").id == "eu-ai-act"
    assert find_framework("EUAIA").id == "eu-ai-act"
    assert find_framework("kr-aiba").id == "kr-ai-basic-act"
    assert find_framework(" NIST ").id == "nist-ai-rmf"
    with pytest.raises(UsageError) as exc:
        find_framework("gdpr")
    assert "unknown framework 'gdpr'" in exc.value.message and "owasp-llm (OWASP)" in exc.value.message
    assert exc.value.exit_code == 2


def test_coverage_all_and_referenced_frameworks(mini_checklist):
    everything = coverage_all(mini_checklist)
    assert [c.framework.id for c in everything] == list(frameworks())
    cited = [fw.id for fw in referenced_frameworks(mini_checklist)]
    assert cited == [c.framework.id for c in everything if c.covered]
    assert {"eu-ai-act", "owasp-llm", "nist-ai-rmf", "kr-ai-basic-act", "g7-hiroshima", "iso-42001"} == set(cited)


def test_named_frameworks():
    assert [fw.id for fw in named_frameworks("eu-ai-act")] == ["eu-ai-act"]
    assert [fw.id for fw in named_frameworks("nist-ai-rmf-genai")] == ["nist-ai-rmf"]
    assert named_frameworks("genai-baseline") == []
    assert named_frameworks("eu-ai-actually") == []  # a prefix of the id is not enough


def test_included_items_count(mini):
    (mini / "mini.yaml").write_bytes((mini / "mini-checklist.yaml").read_bytes())
    (mini / "sec.yaml").write_text(
        "kind: checklist\nid: sec\nversion: 0.1.0\ntitle: {en: Sec, ko: 보안}\ndescription: {en: D, ko: 설명}\n"
        "include:\n  - {checklist: mini, sections: [safety]}\n",
        encoding="utf-8",
    )
    cov = coverage(load_checklist(mini / "sec.yaml"), find_framework("owasp-llm"))
    assert cov.covered == 2 and {i.origin for i in cov.items} == {"mini"}
