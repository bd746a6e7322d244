"""Grading building blocks: measures, late penalty, rounding, similarity, discovery, overrides, CSV safety."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import audit_from_file
from aiaudit.diagnostics import DiagnosticError
from aiaudit.grading import criteria as C
from aiaudit.grading.batch import _sniff_kind, discover, team_key
from aiaudit.grading.outputs import format_points, safe_cell
from aiaudit.grading.overrides import load_overrides
from aiaudit.grading.rubric import Criterion, Late, SimilarityRule, load_rubric
from aiaudit.grading.similarity import shingles, similar_pairs

TZ = dt.timezone(dt.timedelta(hours=9))
DEADLINE = dt.datetime(2026, 12, 15, 23, 59, tzinfo=TZ)


def _evaluate(folder: Path, **answers):
    """The mini audit with some answers replaced (None removes one)."""
    path = folder / "audit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item_id, answer in answers.items():
        item_id = item_id.replace("_", "-")
        if answer is None:
            data["answers"].pop(item_id, None)
        else:
            data["answers"][item_id] = answer
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    audit, problems = audit_from_file(path)
    assert audit is not None, problems
    return evaluate(audit)


def crit(measure: str, points: int = 10, **kw) -> Criterion:
    return Criterion("c", measure, Decimal(points), **kw)


# --- measures -----------------------------------------------------------------------------------------


def test_measures_on_the_mini_audit(mini):
    ev = _evaluate(mini)  # TR-01 met + evidence, SEC-01 partial (21 chars), SEC-02 na (justified), ACC-01 not_met (no note)
    assert C.answered_ratio(ev, crit("answered_ratio")).ratio == 1
    assert C.evidence_present_ratio(ev, crit("evidence_present_ratio")).ratio == 1
    justified = C.justified_ratio(ev, crit("justified_ratio", min_note_chars=22))
    assert justified.ratio == Fraction(1, 3)  # SEC-01's 21 characters are one short; ACC-01 has none
    assert [(lost.subject, lost.reason) for lost in justified.lost] == [("SEC-01", "short_note"), ("ACC-01", "no_note")]
    coverage = C.framework_coverage(ev, crit("framework_coverage", frameworks=("owasp-llm", "unesco")))
    assert coverage.ratio == Fraction(1, 2)  # owasp fully answered; no applicable item cites UNESCO
    assert coverage.lost[0].reason == "framework_absent"
    classification = C.classification_present(ev, crit("classification_present", schemes=("eu_ai_act", "kr_ai_basic_act")))
    assert classification.ratio == Fraction(1, 2)  # risk_tier: limited counts for the EU AI Act
    assert C.manual(ev, crit("manual")).ratio is None


def test_evidence_reasons(mini):
    outside = {"status": "met", "evidence": [{"path": "../elsewhere.txt"}]}
    ev = _evaluate(mini, TR_01=outside)
    measured = C.evidence_present_ratio(ev, crit("evidence_present_ratio"))
    assert measured.ratio == 0 and measured.lost[0].reason == "evidence_outside"
    url = {"status": "partial", "notes": "see link", "evidence": [{"url": "https://example.org/x"}]}
    ev = _evaluate(mini, TR_01=url)
    assert C.evidence_present_ratio(ev, crit("evidence_present_ratio")).lost[0].reason == "url_only"
    assert C.evidence_present_ratio(ev, crit("evidence_present_ratio", accept_urls=True)).ratio == 1
    ev = _evaluate(mini, TR_01={"status": "not_met", "notes": "no notice yet"})
    nothing = C.evidence_present_ratio(ev, crit("evidence_present_ratio"))
    assert nothing.ratio == 0 and nothing.lost[0].reason == "no_claims"


def test_unanswered_items_cost_completeness_and_coverage(mini):
    ev = _evaluate(mini, ACC_01=None, SEC_02=None)
    done = C.answered_ratio(ev, crit("answered_ratio"))
    assert done.ratio == Fraction(2, 4) and [lost.subject for lost in done.lost] == ["SEC-02", "ACC-01"]
    coverage = C.framework_coverage(ev, crit("framework_coverage", frameworks=("owasp-llm", "nist-ai-rmf")))
    assert coverage.ratio == Fraction(1, 2)  # owasp 1/2, nist 1/2
    assert dict(coverage.lost[1].args)["items"] == "ACC-01"


@pytest.mark.parametrize(
    ("points", "ratio", "expected"),
    [(20, Fraction(2, 3), "13.33"), (5, Fraction(1, 8), "0.63"), (10, Fraction(3, 4), "7.50"), (40, Fraction(0), "0.00")],
)
def test_points_round_half_up_exactly(points, ratio, expected):
    assert str(C.points_for(crit("answered_ratio", points), ratio)) == expected


# --- late penalty --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "days"),
    [
        (DEADLINE, 0),
        (DEADLINE + dt.timedelta(seconds=1), 1),
        (DEADLINE + dt.timedelta(days=1), 1),
        (DEADLINE + dt.timedelta(days=1, seconds=1), 2),
        (DEADLINE - dt.timedelta(days=3), 0),
        (None, 0),
    ],
)
def test_days_late(submitted, days):
    assert C.days_late(Late(DEADLINE, Decimal(10)), submitted) == days


def test_grace_and_cap():
    late = Late(DEADLINE, Decimal(10), Decimal(25), grace_minutes=30)
    assert C.days_late(late, DEADLINE + dt.timedelta(minutes=30)) == 0
    assert C.days_late(late, DEADLINE + dt.timedelta(minutes=31)) == 1
    assert C.late_penalty(late, 2) == 20 and C.late_penalty(late, 5) == 25
    assert C.days_late(Late(None, Decimal(10)), DEADLINE) == 0  # no deadline, no penalty


# --- similarity ----------------------------------------------------------------------------------------


def _brute(notes: dict[str, dict[str, str]], rule: SimilarityRule) -> set[tuple[str, str, str]]:
    found = set()
    for a, b in itertools.combinations(sorted(notes), 2):
        for item in notes[a].keys() & notes[b].keys():
            x, y = shingles(notes[a][item], rule.shingle), shingles(notes[b][item], rule.shingle)
            if len(x & y) / len(x | y) >= rule.threshold:
                found.add((a, b, item))
    return found


@pytest.mark.parametrize("seed", range(6))
def test_prefix_filtering_finds_exactly_what_brute_force_finds(seed):
    rnd = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "모델", "검토", "데이터", "log", "test", "safe"]
    base = {f"I-{i}": " ".join(rnd.choice(words) for _ in range(rnd.randint(4, 14))) for i in range(6)}
    notes: dict[str, dict[str, str]] = {}
    for t in range(14):
        team = {}
        for item, text in base.items():
            roll = rnd.random()
            if roll < 0.4:
                team[item] = text  # copied
            elif roll < 0.7:
                team[item] = text + " " + rnd.choice(words)  # lightly edited
            elif roll < 0.9:
                team[item] = " ".join(rnd.choice(words) for _ in range(rnd.randint(4, 14)))
        notes[f"t{t:02d}"] = team
    for threshold in (0.5, 0.8, 0.95):
        rule = SimilarityRule(threshold=threshold, min_items=1)
        got = {(p.a, p.b, m.item_id) for p in similar_pairs(notes, rule) for m in p.items}
        assert got == _brute(notes, rule)


def test_korean_near_copy_is_flagged_and_distinct_notes_are_not():
    original = "첫 화면에 인공지능 상담원이라는 안내 문구를 표시하고 이용약관에도 같은 내용을 적었습니다."
    edited = original.replace("적었습니다", "명시했습니다")
    other = "모델 출력은 배포 전에 사람이 검토하며 감사 목적으로 모든 대화를 기록합니다."
    notes = {
        "a": {"TR-01": original, "SEC-01": other, "ACC-01": "책임자는 팀장이며 모든 배포를 승인합니다."},
        "b": {"TR-01": edited, "SEC-01": other, "ACC-01": "책임자는 팀장이며 모든 배포를 승인합니다."},
        "c": {
            "TR-01": "화면 하단에 작은 글씨로 AI 사용 사실을 알립니다.",
            "SEC-01": other[::-1],
            "ACC-01": "지정하지 않았습니다.",
        },
    }
    pairs = similar_pairs(notes, SimilarityRule(threshold=0.7, min_items=3))
    assert [(p.a, p.b, len(p.items)) for p in pairs] == [("a", "b", 3)]
    assert pairs[0].compared == 3
    assert similar_pairs(notes, SimilarityRule(threshold=0.7, min_items=4)) == []
    assert similar_pairs(notes, SimilarityRule(enabled=False, min_items=1)) == []


def test_pairs_are_named_in_display_order():
    text = "exactly the same long note text for both teams here"
    notes = {"team10": {"X": text}, "team2": {"X": text}}
    pairs = similar_pairs(notes, SimilarityRule(min_items=1), order=["team2", "team10"])
    assert (pairs[0].a, pairs[0].b) == ("team2", "team10")


# --- discovery -----------------------------------------------------------------------------------------


def test_discovery(tmp_path):
    for name in ("team10", "team2", "Team1", ".hidden", "~$lock.yaml"):
        (tmp_path / name).mkdir() if not name.endswith(".yaml") else (tmp_path / name).write_text("x")
    (tmp_path / "team2.yaml").write_text("kind: audit\n")  # clashes with the folder team2
    (tmp_path / "notes.pdf").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "team10")
    (tmp_path / "팀 3").mkdir()
    subs, ignored = discover(tmp_path)
    assert [s.team for s in subs] == ["Team1", "team2", "team2.yaml", "team10", "팀 3"]
    assert [s.slug for s in subs] == ["Team1", "team2", "team2.yaml", "team10", "팀_3"]
    assert ignored == ["link: symbolic link (not followed)", "notes.pdf: not a folder or a YAML file"]


def test_team_key_is_natural():
    names = ["t10", "t9", "T1", "t1", "a", "t09"]
    assert sorted(names, key=team_key) == ["a", "T1", "t1", "t09", "t9", "t10"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kind: checklist\nid: x\n", "checklist"),
        ("# c\nid: x\nkind: 'rubric'  # note\n", "rubric"),
        ("x:\n  kind: audit\n", None),
        ("{kind: audit}\n", None),
    ],
)
def test_sniff_kind(tmp_path, text, kind):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    assert _sniff_kind(path) == kind


# --- overrides -----------------------------------------------------------------------------------------


@pytest.fixture
def rubric(tmp_path):
    path = tmp_path / "rubric.yaml"
    path.write_text(
        "kind: rubric\nid: r\ntitle: {en: R, ko: R}\ncriteria:\n"
        "  - {id: completeness, points: 40, measure: answered_ratio}\n  - {id: talk, points: 10, measure: manual}\n",
        encoding="utf-8",
    )
    return load_rubric(str(path))


def test_yaml_overrides(tmp_path, rubric):
    path = tmp_path / "o.yaml"
    path.write_text(
        "teams:\n  a:\n    talk: 7.5\n    completeness: {comment: fine}\n    late: {points: 0, comment: ext}\n"
        "    submitted_at: '2026-12-16T09:00:00+09:00'\n    comment: Well done\n  b: {talk: {points: 10}}\n",
        encoding="utf-8",
    )
    over = load_overrides(path, rubric)
    a = over.for_team("a")
    assert a.criteria["talk"].points == Decimal("7.5") and a.criteria["completeness"].points is None
    assert a.late.points == 0 and a.late.comment == "ext" and a.comment == "Well done"
    assert a.submitted_at.isoformat() == "2026-12-16T09:00:00+09:00"
    assert over.for_team("nobody").criteria == {}
    warnings = over.unknown_teams(["a", "bb"])
    assert [d.code for d in warnings] == ["W601"] and "did you mean 'bb'" in warnings[0].message
    assert (warnings[0].line, warnings[0].col) == (8, 3)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("teams:\n  a:\n    talk: 11\n", "E204", 3),  # more than the criterion's points
        ("teams:\n  a:\n    talk: -1\n", "E204", 3),
        ("teams:\n  a:\n    speed: 3\n", "E501", 3),  # no such criterion
        ("teams:\n  a:\n    talk: lots\n", "E201", 3),
        ("teams:\n  a:\n    talk: {points: 3, note: x}\n", "E202", 3),
        ("teams:\n  a:\n    submitted_at: soon\n", "E204", 3),
        ("team:\n  a: {talk: 1}\n", "E202", 1),
    ],
)
def test_bad_yaml_overrides(tmp_path, rubric, text, code, line):
    path = tmp_path / "o.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as err:
        load_overrides(path, rubric)
    first = err.value.diagnostics[0]
    assert (first.code, first.line) == (code, line)


def test_csv_overrides(tmp_path, rubric):
    path = tmp_path / "o.csv"
    path.write_bytes(
        "\ufeffTeam,Criterion,Points,Comment\na,talk,8,Clear slides\na,late,0,ext\na,comment,,Bravo\n\nb,talk,,\n".encode()
    )
    over = load_overrides(path, rubric)
    assert over.for_team("a").criteria["talk"].points == 8 and over.for_team("a").late.points == 0
    assert over.for_team("a").comment == "Bravo" and over.for_team("b").criteria["talk"].points is None
    bad = tmp_path / "bad.csv"
    bad.write_text("team,criterion,points\na,talk,8\nb,talk,eleven\nc,nope,1\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as err:
        load_overrides(bad, rubric)
    assert [(d.line, d.code) for d in err.value.diagnostics] == [(3, "E201"), (4, "E501")]
    headless = tmp_path / "h.csv"
    headless.write_text("a,talk,8\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match="E203"):
        load_overrides(headless, rubric)


# --- output helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("30.00"), "30"), (Decimal("7.5"), "7.5"), (Decimal("13.333"), "13.33"), (None, ""), (Decimal(0), "0")],
)
def test_format_points(value, text):
    assert format_points(value) == text


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Kim", "Kim"),
        ("", ""),
    ],
)
def test_safe_cell(cell, safe):
    assert safe_cell(cell) == safe


def test_folder_with_a_nested_audit_and_an_old_copy_deeper(tmp_path):
    """The audit at the shallowest level wins; deeper audit-like files are not ambiguous."""
    from aiaudit.grading.batch import _find_audit

    team = tmp_path / "team"
    (team / "project" / "old").mkdir(parents=True)
    audit = (Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "audit.yaml").read_text(encoding="utf-8")
    (team / "project" / "audit.yaml").write_text(audit, encoding="utf-8")
    (team / "project" / "old" / "audit.yaml").write_text(audit, encoding="utf-8")
    (team / "README.yaml").write_text("title: notes\n", encoding="utf-8")
    doc, problems = _find_audit(team, 1 << 20)
    assert doc is not None and doc.name.endswith(os.path.join("project", "audit.yaml")) and problems == []
