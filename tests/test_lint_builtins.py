"""The built-in library is consistent: checklists and catalog validate and lint clean, ids resolve, sizes hold."""

from __future__ import annotations

import fnmatch

import pytest

from aiaudit.coverage import coverage, find_framework
from aiaudit.library import (
    builtin_checklist,
    builtin_checklist_ids,
    builtin_checklist_path,
    clause_index,
    data_dir,
    frameworks,
)
from aiaudit.lint import lint_source, untranslated_ko, wrong_language_en
from aiaudit.loading import load_file
from aiaudit.validation import validate_file

BUILTINS = builtin_checklist_ids()
FRAMEWORK_FILES = sorted((data_dir("checklists") / "frameworks").glob("*.yaml"))
EXPECTED_CHECKLISTS = {
    "genai-baseline",
    "classroom-genai",
    "eu-ai-act",
    "g7-hiroshima",
    "nist-ai-rmf-genai",
    "kr-ai-basic-act",
    "altai",
    "owasp-llm",
}
EXPECTED_FRAMEWORKS = {
    "eu-ai-act": "EUAIA",
    "g7-hiroshima": "G7",
    "nist-ai-rmf": "NIST",
    "altai": "HLEG",
    "oecd-ai": "OECD",
    "kr-ai-basic-act": "KR-AIBA",
    "iso-42001": "ISO42001",
    "owasp-llm": "OWASP",
}


def errors_of(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics if d.severity == "error"]


def test_the_library_ships_every_checklist_and_framework_of_the_issue():
    assert set(BUILTINS) >= EXPECTED_CHECKLISTS
    catalog = frameworks()
    for fw_id, prefix in EXPECTED_FRAMEWORKS.items():
        assert fw_id in catalog and catalog[fw_id].prefix == prefix


@pytest.mark.parametrize("checklist_id", BUILTINS)
def test_builtin_checklist_validates_and_lints_without_errors(checklist_id):
    assert errors_of(validate_file(builtin_checklist_path(checklist_id)).diagnostics) == []
    result = lint_source(checklist_id)
    assert errors_of(result.diagnostics) == []
    assert result.checklist is not None and result.checklist.items


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_framework_file_validates(path):
    result = validate_file(path)
    assert result.kind == "framework"
    assert errors_of(result.diagnostics) == []


def test_every_reference_of_every_builtin_resolves():
    clauses = clause_index()
    unresolved = [
        f"{cid}: {item.id} -> {ref}"
        for cid in BUILTINS
        for item in builtin_checklist(cid).items
        for ref in item.refs
        if ref not in clauses
    ]
    assert unresolved == []
    assert all(item.refs for cid in BUILTINS for item in builtin_checklist(cid).items)


def test_item_ids_are_defined_once_across_builtins_and_included_copies_match():
    owner: dict[str, str] = {}
    twice = []
    for cid in BUILTINS:
        doc = load_file(builtin_checklist_path(cid))
        for section in doc.data.get("sections", []):
            for raw in section.get("items", []):
                if raw["id"] in owner:
                    twice.append(f"{raw['id']} in {owner[raw['id']]} and {cid}")
                owner.setdefault(raw["id"], cid)
    assert twice == []
    for cid in BUILTINS:
        for item in builtin_checklist(cid).items:
            assert item.origin in BUILTINS
            assert builtin_checklist(item.origin).item(item.id) == item


def test_section_ids_mean_the_same_principle_everywhere():
    principle: dict[str, set[str]] = {}
    for cid in BUILTINS:
        for section in builtin_checklist(cid).sections:
            principle.setdefault(section.id, set()).add(section.principle)
    assert {k: v for k, v in principle.items() if len(v) > 1} == {}


def test_genai_baseline_has_at_least_80_items():
    assert len(builtin_checklist("genai-baseline").items) >= 80


def test_classroom_checklist_has_about_30_items():
    assert "classroom-genai" in BUILTINS
    assert 25 <= len(builtin_checklist("classroom-genai").items) <= 35


def test_every_item_has_guidance_severity_and_remediation():
    for cid in BUILTINS:
        for item in builtin_checklist(cid).items:
            assert item.severity in ("critical", "high", "medium", "low")
            for text in (item.question, item.guidance, item.remediation):
                assert text.en.strip() and text.ko.strip(), (cid, item.id)
            assert len(item.guidance.en) >= 40, f"{cid} {item.id}: guidance should describe good evidence"


def test_clause_ids_start_with_their_framework_prefix_and_are_unique():
    seen: dict[str, str] = {}
    for path in FRAMEWORK_FILES:
        data = load_file(path).data
        prefix = data["prefix"] + "-"
        for clause in data["clauses"]:
            assert clause["id"].startswith(prefix), f"{path.name}: {clause['id']} does not start with {prefix}"
            assert clause["id"] not in seen, f"{clause['id']} in {seen.get(clause['id'])} and {path.name}"
            seen[clause["id"]] = path.name
    prefixes = [fw.prefix for fw in frameworks().values()]
    assert len(prefixes) == len(set(prefixes))


def test_catalog_texts_exist_in_both_languages():
    problems = []
    for fw in frameworks().values():
        texts = [("title", fw.title), ("short", fw.short)]
        for clause in fw.clauses:
            texts += [(f"{clause.id} title", clause.title), (f"{clause.id} summary", clause.summary)]
            if clause.note is not None:
                texts.append((f"{clause.id} note", clause.note))
        for label, text in texts:
            if not text.en.strip() or not text.ko.strip():
                problems.append(f"{fw.id} {label}: blank")
            elif untranslated_ko(text.en, text.ko) or wrong_language_en(text.en):
                problems.append(f"{fw.id} {label}: not translated")
    assert problems == []


@pytest.mark.parametrize(
    ("clause_id", "verified"),
    [
        ("G7-HAIP-RF-6", True),  # regulations.md section 10 confirms the titles of sections 6 and 7
        ("G7-HAIP-RF-7", True),
        ("UNESCO-P07", True),  # section 10: P07–P10 names are correct
        ("UNESCO-P10", True),
        ("UNESCO-P06", True),
        ("KR-AIBA-HIAI-b", True),  # section 10: (나) 먹는물의 생산 공정 confirmed
        ("KR-AIBA-HIAI-c", False),  # (다), (마), (바), (아), (자) still UNVERIFIED
        ("KR-AIBA-HIAI-i", False),
        ("EUAIA-ART5-ba", False),  # Omnibus bans: secondary sources only
        ("EUAIA-ART50-2", True),
        ("OWASP-LLM01", True),
        ("G7-COC-01", True),
    ],
)
def test_unverified_facts_stay_marked(clause_id, verified):
    assert clause_index()[clause_id].verified is verified


#: The clause sets genai-baseline must cover completely (issue 3, "Done means").
REQUIRED = {
    "eu-ai-act": [f"EUAIA-ART{n}" for n in range(9, 16)] + ["EUAIA-ART50-*", "EUAIA-ART53-*", "EUAIA-ART55-*"],
    "g7-hiroshima": ["G7-COC-*"],
    "nist-ai-rmf": ["NIST-GAI-*"],
    "kr-ai-basic-act": ["KR-AIBA-ART31-*", "KR-AIBA-ART32", "KR-AIBA-ART33", "KR-AIBA-ART34", "KR-AIBA-ART35"],
    "owasp-llm": ["OWASP-LLM*"],
}
MINIMUM = {"eu-ai-act": 7 + 5 + 4 + 4, "g7-hiroshima": 11, "nist-ai-rmf": 12, "kr-ai-basic-act": 7, "owasp-llm": 10}


@pytest.mark.parametrize("framework_id", list(REQUIRED))
def test_genai_baseline_covers_the_required_clause_sets(framework_id):
    cov = coverage(builtin_checklist("genai-baseline"), find_framework(framework_id))
    wanted = [r for r in cov.rows if any(fnmatch.fnmatchcase(r.clause.id, p) for p in REQUIRED[framework_id])]
    assert len(wanted) >= MINIMUM[framework_id]
    assert [r.clause.id for r in wanted if not r.covered] == []
