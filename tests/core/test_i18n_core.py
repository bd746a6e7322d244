"""Core diagnostics and errors in Korean: schema, audit, lint, init/usage messages follow --lang."""

from __future__ import annotations

import json
import pickle
import re
import textwrap

from aiaudit.i18n import _catalog, localize
from aiaudit.library.lint import Bilingual, lint_source

HANGUL = re.compile("[\uac00-\ud7a3]")
#: Catalog prefixes of the core modules' messages (library.json's browse texts are checked elsewhere).
CORE_PREFIXES = ("schema.", "audit.", "lint.", "evidence.", "coverage.", "browse.", "convert.", "render.", "cli.")


def _break_audit(path, replacements):
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_schema_errors_in_korean_and_english(invoke, mini):
    audit = mini / "audit.yaml"
    _break_audit(
        audit,
        [("  owner: Team 3\n", "  owner: 3\n  ownr: x\n"), ("    status: partial\n", "    status: maybe\n")],
    )
    en = invoke("validate", audit)
    ko = invoke("validate", "--lang", "ko", audit)
    assert en.exit_code == ko.exit_code == 1
    assert en.stdout.splitlines() == [
        f"{audit}:7:10: error[E201]: expected string, got integer 3",
        f"{audit}:8:3: error[E202]: unknown key 'ownr'; did you mean 'owner'?",
        f"{audit}:23:13: error[E204]: 'maybe' is not one of: met, partial, not_met, na, unanswered",
    ]
    assert ko.stdout.splitlines() == [
        f"{audit}:7:10: error[E201]: 문자열이어야 합니다. 지금 값: 3 (integer)",
        f"{audit}:8:3: error[E202]: 알 수 없는 키 'ownr'입니다. 'owner'을(를) 뜻했습니까?",
        f"{audit}:23:13: error[E204]: 'maybe'은(는) 허용되는 값이 아닙니다. "
        "다음 중 하나를 쓰십시오: met, partial, not_met, na, unanswered",
    ]
    # JSON output carries the message in the chosen language too; code and name stay as they are
    data = json.loads(invoke("validate", "--lang", "ko", "--format", "json", audit).stdout)
    first = data["files"][0]["diagnostics"][0]
    assert first["code"] == "E201" and first["name"] == "wrong-type" and first["message"].startswith("문자열이어야")


def test_schema_value_errors_use_our_words(invoke, mini):
    audit = mini / "audit.yaml"
    _break_audit(audit, [("  name: 상담봇 Mini\n", '  name: ""\n'), ("  - {path: mini-checklist.yaml}", "  - {id: x, path: y}")])
    en = invoke("validate", audit).stdout
    ko = invoke("validate", "--lang", "ko", audit).stdout
    assert "error[E204]: this value must not be empty" in en and "error[E204]: 이 값은 비어 있으면 안 됩니다" in ko
    assert "error[E205]: use only one of the keys: id, path" in en and "error[E205]: 다음 키 중 하나만 쓰십시오: id, path" in ko


def test_audit_errors_in_korean_and_english(invoke, mini):
    audit = mini / "audit.yaml"
    _break_audit(
        audit,
        [
            ("evidence/notice.txt", "evidence/missing.txt"),
            ("    notes: Internal pilot with five users; no public endpoint.\n", ""),
        ],
    )
    en = invoke("validate", audit)
    ko = invoke("validate", "--lang", "ko", audit)
    assert en.exit_code == ko.exit_code == 1
    assert f"{audit}:18:16: error[E403]: evidence file 'evidence/missing.txt' does not exist" in en.stdout
    assert f"{audit}:25:13: error[E402]: SEC-02: `na` needs a justification in `notes`" in en.stdout
    assert f"{audit}:18:16: error[E403]: 증빙 파일 'evidence/missing.txt'이(가) 없습니다" in ko.stdout
    assert f"{audit}:25:13: error[E402]: SEC-02: `na`(해당 없음)에는 `notes`에 해당 없음 사유가 있어야 합니다" in ko.stdout
    assert not HANGUL.search(en.stdout.replace("상담봇", ""))


def test_a_fatal_audit_error_follows_lang(invoke, mini):
    audit = mini / "audit.yaml"
    _break_audit(audit, [("evidence/notice.txt", "../outside.txt")])
    en = invoke("report", audit, "-o", mini / "r.html")
    ko = invoke("report", "--lang", "ko", audit, "-o", mini / "r.html")
    assert en.exit_code == ko.exit_code == 1 and not (mini / "r.html").exists()
    assert "error[E404]: evidence '../outside.txt' leaves the audit's folder (use --allow-outside-evidence)" in en.stderr
    assert "error[E404]: 증빙 '../outside.txt'이(가) 감사 파일의 폴더 밖에 있습니다" in ko.stderr


def test_lint_errors_name_the_framework_in_the_chosen_language(invoke, mini):
    checklist = mini / "mini-checklist.yaml"
    text = checklist.read_text(encoding="utf-8").replace("KR-AIBA-ART31-1,", "KR-AIBA-ART31-9,")
    checklist.write_text(text, encoding="utf-8")
    en = invoke("lint", checklist)
    ko = invoke("lint", "--lang", "ko", checklist)
    assert en.exit_code == ko.exit_code == 1
    assert "error[E306]: item TR-01: clause 'KR-AIBA-ART31-9' is not in the Korea AI Basic Act catalog; did you mean" in en.stdout
    assert "error[E306]: 점검 항목 TR-01: 조항 'KR-AIBA-ART31-9'이(가) 인공지능기본법 목록에 없습니다." in ko.stdout
    assert "을(를) 뜻했습니까?" in ko.stdout


def test_lint_warnings_and_texts_in_korean(tmp_path, invoke):
    path = tmp_path / "eu-ai-act-notes.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            kind: checklist
            id: eu-ai-act-notes
            version: 1.0.0
            title: {en: Notes, ko: 메모}
            description: {en: Our notes., ko: "   "}
            sections:
              - id: s
                principle: transparency
                title: {en: Transparency, ko: Transparency of the system}
                items:
                  - id: T-01
                    question: {en: Is it disclosed?, ko: 고지합니까?}
                    guidance: {en: A screenshot., ko: 스크린샷입니다.}
                    severity: high
                    refs: [EUAIA-ART50-1]
                    remediation: {en: Disclose it., ko: 고지하십시오.}
            """
        ),
        encoding="utf-8",
    )
    en = invoke("lint", path).stdout
    ko = invoke("lint", "--lang", "ko", path).stdout
    assert "error[E309]: description: the Korean text is blank" in en
    assert "error[E309]: description: 한국어 텍스트가 비어 있습니다" in ko
    assert "error[E310]: section s title: the Korean text has no Hangul and reads as English" in en
    assert "error[E310]: 섹션 s의 title: 한국어 텍스트에 한글이 없고 영어로 읽힙니다." in ko
    assert re.search(r"warning\[W302\]: \d+ of \d+ EU AI Act clauses are covered by no item: .* \(\+\d+ more\); see", en)
    assert re.search(r"warning\[W302\]: EU 인공지능법 조항 \d+개 중 \d+개를 다루는 점검 항목이 없습니다: .* 외 \d+개\. ", ko)


def test_usage_errors_in_korean_and_english(invoke, mini):
    audit = mini / "audit.yaml"
    en = invoke("init", "-n", "Bot", "-o", audit)
    ko = invoke("init", "--lang", "ko", "-n", "Bot", "-o", audit)
    assert en.exit_code == ko.exit_code == 2
    assert en.stderr == f"aiaudit: error: {audit} already exists; use --force to overwrite it\n"
    assert ko.stderr == f"aiaudit: error: {audit} 파일이 이미 있습니다. 덮어쓰려면 --force를 사용하십시오\n"
    en = invoke("report", audit, "-o", mini / "r.docx")
    ko = invoke("report", "--lang", "ko", audit, "-o", mini / "r.docx")
    assert en.exit_code == ko.exit_code == 2
    assert en.stderr == "aiaudit: error: cannot tell the report format from '.docx'; use --format (html, pdf, md, json)\n"
    assert ko.stderr.startswith("aiaudit: error: 확장자 '.docx'로는 보고서 형식을 알 수 없습니다.")
    ko = invoke("checklists", "coverage", "--lang", "ko", "genai-baseline", "-F", "gdpr")
    assert ko.exit_code == 2 and ko.stderr.startswith("aiaudit: error: 알 수 없는 프레임워크 'gdpr'입니다.")
    ko = invoke("convert", "--lang", "ko", "--from", "deon", mini / "x.yaml", "-o", mini / "o.yaml", "--id", "Bad_Id")
    assert ko.exit_code == 2 and "점검표 ID 'Bad_Id'은(는) 영문 소문자" in ko.stderr
    # the next run without --lang is English again
    assert "unknown framework 'gdpr'" in invoke("checklists", "coverage", "genai-baseline", "-F", "gdpr").stderr


def test_commands_without_lang_follow_the_locale(runner):
    from aiaudit.cli import cli

    ko = runner.invoke(cli, ["schema", "nope"], env={"AIAUDIT_LANG": "ko"})
    en = runner.invoke(cli, ["schema", "nope"])
    assert ko.exit_code == en.exit_code == 2
    assert "알 수 없는 kind 'nope'입니다" in ko.stderr and "unknown kind 'nope'; choose from audit" in en.stderr


def test_internal_errors_say_so_in_the_chosen_language(invoke, monkeypatch):
    import aiaudit.library.listing
    from aiaudit.i18n import Msg

    def broken(fmt, lang):
        raise FileNotFoundError(Msg("library.data_missing", name="'checklists'"))

    monkeypatch.setattr(aiaudit.library.listing, "render_framework_list", broken)
    en = invoke("frameworks", "list")
    ko = invoke("frameworks", "list", "--lang", "ko")
    assert en.exit_code == ko.exit_code == 3
    assert en.stderr == (
        "aiaudit: internal error: FileNotFoundError: aiaudit's 'checklists' folder is missing from the installation"
        " (please report this)\n"
    )
    assert (
        ko.stderr
        == "aiaudit: 내부 오류: FileNotFoundError: aiaudit 설치에 'checklists' 폴더가 없습니다 (이 문제를 알려 주십시오)\n"
    )


def test_bilingual_arguments_survive_pickling(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "kind: checklist\nid: c\nversion: 1.0.0\ntitle: {en: C, ko: 씨}\ndescription: {en: D, ko: 디}\nsections:\n"
        "  - id: s\n    principle: safety\n    title: {en: S, ko: 에스}\n    items:\n"
        "      - {id: T-01, question: {en: Q?, ko: 질문?}, guidance: {en: G, ko: 안내}, severity: low,"
        " refs: [KR-AIBA-ART99-1], remediation: {en: R, ko: 조치}}\n",
        encoding="utf-8",
    )
    (diag,) = lint_source(str(path)).diagnostics
    copy = pickle.loads(pickle.dumps(diag))  # grading sends diagnostics between processes
    assert copy == diag and "Korea AI Basic Act" in copy.message
    assert "인공지능기본법" in localize(copy.message, "ko")
    name = Bilingual("EU AI Act", "EU AI법")
    assert f"{name}" == "EU AI Act" and f"{name:ko}" == "EU AI법" and f"{name:>10}" == " EU AI Act"


def test_core_catalog_entries_are_korean():
    entries = {k: v for k, v in _catalog().items() if k.startswith(CORE_PREFIXES)}
    assert len(entries) > 80
    assert [k for k, v in entries.items() if not HANGUL.search(v["ko"])] == []
