"""The built-in library is consistent: checklists and catalog validate and lint clean, ids resolve, sizes hold."""

from __future__ import annotations

import fnmatch
import itertools

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.library.builtins import builtin_checklist_ids, builtin_checklist_path
from aiaudit.library.catalog import clause_index, frameworks
from aiaudit.library.checklists import builtin_checklist
from aiaudit.library.coverage import coverage, find_framework
from aiaudit.library.lint import lint_source, untranslated_ko, wrong_language_en
from aiaudit.loading import load_file
from aiaudit.paths import data_dir
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
    return [d.format("en") for d in diagnostics if d.severity == "error"]


def test_the_library_ships_every_checklist_and_framework_of_the_issue():
    assert set(BUILTINS) >= EXPECTED_CHECKLISTS
    catalog = frameworks()
    for fw_id, prefix in EXPECTED_FRAMEWORKS.items():
        assert fw_id in catalog and catalog[fw_id].prefix == prefix


@pytest.mark.parametrize("checklist_id", BUILTINS)
def test_builtin_checklist_validates_and_lints_without_errors(checklist_id):
    assert errors_of(validate_file(builtin_checklist_path(checklist_id), kinds()).diagnostics) == []
    result = lint_source(checklist_id)
    assert errors_of(result.diagnostics) == []
    assert result.checklist is not None and result.checklist.items


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_framework_file_validates(path):
    result = validate_file(path, kinds())
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
#: Issue 11 adds the provider and deployer duties beyond Arts. 9–15 (Arts. 16, 25, 43, 47–49, 72, 86), the
#: Korean right to explanation (Art. 3(2)) and G7 Principle 12 for all AI actors.
EU_DUTIES_BEYOND_9_15 = [f"EUAIA-ART{n}" for n in (16, 17, 25, 26, 27, 43, 47, 48, 49, 72, 73, 86)]
REQUIRED = {
    "eu-ai-act": [f"EUAIA-ART{n}" for n in range(9, 16)]
    + ["EUAIA-ART50-*", "EUAIA-ART53-*", "EUAIA-ART55-*"]
    + EU_DUTIES_BEYOND_9_15,
    "g7-hiroshima": ["G7-COC-*", "G7-GP-12"],
    "nist-ai-rmf": ["NIST-GAI-*"],
    "kr-ai-basic-act": ["KR-AIBA-ART3-2", "KR-AIBA-ART31-*", "KR-AIBA-ART32", "KR-AIBA-ART33", "KR-AIBA-ART34", "KR-AIBA-ART35"],
    "owasp-llm": ["OWASP-LLM*"],
}
MINIMUM = {"eu-ai-act": 7 + 5 + 4 + 4 + 12, "g7-hiroshima": 12, "nist-ai-rmf": 12, "kr-ai-basic-act": 8, "owasp-llm": 10}


@pytest.mark.parametrize("framework_id", list(REQUIRED))
def test_genai_baseline_covers_the_required_clause_sets(framework_id):
    cov = coverage(builtin_checklist("genai-baseline"), find_framework(framework_id))
    wanted = [r for r in cov.rows if any(fnmatch.fnmatchcase(r.clause.id, p) for p in REQUIRED[framework_id])]
    assert len(wanted) >= MINIMUM[framework_id]
    assert [r.clause.id for r in wanted if not r.covered] == []


# --- clause applicability (issue 11) ----------------------------------------------------------------

LAWS = {"eu-ai-act": "eu_ai_act", "kr-ai-basic-act": "kr_ai_basic_act"}
SCHEME_CATEGORIES = {
    "eu_ai_act": {"prohibited", "high-risk", "high-risk-annex-i", "high-risk-annex-iii"}
    | {f"annex-iii-{n}" for n in range(1, 9)}
    | {"interacts", "generates", "emotion-biometric", "deepfakes", "transparency", "gpai", "gpai-systemic", "gpai-open"},
    "kr_ai_basic_act": {"high-impact", "generative", "deepfakes", "high-performance"},
}
#: Clauses of a law with neither obligation group nor applies_to: they bind every system in scope.
BINDS_EVERY_SYSTEM = {
    "eu-ai-act": {"EUAIA-ART4"} | {f"EUAIA-ART5-{p}" for p in ("a", "b", "c", "d", "e", "f", "g", "h", "ba", "bb")},
    "kr-ai-basic-act": {"KR-AIBA-ART3-2", "KR-AIBA-ART33", "KR-AIBA-ART36"},
}


def catalog_files() -> dict[str, dict]:
    return {path.stem: load_file(path).data for path in FRAMEWORK_FILES}


def test_laws_have_a_scope_and_voluntary_frameworks_do_not():
    for fw_id, data in catalog_files().items():
        if fw_id in LAWS:
            assert data["scope"]["scheme"] == LAWS[fw_id] and data["obligations"]
        elif fw_id.startswith("kr-"):  # Korean laws beyond the AI Basic Act bind every system offered in Korea
            assert data["scope"] == {"regions": ["KR"]} and "obligations" not in data, fw_id
        else:
            assert "scope" not in data and "obligations" not in data, fw_id
            assert not [c["id"] for c in data["clauses"] if "obligation" in c or "applies_to" in c], fw_id


@pytest.mark.parametrize("fw_id", list(LAWS))
def test_obligation_groups_and_categories_fit_the_scheme(fw_id):
    data = catalog_files()[fw_id]
    vocabulary = SCHEME_CATEGORIES[data["scope"]["scheme"]]
    groups = {g["id"]: g for g in data["obligations"]}
    used = {c["obligation"] for c in data["clauses"] if "obligation" in c}
    assert used <= set(groups) and set(groups) <= used  # every group is named by a clause, and exists
    categories = [cat for g in groups.values() for cat in g.get("categories", [])]
    categories += [d["when"] for g in groups.values() for d in g["dates"] if "when" in d]
    categories += [cat for c in data["clauses"] for cat in c.get("applies_to", {}).get("categories", [])]
    assert set(categories) <= vocabulary
    for clause in data["clauses"]:
        if clause.get("informational"):
            assert "obligation" not in clause and "applies_to" not in clause, clause["id"]


@pytest.mark.parametrize("fw_id", list(LAWS))
def test_every_clause_of_a_law_says_whom_it_binds(fw_id):
    data = catalog_files()[fw_id]
    everyone = {c["id"] for c in data["clauses"] if not ({"obligation", "applies_to", "informational"} & set(c))}
    assert everyone == BINDS_EVERY_SYSTEM[fw_id]


def test_high_risk_dates_follow_the_amended_art_113_and_art_50_2_binds_every_generative_provider():
    data = catalog_files()["eu-ai-act"]
    (group,) = [g for g in data["obligations"] if g["id"] == "high-risk"]
    dates = {(d["when"], d["applies_from"], d["original"]) for d in group["dates"]}
    assert dates == {("high-risk-annex-iii", "2027-12-02", "2026-08-02"), ("high-risk-annex-i", "2028-08-02", "2027-08-02")}
    clauses = {c["id"]: c for c in data["clauses"]}
    high_risk = [c for c in clauses.values() if c.get("obligation") == "high-risk"]
    assert {"EUAIA-ART9", "EUAIA-ART16", "EUAIA-ART25", "EUAIA-ART43", "EUAIA-ART72", "EUAIA-ART73", "EUAIA-ART86"} <= {
        c["id"] for c in high_risk
    }
    # a date of its own only where it differs from the group: Annex III-only duties
    assert {c["id"] for c in high_risk if "applies_from" in c} == {"EUAIA-ART6-3", "EUAIA-ART49"}
    assert clauses["EUAIA-ART50-2"]["applies_to"] == {"roles": ["provider"], "categories": ["generates"]}
    assert clauses["EUAIA-ART53-2"]["applies_to"]["categories"] == ["gpai-open"]
    assert "gpai-open" not in clauses["EUAIA-ART53-1a"]["applies_to"]["categories"]


#: Items that screen which duties of an article apply: they apply to every system in the region even
#: when none of the duties they list does, and they do not count as serving those duties.
SCREENING_ITEMS = {"EU-ART50-01"}


def _stand_in_classification(system: dict) -> tuple[set[str], set[str], set[str]]:
    """Roles, EU categories and Korean categories of a test profile: a stand-in for the audit's
    classification (the categories the catalog's applies_to uses), good enough to compare conditions."""
    roles = {r for r in ("provider", "deployer") if r in system["role"]}
    roles |= {"gpai-provider"} if system["gpai"] else set()
    eu = system["classification"]["eu_ai_act"]
    cats = {f"annex-iii-{n}" for n in eu["annex_iii"]}
    if system["risk_tier"] == "high":
        cats |= {"high-risk", "high-risk-annex-iii"}
    if system["gpai"]:
        cats |= {"gpai-systemic", "gpai"} if eu["systemic_risk"] else {"gpai-open"} if eu.get("open") else {"gpai"}
    if {"text", "image", "audio", "video"} & set(system["modalities"]):
        cats.add("generates")
    if system["public_facing"]:
        cats.add("interacts")
    if "image" in system["modalities"]:
        cats.add("deepfakes")
    if cats & {"generates", "interacts", "deepfakes"}:
        cats.add("transparency")
    kr = set(system["classification"]["kr_ai_basic_act"]["categories"])
    return roles, cats, kr | ({"deepfakes"} if "image" in system["modalities"] else set())


def _binding(data: dict) -> dict[str, tuple]:
    groups = {g["id"]: g for g in data.get("obligations", [])}
    out = {}
    for c in data["clauses"]:
        if not c.get("informational"):
            to = c.get("applies_to", {})
            out[c["id"]] = (to.get("roles"), to.get("categories") or groups.get(c.get("obligation"), {}).get("categories"))
    return out


def test_item_conditions_do_not_contradict_the_catalog():
    """Over a grid of system profiles: every clause of a law that binds the system is cited by an item that
    applies, and no applicable item cites only duties of that law that do not bind the system."""
    from aiaudit.library.conditions import applies

    catalogs = catalog_files()
    binding = {"EU": _binding(catalogs["eu-ai-act"]), "KR": _binding(catalogs["kr-ai-basic-act"])}
    prefix = {"EU": "EUAIA-", "KR": "KR-AIBA-"}
    items = builtin_checklist("genai-baseline").items
    grid = itertools.product(
        ("provider", "deployer", "provider-deployer"),
        ("minimal", "limited", "high"),
        ("none", "gpai", "systemic", "open"),
        (["text"], ["image"], ["code"]),
        (True, False),
        ("EU", "KR"),
        ([], [4]),
        ([], ["high-impact"], ["high-performance"]),
    )
    problems = set()
    for role, tier, gpai, modalities, public, region, annex, kr in grid:
        generative = ["generative"] if {"text", "image"} & set(modalities) else []
        system = {
            "regions": [region], "role": role, "risk_tier": tier, "gpai": gpai != "none", "modalities": modalities,
            "public_facing": public, "users": ["consumers"],
            "classification": {
                "eu_ai_act": {"category": tier, "annex_iii": annex, "systemic_risk": gpai == "systemic", "open": gpai == "open"},
                "kr_ai_basic_act": {"categories": kr + generative},
            },
        }  # fmt: skip
        roles, eu_cats, kr_cats = _stand_in_classification(system)
        cats = eu_cats if region == "EU" else kr_cats
        live = {
            cid
            for cid, (need_roles, need_cats) in binding[region].items()
            if (not need_roles or roles & set(need_roles)) and (not need_cats or cats & set(need_cats))
        }
        applicable = [i for i in items if applies(i.applies_when, system)]
        for cid in live - {r for i in applicable if i.id not in SCREENING_ITEMS for r in i.refs}:
            problems.add(f"{cid} binds ({role}, {tier}, {gpai}, {modalities}) but no applicable item cites it")
        for item in applicable:
            law = [r for r in item.refs if r.startswith(prefix[region])]
            only_law = all(r.startswith(("EUAIA-", "KR-AIBA-")) for r in item.refs)
            if law and only_law and item.id not in SCREENING_ITEMS and not set(law) & (live | _informational(catalogs)):
                problems.add(f"{item.id} applies to ({role}, {tier}, {gpai}, {modalities}) but none of {law} does")
    assert sorted(problems) == []


def _informational(catalogs: dict) -> set[str]:
    return {c["id"] for data in catalogs.values() for c in data["clauses"] if c.get("informational")}
