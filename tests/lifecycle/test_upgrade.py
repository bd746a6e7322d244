"""Checklist change records and ``aiaudit upgrade`` across the real change of genai-baseline (1.0.0 → 1.1.0)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from aiaudit.audit.load import audit_from_file, load_audit
from aiaudit.audit.upgrade import plan_upgrade, upgrade
from aiaudit.library.checklists import builtin_checklist, checklist_from_file, version_key
from aiaudit.loading import load_file

V010 = Path(__file__).parent / "fixtures" / "v010"

ROOT = Path(__file__).resolve().parents[2]
TEXT = "{en: Text, ko: 글}"
OLD_SHA = "cc7839bf4b4711a830a971986218f7e4c4f7694e2b20eb1d350a8e55b0b7c29c"


def test_genai_baseline_records_its_split_items_as_data():
    checklist = builtin_checklist("genai-baseline")
    assert checklist.version == "1.1.0"
    (record,) = [c for c in checklist.changes if c.checklist == "genai-baseline"]
    assert record.version == "1.1.0"
    assert record.split["EU-ART13-01"] == tuple(f"EU-ART13-{n:02d}" for n in range(2, 12))
    assert record.split["EU-ART26-02"] == ("EU-ART26-08", "EU-ART26-09", "EU-ART49-02")
    ids = {i.id for i in checklist.items}
    assert not set(record.split) & ids and all(t in ids for v in record.split.values() for t in v)
    assert set(record.added) <= ids and "KR-04" in record.reworded


def test_the_yaml_comments_and_the_records_agree():
    """Every `# split from X` comment in the YAML is in the change records, and nothing else is."""
    text = (ROOT / "checklists" / "genai-baseline.yaml").read_text(encoding="utf-8").splitlines()
    from_comments: dict[str, list[str]] = {}
    for line, following in zip(text, text[1:], strict=False):
        if line.strip().startswith("# split from "):
            from_comments.setdefault(line.split()[-1], []).append(following.split("id:")[1].strip())
    record = builtin_checklist("genai-baseline").changes[0]
    assert {k: tuple(v) for k, v in from_comments.items()} == record.split


def test_included_checklists_inherit_the_records():
    eu = builtin_checklist("eu-ai-act")
    assert any(c.checklist == "genai-baseline" and "EU-ART13-01" in c.split for c in eu.changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ("[{version: 1.0.0, split: {A-01: [A-02, A-03]}}]", "names item A-03, which this checklist does not have"),
        ("[{version: 1.0.0, removed: {A-02: {en: gone, ko: 삭제}}}]", "still has it"),
        ("[{version: 2.0.0, added: [A-02]}]", "newer than the checklist's version 1.0.0"),
        ("[{version: 1.0.0}, {version: 0.9.0}]", "is not newer than the record before it"),
    ],
)
def test_change_records_that_do_not_fit_are_e313(tmp_path, changes, message):
    path = tmp_path / "c.yaml"
    path.write_text(
        f"kind: checklist\nid: c\nversion: 1.0.0\ntitle: {TEXT}\ndescription: {TEXT}\n"
        f"changes: {changes}\n"
        f"sections:\n  - id: s\n    principle: ethics\n    title: {TEXT}\n    items:\n"
        f"      - {{id: A-02, question: {TEXT}, guidance: {TEXT}, severity: low, refs: [NIST-MAP-1], remediation: {TEXT}}}\n",
        encoding="utf-8",
    )
    _, problems = checklist_from_file(path)
    assert any(d.code == "E313" and message in d.message for d in problems), problems


def test_version_order():
    assert version_key("1.10.0") > version_key("1.9.0") > version_key("1.9.0-rc1")


def test_the_0_1_0_fixture_was_a_valid_audit_for_genai_baseline_1_0_0(tmp_path):
    """Checked against the real old checklist from git history (skipped without it, e.g. in an sdist)."""
    try:
        old = subprocess.run(
            ["git", "show", "4c77974:checklists/genai-baseline.yaml"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git history of aiaudit is not available")
    (tmp_path / "genai-baseline-1.0.0.yaml").write_bytes(old)
    import hashlib

    assert hashlib.sha256(old).hexdigest() == OLD_SHA
    for name in ("eu-provider", "support-chatbot"):
        folder = tmp_path / name
        shutil.copytree(V010 / name, folder)
        text = (folder / "audit.yaml").read_text(encoding="utf-8")
        ref = f'{{id: "genai-baseline", version: "1.0.0", sha256: {OLD_SHA}}}'
        assert ref in text
        shutil.copy(tmp_path / "genai-baseline-1.0.0.yaml", folder)  # a checklist file stays inside the audit's folder
        (folder / "audit.yaml").write_text(text.replace(ref, "{path: genai-baseline-1.0.0.yaml}"), encoding="utf-8")
        audit, problems = audit_from_file(folder / "audit.yaml")
        assert audit is not None and [d for d in problems if d.severity == "error"] == []


def test_validate_points_at_upgrade(eu_provider, invoke):
    result = invoke("validate", eu_provider)
    assert result.exit_code == 1
    w401 = "warning[W401]: audit was made for genai-baseline 1.0.0; the installed checklist is 1.1.0: run `aiaudit upgrade"
    assert f"{w401} {eu_provider}`" in result.stdout
    e401 = "error[E401]: no checklist of this audit has an item 'EU-ART26-02': genai-baseline 1.1.0 replaced it by"
    assert f"{e401} EU-ART26-08, EU-ART26-09, EU-ART49-02" in result.stdout
    ko = invoke("validate", eu_provider, "--lang", "ko")
    assert "`aiaudit upgrade" in ko.stdout and "옮기세요" in ko.stdout


def test_dry_run_shows_the_plan_and_writes_nothing(eu_provider, invoke):
    before = eu_provider.read_bytes()
    result = invoke("upgrade", eu_provider, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "genai-baseline 1.0.0 → 1.1.0 (sha256 cc7839bf4b47…" in out
    assert (
        "split     EU-ART13-01 (met) → EU-ART13-02, EU-ART13-03" in out and "answer copied to 10 items [marked for review]" in out
    )
    assert "split     EU-ART26-02 (not applicable) → EU-ART26-08, EU-ART26-09, EU-ART49-02" in out
    assert "reworded  KR-04" in out and "re-cited  TR-06" in out
    assert "4 answers carried over, 29 marked for review, 0 retired, 16 new items to answer" in out
    assert "dry run: nothing written" in out
    assert eu_provider.read_bytes() == before


def test_upgrade_across_the_real_change_carries_every_answer(eu_provider, invoke):
    before = yaml.safe_load(eu_provider.read_text(encoding="utf-8"))["answers"]
    result = invoke("upgrade", eu_provider)
    assert result.exit_code == 0, result.output
    assert f"wrote {eu_provider}" in result.stdout and "--review" in result.stdout
    text = eu_provider.read_text(encoding="utf-8")
    assert "# aiaudit audit file, as aiaudit 0.1.0 wrote it" in text  # comments kept
    data = yaml.safe_load(text)
    answers = data["answers"]
    assert data["checklists"][0]["version"] == "1.1.0"
    assert data["checklists"][0]["sha256"] == builtin_checklist("genai-baseline").sha256
    for old, new_ids in builtin_checklist("genai-baseline").changes[0].split.items():
        assert old not in answers
        for new in new_ids:
            carried = answers[new]
            for key in ("status", "notes", "evidence", "answered_by", "date"):
                assert carried.get(key) == before[old].get(key)
            assert carried["review"] == {"reason": "split", "from": [old], "checklist": "genai-baseline", "version": "1.1.0"}
    assert answers["KR-04"]["review"]["reason"] == "reworded"
    assert "review" not in answers["TR-06"] and answers["TR-06"] == before["TR-06"]
    assert answers["ETH-01"] == before["ETH-01"]
    # valid now: no E401; every carried answer is a W405 warning
    audit, problems = audit_from_file(eu_provider)
    assert [d for d in problems if d.severity == "error"] == []
    assert sum(d.code == "W405" for d in problems) == 29
    assert not any(d.code == "W401" for d in problems)
    # a second run has nothing to do
    again = invoke("upgrade", eu_provider)
    assert "up to date" in again.stdout and eu_provider.read_text(encoding="utf-8") == text


def test_answering_again_clears_the_review_mark(eu_provider, invoke):
    invoke("upgrade", eu_provider)
    status = invoke("status", eu_provider)
    assert "Marked for review after a checklist upgrade: 29 answers" in status.stdout
    done = invoke(
        "answer", eu_provider, "EU-ART13-02", "--status", "partial", "--note", "Checked: the IFU lacks the log section."
    )
    assert done.exit_code == 0, done.output
    answers = yaml.safe_load(eu_provider.read_text(encoding="utf-8"))["answers"]
    assert "review" not in answers["EU-ART13-02"] and "review" in answers["EU-ART13-03"]


def test_the_real_0_1_0_example_upgrades_to_a_valid_audit(chatbot_010, invoke):
    result = invoke("upgrade", chatbot_010)
    assert result.exit_code == 0, result.output
    assert "re-cited  TR-06, ACC-06, ACC-12, KR-01" in result.stdout
    audit = load_audit(chatbot_010)
    assert audit.checklist_refs[0].version == "1.1.0"
    old = yaml.safe_load((V010 / "support-chatbot" / "audit.yaml").read_text(encoding="utf-8"))["answers"]
    assert set(audit.answers) == set(old) and len(old) == 94
    lines = chatbot_010.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == (V010 / "support-chatbot" / "audit.yaml").read_text(encoding="utf-8").splitlines()[:3]


def _audit(folder: Path, checklist_changes: str, answers: str, version: str = "1.0.0") -> Path:
    items = "".join(
        f"      - {{id: {i}, question: {TEXT}, guidance: {TEXT}, severity: high, refs: [NIST-MAP-1], remediation: {TEXT}}}\n"
        for i in ("A-01", "A-02", "A-03", "B-01", "C-01")
    )
    (folder / "c.yaml").write_text(
        f"kind: checklist\nid: c\nversion: 2.0.0\ntitle: {TEXT}\ndescription: {TEXT}\n"
        f"changes:\n{checklist_changes}"
        f"sections:\n  - id: s\n    principle: ethics\n    title: {TEXT}\n    items:\n{items}",
        encoding="utf-8",
    )
    path = folder / "audit.yaml"
    path.write_text(
        f"kind: audit\nformat: 1\nchecklists:\n  - {{path: c.yaml, version: {version}}}\n"
        f"system: {{name: S}}\nanswers:\n{answers}",
        encoding="utf-8",
    )
    return path


def test_merged_renamed_removed_and_conflicts(tmp_path):
    changes = (
        "  - version: 2.0.0\n"
        "    renamed: {OLD-R: C-01}\n"
        "    merged: {B-01: [OLD-M1, OLD-M2]}\n"
        "    removed: {OLD-X: {en: gone, ko: 삭제}}\n"
        "    split: {OLD-S: [A-01, A-02]}\n"
    )
    answers = (
        "  OLD-R: {status: met, notes: renamed one}\n"
        "  OLD-M1: {status: met, notes: first, evidence: [{url: 'https://example.com/a'}], date: '2026-01-01'}\n"
        "  OLD-M2: {status: not_met, notes: second, date: '2026-02-01'}\n"
        "  OLD-X: {status: partial, notes: removed item}\n"
        "  OLD-S: {status: met, notes: split one}\n"
        "  A-01: {status: not_met, notes: own answer}\n"
    )
    path = _audit(tmp_path, changes, answers)
    plan = upgrade(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers = data["answers"]
    assert answers["C-01"] == {"status": "met", "notes": "renamed one"}  # no review for a rename
    assert answers["B-01"]["status"] == "partial"
    assert answers["B-01"]["notes"] == "OLD-M1 (met): first\n\nOLD-M2 (not_met): second"
    assert answers["B-01"]["evidence"] == [{"url": "https://example.com/a"}] and answers["B-01"]["date"] == "2026-02-01"
    assert answers["B-01"]["review"]["reason"] == "merged" and answers["B-01"]["review"]["from"] == ["OLD-M1", "OLD-M2"]
    assert answers["A-01"] == {"status": "not_met", "notes": "own answer"}  # its own answer is kept
    assert answers["A-02"]["review"]["from"] == ["OLD-S"]
    assert data["retired_answers"]["OLD-X"] == {
        "answer": {"status": "partial", "notes": "removed item"},
        "reason": "removed",
        "checklist": "c",
        "version": "2.0.0",
    }
    split = next(s for s in plan.steps if s.kind == "split")
    assert split.conflicts == ("A-01",) and split.targets == ("A-02",)
    assert not any(k.startswith("OLD-") for k in answers)
    assert load_audit(path).answers["B-01"].review["reason"] == "merged"


def test_an_answer_with_nowhere_to_go_is_retired_not_dropped(tmp_path):
    changes = "  - version: 2.0.0\n    split: {OLD-S: [A-01]}\n"
    path = _audit(tmp_path, changes, "  OLD-S: {status: met, notes: n}\n  A-01: {status: partial}\n")
    upgrade(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["retired_answers"]["OLD-S"]["reason"] == "conflict"
    assert data["retired_answers"]["OLD-S"]["answer"] == {"status": "met", "notes": "n"}


def test_records_older_than_the_pin_do_not_apply(tmp_path):
    changes = "  - version: 1.5.0\n    reworded: [A-01]\n  - version: 2.0.0\n    reworded: [A-02]\n"
    path = _audit(tmp_path, changes, "  A-01: {status: met}\n  A-02: {status: met}\n", version="1.5.0")
    plan = plan_upgrade(load_file(path), audit_from_file(path)[0])
    assert "review" not in plan.answers["A-01"] and plan.answers["A-02"]["review"]["reason"] == "reworded"


def test_an_audit_with_other_errors_is_refused(eu_provider, invoke):
    (eu_provider.parent / "evidence" / "qms.md").unlink()
    before = eu_provider.read_bytes()
    result = invoke("upgrade", eu_provider)
    assert result.exit_code == 1
    assert "error[E403]" in result.stderr and eu_provider.read_bytes() == before


def test_json_plan(eu_provider, invoke):
    result = invoke("upgrade", eu_provider, "--dry-run", "--format", "json")
    data = json.loads(result.stdout)
    assert data["counts"] == {"carried": 4, "review": 29, "retired": 0, "added": 16}
    assert data["written"] is False and data["checklists"][0]["new_version"] == "1.1.0"
