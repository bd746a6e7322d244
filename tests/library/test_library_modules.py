"""The library's modules (issue 15): each is a clean checklist with a module reason and an applies_when that
selects the right system profiles; the Korean catalog clauses they add are all served; the music example holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.library.builtins import builtin_checklist_ids, builtin_checklist_path
from aiaudit.library.catalog import clause_index, framework_of, frameworks
from aiaudit.library.checklists import builtin_checklist
from aiaudit.library.conditions import FIELDS, applies
from aiaudit.library.lint import lint_source
from aiaudit.loading import load_file
from aiaudit.paths import data_dir
from aiaudit.validation import validate_file

#: Module id -> the item-id prefix of its own items.
MODULES = {
    "creative-media": "CRM",
    "agents": "AGT",
    "open-models": "OPN",
    "education": "EDUC",
    "healthcare": "MED",
    "search-assistants": "SRCH",
    "code-assistants": "CODE",
    "kr-startup": "KRS",
}
#: The Korean frameworks added with the modules, by prefix.
KOREAN_FRAMEWORKS = {
    "kr-pipa": "KR-PIPA",
    "kr-copyright": "KR-CRA",
    "kr-consumer": "KR-CONS",
    "kr-election": "KR-POEA",
    "kr-network-act": "KR-NETA",
    "kr-unfair-competition": "KR-UCPA",
    "kr-sexual-crimes": "KR-SVA",
}
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "music-startup" / "audit.yaml"


def raw(checklist_id: str) -> dict:
    return load_file(builtin_checklist_path(checklist_id)).data


def own_items(checklist_id: str) -> list[dict]:
    return [item for section in raw(checklist_id).get("sections", []) for item in section["items"]]


def module_ids() -> list[str]:
    return sorted(cid for cid in builtin_checklist_ids() if "module" in raw(cid))


# --- shape of every module ---------------------------------------------------------------------


def test_the_library_ships_exactly_the_eight_modules():
    assert module_ids() == sorted(MODULES)


@pytest.mark.parametrize("module_id", sorted(MODULES))
def test_module_validates_and_lints_without_any_diagnostic(module_id):
    assert list(validate_file(builtin_checklist_path(module_id), kinds()).diagnostics) == []
    result = lint_source(module_id)
    assert [d.format() for d in result.diagnostics] == []
    data = raw(module_id)
    assert data["module"]["reason"]["en"].strip() and data["module"]["reason"]["ko"].strip()
    assert data["applies_when"]
    assert "include" not in data  # modules carry their own items; they are listed beside genai-baseline


@pytest.mark.parametrize(("module_id", "prefix"), sorted(MODULES.items()))
def test_module_items_follow_the_item_format(module_id, prefix):
    items = own_items(module_id)
    assert 8 <= len(items) <= 16
    for item in items:
        assert item["id"].startswith(prefix + "-"), item["id"]
        assert "weight" not in item, item["id"]  # severity carries the importance
        assert item["evidence"] in ("required", "optional", "none")
        assert item["guidance"]["en"].startswith("Good evidence: "), item["id"]
        assert item["guidance"]["ko"].startswith("좋은 증빙: "), item["id"]


@pytest.mark.parametrize("module_id", sorted(MODULES))
def test_module_draws_on_several_frameworks(module_id):
    cited = {framework_of(ref).id for item in builtin_checklist(module_id).items for ref in item.refs}
    assert len(cited) >= 5


def test_module_prefixes_do_not_collide_with_other_items():
    others = {item["id"].split("-")[0] for cid in builtin_checklist_ids() if cid not in MODULES for item in own_items(cid)}
    assert others.isdisjoint(MODULES.values())


def test_module_conditions_only_use_known_profile_fields():
    assert {"system.sectors", "system.agentic", "system.releases_weights", "system.uses_open_weights"} <= set(FIELDS)


# --- applies_when selects the right modules ---------------------------------------------------------


def proposed(system: dict) -> set[str]:
    return {cid for cid in MODULES if applies(builtin_checklist(cid).applies_when, system)}


PROFILES = [
    ("empty profile", {"name": "x"}, set()),
    ("Korean text chatbot", {"name": "x", "modalities": ["text"], "regions": ["KR"], "users": ["consumers"]}, {"kr-startup"}),
    (
        "Korean music start-up",
        {
            "name": "x",
            "modalities": ["text", "music", "voice"],
            "regions": ["KR"],
            "sectors": ["creative-media"],
            "uses_open_weights": True,
        },
        {"creative-media", "kr-startup", "open-models"},
    ),
    ("image generator in the EU", {"name": "x", "modalities": ["image"], "regions": ["EU"]}, {"creative-media"}),
    ("label's recommender, text only", {"name": "x", "modalities": ["text"], "sectors": ["creative-media"]}, {"creative-media"}),
    (
        "coding agent in the US",
        {"name": "x", "modalities": ["text", "code"], "regions": ["US"], "agentic": True},
        {"agents", "code-assistants"},
    ),
    (
        "hospital triage assistant",
        {"name": "x", "modalities": ["text"], "regions": ["EU"], "sectors": ["healthcare"]},
        {"healthcare"},
    ),
    ("school tutor", {"name": "x", "modalities": ["text"], "sectors": ["education"], "users": ["minors"]}, {"education"}),
    ("study app for students", {"name": "x", "modalities": ["text"], "users": ["students"]}, {"education"}),
    ("answer engine", {"name": "x", "modalities": ["text"], "sectors": ["search"]}, {"search-assistants"}),
    ("lab releasing weights", {"name": "x", "modalities": ["text"], "releases_weights": True}, {"open-models"}),
    ("agentic flag false", {"name": "x", "modalities": ["text"], "agentic": False, "uses_open_weights": False}, set()),
    ("offered globally", {"name": "x", "modalities": ["text"], "regions": ["GLOBAL"]}, {"kr-startup"}),
]


@pytest.mark.parametrize(("label", "system", "expected"), PROFILES, ids=[p[0] for p in PROFILES])
def test_modules_proposed_for_sample_profiles(label, system, expected):
    assert proposed(system) == expected


def test_open_models_sections_follow_the_side_the_team_is_on():
    module = builtin_checklist("open-models")
    releaser = {"name": "x", "releases_weights": True}
    user = {"name": "x", "uses_open_weights": True}
    by_section = {s.id: s.items for s in module.sections}
    assert all(applies(i.applies_when, releaser) and not applies(i.applies_when, user) for i in by_section["open-release"])
    assert all(applies(i.applies_when, user) and not applies(i.applies_when, releaser) for i in by_section["open-use"])


def test_deepfake_victims_item_only_for_systems_that_make_images_audio_or_video():
    item = builtin_checklist("genai-baseline").item("SAFE-14")
    assert not applies(item.applies_when, {"name": "x", "modalities": ["text"]})
    assert applies(item.applies_when, {"name": "x", "modalities": ["voice"]})
    assert applies(item.applies_when, {"name": "x", "modalities": ["music"]})


# --- the Korean catalog ----------------------------------------------------------------------------


def test_korean_frameworks_are_in_the_catalog_with_sources():
    catalog = frameworks()
    for fw_id, prefix in KOREAN_FRAMEWORKS.items():
        assert catalog[fw_id].prefix == prefix
        for clause in catalog[fw_id].clauses:
            assert clause.source and clause.source.startswith("https://"), clause.id


def test_every_new_clause_is_served_by_an_item():
    served = {ref for cid in builtin_checklist_ids() for item in builtin_checklist(cid).items for ref in item.refs}
    new = [c.id for fw_id in KOREAN_FRAMEWORKS for c in frameworks()[fw_id].clauses]
    assert len(new) >= 30
    assert [c for c in new if c not in served] == []


def test_kr_startup_covers_every_korean_clause_it_adds():
    refs = {ref for item in builtin_checklist("kr-startup").items for ref in item.refs}
    new = {c.id for fw_id in KOREAN_FRAMEWORKS for c in frameworks()[fw_id].clauses}
    assert new <= refs


@pytest.mark.parametrize(
    ("clause_id", "verified"),
    [
        ("KR-POEA-ART82-8-1", True),  # 90-day ban: Ministry of Legislation's easylaw page and press
        ("KR-PIPA-ART37-2", True),
        ("KR-CRA-ART35-5", True),
        ("KR-UCPA-ART2-1-TA", True),
    ],
)
def test_korean_clause_verification_flags(clause_id, verified):
    assert clause_index()[clause_id].verified is verified


# --- genai-baseline gap items and classroom-genai -----------------------------------------------------


def test_genai_baseline_gains_the_general_gap_items():
    baseline = builtin_checklist("genai-baseline")
    for item_id, section in [
        ("TR-10", "transparency"),
        ("TR-11", "transparency"),
        ("PRIV-13", "privacy"),
        ("PRIV-14", "privacy"),
        ("SAFE-14", "safety"),
        ("ACC-20", "accountability"),
    ]:
        assert baseline.item(item_id).section_id == section


def test_classroom_checklist_covers_the_course_topics():
    classroom = builtin_checklist("classroom-genai")
    ids = {item.id for item in classroom.items}
    # XAI, disinformation, reporting, open source, creative impact, discussion, reflection
    assert {"TR-10", "SAFE-08", "ACC-08", "EDU-07", "EDU-08", "EDU-09", "EDU-10"} <= ids
    assert 25 <= len(ids) <= 35


def test_classroom_rubric_credits_discussion_and_reflection():
    from aiaudit.grading.rubric import load_rubric

    rubric = load_rubric("preset:classroom-default")
    criteria = {c.id: c for c in rubric.criteria}
    assert criteria["discussion"].measure == "manual" and criteria["reflection"].measure == "manual"
    assert "EDU-09" in criteria["discussion"].guidance.en and "EDU-10" in criteria["reflection"].guidance.en
    assert sum(c.points for c in rubric.criteria) == 100


# --- the music-startup example ---------------------------------------------------------------------


def test_music_example_validates_and_uses_the_modules():
    result = validate_file(EXAMPLE, kinds())
    assert [d.format() for d in result.diagnostics if d.severity == "error"] == []
    data = load_file(EXAMPLE).data
    assert [c["id"] for c in data["checklists"]] == ["genai-baseline", "creative-media", "kr-startup", "open-models"]
    system = data["system"]
    assert system["sectors"] == ["creative-media"] and {"music", "voice"} <= set(system["modalities"])
    assert proposed(system) == {"creative-media", "kr-startup", "open-models"}
    statuses = [a["status"] for a in data["answers"].values()]
    assert "unanswered" not in statuses and statuses.count("not_met") >= 2 and statuses.count("partial") >= 5
    for answer in data["answers"].values():
        for ev in answer.get("evidence", []):
            assert (EXAMPLE.parent / ev["path"]).is_file() and "sha256" in ev and "size" in ev


def test_music_example_is_in_the_package_data_folder():
    assert (data_dir("checklists") / "creative-media.yaml").is_file()
