"""Gate, grading and fill-in messages follow --lang: policy, rubric, overrides and answer errors, grading diagnostics."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest
import yaml

import aiaudit
from aiaudit.diagnostics import Diagnostic, UsageError
from aiaudit.i18n import Msg, localize, t

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = FIXTURES / "mini"
SRC = Path(aiaudit.__file__).resolve().parent

RUBRIC = """\
kind: rubric
id: i18n-class
title: {en: Test rubric, ko: 시험 채점 기준표}
checklists: [mini]
criteria:
  - {id: completeness, points: 60, measure: answered_ratio}
  - {id: presentation, points: 40, measure: manual}
"""


def _policy(folder: Path, body: str) -> Path:
    path = folder / "policy.yaml"
    path.write_text("kind: policy\nid: test\n" + body, encoding="utf-8")
    return path


# --- gate: policy errors and diagnostics ---------------------------------------------------------


def test_unknown_preset_follows_lang(mini, invoke):
    en = invoke("gate", mini / "audit.yaml", "--policy", "preset:nope")
    ko = invoke("gate", mini / "audit.yaml", "--policy", "preset:nope", "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert "aiaudit: error: no built-in policy preset 'nope'; available: " in en.stderr
    assert "aiaudit: error: 내장 정책 프리셋 'nope'이(가) 없습니다. 사용할 수 있는 프리셋: " in ko.stderr


def test_policy_diagnostics_follow_lang(mini, invoke):
    policy = _policy(mini, "rules:\n  must_meet: {items: [TR-01, NOPE-01]}\n")
    en = invoke("gate", mini / "audit.yaml", "--policy", policy)
    ko = invoke("gate", mini / "audit.yaml", "--policy", policy, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert f"{policy}:4:30: error[E501]: must_meet names item 'NOPE-01', which no checklist of the audit has" in en.stderr
    assert f"{policy}:4:30: error[E501]: must_meet에 지정한 점검 항목 'NOPE-01'이(가) 감사의 어느 점검표에도" in ko.stderr


def test_policy_validation_follows_lang(mini, invoke):
    waivers = "waivers:\n  - {item: TR-01, reason: r, approver: a, expires: 2026-02-30}\n"
    policy = _policy(mini, "rules: {min_score: {overall: 50}}\n" + waivers)
    en = invoke("validate", policy)
    ko = invoke("validate", policy, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 1
    assert "error[E204]: expires '2026-02-30' is not a real date (YYYY-MM-DD)" in en.stdout
    assert "error[E204]: expires 값 '2026-02-30'은(는) 올바른 날짜가 아닙니다(YYYY-MM-DD)" in ko.stdout


def test_gate_format_errors_follow_lang(mini, invoke):
    args = ("gate", mini / "audit.yaml", "--policy", "preset:classroom-minimum", "--format", "pdf")
    en, ko = invoke(*args), invoke(*args, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert "unknown gate format 'pdf' in --format 'pdf'" in en.stderr
    assert "--format 'pdf'의 게이트 출력 형식 'pdf'을(를) 알 수 없습니다" in ko.stderr


def test_sarif_waiver_justification_follows_lang(mini):
    import datetime as dt
    import json

    from aiaudit.gate import run_gate
    from aiaudit.gate.outputs import render

    waiver = "waivers:\n  - {item: ACC-01, reason: Owner named in December, approver: CISO Kim, expires: 2026-12-31}\n"
    policy = _policy(mini, "rules:\n  must_meet: {items: [ACC-01]}\n" + waiver)
    texts = {}
    for lang in ("en", "ko"):
        result = run_gate(str(mini / "audit.yaml"), str(policy), today=dt.date(2026, 12, 1))
        sarif = json.loads(render("sarif", result, lang))
        (suppressed,) = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
        texts[lang] = suppressed["suppressions"][0]["justification"]
    assert texts["en"] == "Owner named in December (approved by CISO Kim, until 2026-12-31)"
    assert texts["ko"] == "Owner named in December (승인자 CISO Kim, 2026-12-31까지)"


# --- grading: rubric and overrides ----------------------------------------------------------------


def _class(root: Path) -> Path:
    """A class of two good teams (folders with the mini checklist), and the rubric beside it."""
    subs = root / "subs"
    for team in ("alpha", "beta"):
        folder = subs / team
        shutil.copytree(MINI / "evidence", folder / "evidence")
        shutil.copy(MINI / "mini-checklist.yaml", folder / "mini-checklist.yaml")
        data = yaml.safe_load((MINI / "audit.yaml").read_text(encoding="utf-8"))
        (folder / "audit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    return subs


def test_unknown_rubric_preset_follows_lang(tmp_path, invoke):
    subs = _class(tmp_path)
    args = ("grade", subs, "--rubric", "preset:nope", "-o", tmp_path / "out")
    en, ko = invoke(*args), invoke(*args, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert "aiaudit: error: no built-in rubric 'nope'; built-in rubrics: " in en.stderr
    assert "aiaudit: error: 내장 채점 기준표 'nope'이(가) 없습니다." in ko.stderr


def test_rubric_diagnostics_follow_lang(tmp_path, invoke):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(RUBRIC.replace("{id: presentation,", "{id: total,"), encoding="utf-8")
    en, ko = invoke("validate", rubric), invoke("validate", rubric, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 1
    assert "error[E204]: criterion id 'total' is reserved; choose another" in en.stdout
    assert "error[E204]: 기준 id 'total'은(는) 예약된 이름입니다. 다른 id를 쓰십시오" in ko.stdout


def test_deadline_option_follows_lang(tmp_path, invoke):
    subs = _class(tmp_path)
    args = ("grade", subs, "--rubric", tmp_path / "rubric.yaml", "-o", tmp_path / "out", "--deadline", "2026-12-15T23:59")
    en, ko = invoke(*args), invoke(*args, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert "aiaudit: error: --deadline: deadline '2026-12-15T23:59' needs a time zone, e.g. " in en.stderr
    assert "aiaudit: error: --deadline: 마감 시각 '2026-12-15T23:59'에 시간대가 있어야 합니다." in ko.stderr


def test_overrides_errors_follow_lang(tmp_path, invoke):
    subs = _class(tmp_path)
    over = tmp_path / "over.yaml"
    over.write_text("teams:\n  alpha:\n    speed: 3\n", encoding="utf-8")
    args = ("grade", subs, "--rubric", tmp_path / "rubric.yaml", "-o", tmp_path / "out", "--overrides", over)
    en, ko = invoke(*args), invoke(*args, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 1
    assert f"{over}:3:5: error[E501]: team 'alpha': no criterion 'speed' in rubric 'i18n-class'" in en.stderr
    assert f"{over}:3:5: error[E501]: 팀 'alpha': 채점 기준표 'i18n-class'에 기준 'speed'이(가) 없습니다" in ko.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_broken_submissions_in_grading_output_follow_lang(tmp_path, invoke):
    """Diagnostics made in the worker processes (--jobs 2) come back as Msg and render in --lang."""
    subs = _class(tmp_path)
    (subs / "gamma").mkdir()
    (subs / "gamma" / "readme.txt").write_text("no audit here\n", encoding="utf-8")
    (subs / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (subs / "ghost.yaml").write_text("kind: audit\nformat: 1\nchecklists: [\n", encoding="utf-8")
    over = tmp_path / "over.yaml"
    over.write_text("teams:\n  alpah: {presentation: 30}\n", encoding="utf-8")
    base = ("grade", subs, "--rubric", tmp_path / "rubric.yaml", "--overrides", over, "--jobs", "2")
    en = invoke(*base, "-o", tmp_path / "en")
    ko = invoke(*base, "-o", tmp_path / "ko", "--lang", "ko")
    assert en.exit_code == ko.exit_code == 0, ko.output

    assert "gamma: " in en.stderr and "no audit file (a YAML file with `kind: audit`) in this folder" in en.stderr
    assert "ignored notes.pdf: not a folder or a YAML file" in en.stderr
    assert "warning[W601]: no submission for team 'alpah'; did you mean 'alpha'?" in en.stderr
    assert "이 폴더에 감사 파일(`kind: audit`인 YAML 파일)이 없습니다" in ko.stderr
    assert "제외함: notes.pdf: 폴더도 YAML 파일도 아닙니다" in ko.stderr
    assert "warning[W601]: 팀 'alpah'의 제출물이 없습니다. 'alpha'을(를) 뜻했습니까?" in ko.stderr
    assert "no audit file" not in ko.stderr and "not a folder" not in ko.stderr

    overview_en = (tmp_path / "en" / "overview.html").read_text(encoding="utf-8")
    overview_ko = (tmp_path / "ko" / "overview.html").read_text(encoding="utf-8")
    assert "no audit file (a YAML file with `kind: audit`) in this folder" in overview_en
    assert "이 폴더에 감사 파일(`kind: audit`인 YAML 파일)이 없습니다" in overview_ko
    assert "notes.pdf: 폴더도 YAML 파일도 아닙니다" in overview_ko
    assert "팀 &#39;alpah&#39;의 제출물이 없습니다" in overview_ko
    assert "no audit file" not in overview_ko and "no submission for team" not in overview_ko
    # the loader's own message for the broken YAML file is Korean too (feedback pages are written in the workers)
    ghost_ko = (tmp_path / "ko" / "feedback" / "ghost.html").read_text(encoding="utf-8")
    ghost_en = (tmp_path / "en" / "feedback" / "ghost.html").read_text(encoding="utf-8")
    assert "error[E101]" in ghost_ko and "error[E101]" in ghost_en
    assert localize(Msg("load.syntax", problem="x"), "ko").split("x")[0] in ghost_ko


def test_grading_pages_use_the_run_language_not_the_process_language(tmp_path, monkeypatch):
    """The library call: lang="ko" wins even when the process language (no --lang) is English."""
    from aiaudit.grading.batch import run
    from aiaudit.grading.rubric import load_rubric

    monkeypatch.setenv("AIAUDIT_LANG", "en")
    subs = _class(tmp_path)
    (subs / "gamma").mkdir()
    result = run(subs, load_rubric(str(tmp_path / "rubric.yaml")), tmp_path / "out", lang="ko", jobs=2)
    gamma = next(g for g in result.grades if g.team == "gamma")
    assert [d.code for d in gamma.diagnostics] == ["E601"]
    assert isinstance(gamma.diagnostics[0].message, Msg)  # came back from a worker with its key
    overview = (tmp_path / "out" / "overview.html").read_text(encoding="utf-8")
    feedback = (tmp_path / "out" / "feedback" / "gamma.html").read_text(encoding="utf-8")
    assert "이 폴더에 감사 파일" in overview and "이 폴더에 감사 파일" in feedback
    assert "no audit file" not in overview + feedback


def test_grading_diagnostics_pickle_with_their_key():
    diag = Diagnostic("t/audit.yaml", 1, 1, "E602", Msg("grading.diag.several_audits", names="a.yaml, b.yaml"))
    copy = pickle.loads(pickle.dumps(diag))
    assert copy == diag and isinstance(copy.message, Msg)
    assert copy.format("en") == "t/audit.yaml:1:1: error[E602]: several audit files: a.yaml, b.yaml; keep one"
    assert copy.format("ko") == "t/audit.yaml:1:1: error[E602]: 감사 파일이 여러 개 있습니다: a.yaml, b.yaml. 하나만 남기십시오"


# --- fill-in: answer errors -----------------------------------------------------------------------


def test_answer_errors_follow_lang(mini, invoke):
    en = invoke("answer", mini / "audit.yaml", "TR-99", "-s", "met")
    ko = invoke("answer", mini / "audit.yaml", "TR-99", "-s", "met", "--lang", "ko")
    assert en.exit_code == ko.exit_code == 2
    assert en.stderr.startswith("aiaudit: error: ") and t("answer.unknown_item", "en", item="TR-99", hint="") in en.stderr
    assert t("answer.unknown_item", "ko", item="TR-99", hint="") in ko.stderr
    bad = invoke("answer", mini / "audit.yaml", "TR-01", "-s", "done", "--lang", "ko")
    assert bad.exit_code == 2 and "알 수 없는 상태 done입니다" in bad.stderr


def test_answer_import_diagnostics_follow_lang(mini, invoke):
    answers = mini / "answers.yaml"
    answers.write_text("answers:\n  TR-01: {status: met, color: red}\n", encoding="utf-8")
    en = invoke("answer", mini / "audit.yaml", "--from", answers)
    ko = invoke("answer", mini / "audit.yaml", "--from", answers, "--lang", "ko")
    assert en.exit_code == ko.exit_code == 1
    assert f"{answers}:2:24: error[E202]: " + t("answer.yaml_unknown_key", "en", name="color") in en.stderr
    assert f"{answers}:2:24: error[E202]: " + t("answer.yaml_unknown_key", "ko", name="color") in ko.stderr


def test_round_trip_errors_localize_the_quoted_problem_too():
    from aiaudit.audit.roundtrip import RoundTripError

    error = RoundTripError(Msg("fill.error.edit_not_reloadable", name="a.yaml", problem=Msg("load.nul")))
    assert error.format("en") == f"a.yaml: the edit would not reload ({Msg('load.nul')}); nothing was written"
    ko = error.format("ko")
    assert ko.startswith("a.yaml: 편집한 결과를 다시 읽을 수 없어") and t("load.nul", "ko") in ko
    assert pickle.loads(pickle.dumps(error.message)).args["problem"].key == "load.nul"


# --- no English-only message is left in these modules ------------------------------------------------

AREAS = [
    "policy/load.py",
    "gate/outputs/__init__.py",
    "policy/rules.py",
    "grading/rubric.py",
    "grading/overrides.py",
    "grading/batch.py",
    "grading/outputs.py",
    "audit/answer.py",
    "audit/roundtrip.py",
    "audit/lock.py",
    "audit/classify.py",
    "fill/session.py",
    "audit/status.py",
]
# An error or a diagnostic whose message argument is a string literal (f-string or not) ...
_LITERAL = re.compile(
    r"""(?:\b(?:UsageError|AiauditError|RoundTripError|LockBusy|ValueError)\(\s*"""
    r"""|diagnostic\(\s*["'][EW]\d{3}["'],\s*"""
    r"""|Diagnostic\([^()]*(?:\([^()]*\)[^()]*)*["'][EW]\d{3}["'],\s*)"""
    r"""f?(["'])((?:\\.|(?!\1).)*)\1"""
)


def _english_only(literal: str) -> bool:
    """... with words of its own outside the ``{...}`` fields (``f"{key}: {t(...)}"`` is fine)."""
    return re.search(r"[A-Za-z]{2,}", re.sub(r"\{[^{}]*\}", "", literal)) is not None


@pytest.mark.parametrize("module", AREAS)
def test_no_english_only_messages_remain(module):
    source = (SRC / module).read_text(encoding="utf-8")
    assert [m.group(0) for m in _LITERAL.finditer(source) if _english_only(m.group(2))] == []


def test_the_english_only_check_finds_literals():
    bad = 'raise UsageError(f"{root}: not a folder")\nout.append(doc.diagnostic("E107", "not a rubric", ("kind",)))\n'
    bad += 'Diagnostic(sub.path, 1, 1, "E603", f"grading failed: {exc}")\n'
    good = 'raise UsageError(Msg("x", root=root))\ndoc.diagnostic("E204", f"{key}: {t(k, lang)}", where)\n'
    assert len([m for m in _LITERAL.finditer(bad) if _english_only(m.group(2))]) == 3
    assert [m for m in _LITERAL.finditer(good) if _english_only(m.group(2))] == []


def test_usage_errors_raised_before_lang_is_known_still_follow_it():
    """A Msg raised by the library renders in whatever language the output asks for."""
    from aiaudit.policy.load import preset_text

    with pytest.raises(UsageError) as info:
        preset_text("nope")
    assert info.value.format("en").startswith("no built-in policy preset 'nope'")
    assert info.value.format("ko").startswith("내장 정책 프리셋 'nope'이(가) 없습니다")
