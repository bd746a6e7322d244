"""`aiaudit fill`: whole interactive sessions driven through CliRunner input, with skip/back/help/quit and resume."""

from __future__ import annotations

import pytest

from aiaudit.audit.load import load_audit


@pytest.fixture
def open_audit(mini):
    """The mini audit with no answers: TR-01, SEC-01, SEC-02 and ACC-01 apply (TR-02 needs images)."""
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8").split("answers:")[0]
    path.write_text(
        "# our audit — comments must survive\n" + text + "answers:\n  # nothing yet\n  {}\nsignoff: []\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def fill(invoke, monkeypatch):
    monkeypatch.setenv("AIAUDIT_USER", "tester")

    def run(path, *args, input="", **kwargs):
        return invoke("fill", path, *args, input=input, **kwargs)

    return run


def test_whole_session_with_skip_back_help_and_quit_then_resume(open_audit, fill):
    keys = "\n".join(
        [
            "m",  # TR-01 met
            "Badge shown before the first message.",
            "evidence/notice.txt",
            "s",  # SEC-01 skipped
            "b",  # SEC-02: back to SEC-01
            "h",  # help, same item again
            "p",  # SEC-01 partial
            "",  # no notes
            "",  # no evidence
            "a",  # SEC-02 not applicable ...
            "",  # ... needs a justification: asked again
            "Internal pilot, no public endpoint.",
            "q",  # ACC-01: quit
        ]
    )
    result = fill(open_audit, input=keys + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Filling " in out and "4 items to answer" in out
    assert "[1/4] TR-01 · Transparency" in out
    assert "Are people told they are interacting with an AI system?" in out
    assert "Guidance: A screenshot of the notice." in out
    assert "Severity: high · Evidence required" in out
    assert "EUAIA-ART50-1" in out and "KR-AIBA-ART31-1" in out
    assert out.count("[2/4] SEC-01") == 2  # first, after back (help does not show the item again)
    assert "At every prompt: s skips the item" in out
    assert "Not applicable needs a justification" in out
    assert "Saved TR-01 (1 of 4 answered)." in out
    assert "Stopped. 3 answers saved in this session; 3 of 4 applicable items answered." in out
    answers = load_audit(open_audit).answers
    assert set(answers) == {"TR-01", "SEC-01", "SEC-02"}
    tr = answers["TR-01"]
    assert (tr.status, tr.notes, tr.answered_by) == ("met", "Badge shown before the first message.", "tester")
    assert tr.evidence[0].size == 37
    assert answers["SEC-01"].status == "partial"
    assert (answers["SEC-02"].status, answers["SEC-02"].notes) == ("na", "Internal pilot, no public endpoint.")
    assert "# our audit — comments must survive" in open_audit.read_text(encoding="utf-8")

    # resume: the next run starts at the first unanswered applicable item
    result = fill(open_audit, input="n\nNobody named yet.\n\n")
    assert result.exit_code == 0, result.output
    assert "1 item to answer" in result.output
    assert "[1/1] ACC-01 · Accountability" in result.output
    assert "TR-01 ·" not in result.output
    assert "Done: 1 answer saved in this session; 4 of 4 applicable items answered." in result.output
    assert load_audit(open_audit).answers["ACC-01"].status == "not_met"

    # nothing left
    result = fill(open_audit)
    assert result.exit_code == 0
    assert "Nothing to fill" in result.output and "4 of 4" in result.output


def test_skipped_items_are_asked_again(open_audit, fill):
    result = fill(open_audit, input="s\ns\ns\nm\n\n\n")
    assert result.exit_code == 0, result.output
    assert "3 items skipped" in result.output
    result = fill(open_audit, input="q\n")
    assert "[1/3] TR-01" in result.output


def test_back_at_the_first_item(open_audit, fill):
    result = fill(open_audit, input="b\nq\n")
    assert "This is the first question" in result.output
    assert result.exit_code == 0


def test_end_of_input_is_an_interruption_and_keeps_what_was_saved(open_audit, fill):
    # TR-01 answered completely, SEC-01 interrupted at the notes prompt
    result = fill(open_audit, input="m\n\nevidence/notice.txt\np\n")
    assert result.exit_code == 130
    assert "Interrupted. Every answer completed before the interruption is saved (1 in this session" in result.stderr
    assert "aiaudit fill" in result.stderr
    answers = load_audit(open_audit).answers
    assert set(answers) == {"TR-01"}
    # and the next run resumes at SEC-01
    result = fill(open_audit, input="q\n")
    assert "[1/3] SEC-01" in result.output


def test_ctrl_c_during_a_save_loses_only_that_answer(open_audit, fill, monkeypatch):
    from aiaudit.audit import answer as answering

    real = answering.Editor.answer
    calls = []

    def interrupted(self, inp):
        calls.append(inp.item_id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, inp)

    monkeypatch.setattr(answering.Editor, "answer", interrupted)
    result = fill(open_audit, input="m\n\nevidence/notice.txt\np\n\n\n")
    assert result.exit_code == 130
    assert "Interrupted" in result.stderr
    assert set(load_audit(open_audit).answers) == {"TR-01"}
    assert not (open_audit.parent / ".audit.yaml.lock").exists()


@pytest.mark.parametrize("again", ["y", "n"])
def test_a_full_disk_keeps_the_answer_and_offers_to_save_it_again(open_audit, fill, monkeypatch, again):
    import errno

    from aiaudit.audit import answer as answering
    from aiaudit.files import WriteError

    real = answering.Editor.save
    calls = []

    def full_once(self, values, *args, **kwargs):
        calls.append(sorted(values))
        if len(calls) == 1:
            raise WriteError(self.path, OSError(errno.ENOSPC, "No space left on device"))
        return real(self, values, *args, **kwargs)

    monkeypatch.setattr(answering.Editor, "save", full_once)
    # TR-01: met, notes, evidence; the save fails; answer "again"; then quit at the next status prompt
    result = fill(open_audit, input=f"m\nWe label every answer as AI.\nevidence/notice.txt\n{again}\nq\n")
    assert "Not saved" in result.stderr and "Try to save it again" in result.stderr
    if again == "y":  # saved without asking for the notes again
        assert calls == [["TR-01"], ["TR-01"]]
        assert load_audit(open_audit).answers["TR-01"].notes == "We label every answer as AI."
    else:  # back at TR-01's status; nothing written
        assert calls == [["TR-01"]] and "TR-01" not in load_audit(open_audit).answers
    assert result.exit_code == 0, result.output


def test_notes_in_the_editor(open_audit, fill, monkeypatch):
    import click

    seen = {}

    def fake_edit(text="", extension=".txt", require_save=True, **kwargs):
        seen.update(text=text, extension=extension)
        return "## Notice\n\nThe badge reads *AI 상담원*.\n\n"

    monkeypatch.setattr(click, "edit", fake_edit)
    result = fill(open_audit, "--item", "ACC-01", input="m\ne\n\n")
    assert result.exit_code == 0, result.output
    assert seen["extension"] == ".md"
    assert load_audit(open_audit).answers["ACC-01"].notes == "## Notice\n\nThe badge reads *AI 상담원*."
    assert "    notes: |-\n      ## Notice\n" in open_audit.read_text(encoding="utf-8")


def test_editor_closed_without_saving_keeps_notes(open_audit, fill, monkeypatch):
    import click

    monkeypatch.setattr(click, "edit", lambda *a, **k: None)
    result = fill(open_audit, "--item", "ACC-01", input="m\ne\n\n")
    assert "closed without saving" in result.output
    assert load_audit(open_audit).answers["ACC-01"].notes == ""


def test_bad_keys_and_bad_evidence_are_asked_again(open_audit, fill):
    result = fill(open_audit, "--item", "TR-01", input="x\nm\n\nmissing.png, evidence/notice.txt\nevidence/notice.txt\n")
    assert result.exit_code == 0, result.output
    assert "x is not a key here; type h for help." in result.output
    assert "evidence file missing.png does not exist" in result.output
    assert load_audit(open_audit).answers["TR-01"].evidence[0].path == "evidence/notice.txt"


def test_missing_required_evidence_is_a_warning(open_audit, fill):
    result = fill(open_audit, "--item", "TR-01", input="m\n\n\n")
    assert "this item expects evidence" in result.output
    assert load_audit(open_audit).answers["TR-01"].status == "met"


def test_no_evidence_prompt_for_items_without_evidence(open_audit, fill):
    result = fill(open_audit, "--item", "SEC-02", input="m\nLimited by the gateway.\n")
    assert result.exit_code == 0, result.output
    assert "Evidence files" not in result.output
    assert load_audit(open_audit).answers["SEC-02"].notes == "Limited by the gateway."


def test_section_option(open_audit, fill):
    result = fill(open_audit, "--section", "safety", input="m\n\n\nn\n\n")
    assert result.exit_code == 0, result.output
    assert "2 items to answer" in result.output
    assert set(load_audit(open_audit).answers) == {"SEC-01", "SEC-02"}


def test_item_option_keeps_the_given_order_and_shows_not_applicable(open_audit, fill):
    result = fill(open_audit, "--item", "ACC-01", "--item", "TR-02", input="q\n")
    assert "[1/2] ACC-01" in result.output
    result = fill(open_audit, "--item", "TR-02", input="a\nNo images.\n")
    assert "This item does not apply to the system profile" in result.output
    assert load_audit(open_audit).answers["TR-02"].status == "na"


def test_all_revisits_answers_and_enter_keeps_them(mini, fill):
    path = mini / "audit.yaml"
    before = load_audit(path).answers["TR-01"]
    result = fill(path, "--all", input="\n\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "Current answer: Met · notes: The chat shows an **AI 상담원** badge. · evidence: evidence/notice.txt" in result.output
    assert "Enter keeps met" in result.output
    after = load_audit(path).answers["TR-01"]
    assert (after.status, after.notes, after.evidence) == (before.status, before.notes, before.evidence)
    assert after.answered_by == "tester"


def test_unknown_section_or_item(open_audit, fill):
    result = fill(open_audit, "--section", "privacy")
    assert result.exit_code == 2
    assert "no section privacy in this audit; sections: transparency, safety, accountability" in result.stderr
    result = fill(open_audit, "--item", "TR-1")
    assert result.exit_code == 2
    assert "did you mean TR-01?" in result.stderr


def test_korean_session(open_audit, fill):
    result = fill(open_audit, "--lang", "ko", input="h\nm\n\n\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "이용자에게 인공지능 시스템과 상호작용하고 있다는 사실을 알립니까?" in out
    assert "작성 안내: 고지 화면의 스크린샷입니다." in out
    assert "심각도: 높음 · 증빙 필요" in out
    assert "상태 [m/p/n/a/u · s/b/h/q]:" in out
    assert "모든 입력 단계에서: s는 항목을 건너뜁니다" in out
    assert "TR-01 저장됨(해당 항목 4개 중 1개 답변)." in out
    assert "종료했습니다." in out
    assert "참고: 이 항목에는 증빙이 필요합니다." in out


def test_language_from_the_locale(open_audit, fill):
    result = fill(open_audit, input="q\n", env={"AIAUDIT_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "ko_KR.UTF-8"})
    assert "상태 [m/p/n/a/u" in result.output


def test_korean_status_words(open_audit, fill):
    result = fill(open_audit, "--item", "ACC-01", input="부분 충족\n\n\n")
    assert result.exit_code == 0, result.output
    assert load_audit(open_audit).answers["ACC-01"].status == "partial"


def test_invalid_audit_is_refused_before_any_question(mini, fill):
    path = mini / "audit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: partial", "status: done"), encoding="utf-8")
    result = fill(path, input="m\n")
    assert result.exit_code == 1
    assert "error[E204]" in result.stderr
    assert "Status" not in result.output


def test_every_message_has_english_and_korean_with_the_same_placeholders():
    import json
    import string
    from importlib import resources

    from aiaudit.i18n import _PLURAL

    catalog = json.loads(resources.files("aiaudit").joinpath("locales/fill.json").read_text(encoding="utf-8"))
    assert len(catalog) > 150
    for key, texts in catalog.items():
        assert set(texts) == {"en", "ko"}, key
        assert texts["en"].strip() and texts["ko"].strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(_PLURAL.sub(r"{\2}", texts[lang])) if f} for lang in ("en", "ko")]
        assert fields[0] == fields[1], key
        if key.startswith(("fill.", "answer.", "progress.", "lock.")) and texts["en"] != texts["ko"]:
            assert any("\uac00" <= ch <= "\ud7a3" for ch in texts["ko"]), key  # Korean text, not a copy


# --- what is typed is what is saved (piped input; the terminal itself: test_fill_tty.py) -----------


def test_arrow_keys_and_control_characters_in_piped_input_never_reach_the_file(open_audit, fill):
    # a terminal without line editing passes ← as ESC [ D: the escapes are removed, and the user is told
    result = fill(open_audit, "--item", "ACC-01", input="m\nabc\x1b[D\x1b[DX\x07\n\n")
    assert result.exit_code == 0, result.output
    assert "Removed 3 control characters (arrow and function keys cannot edit text here); kept: abcX" in result.output
    assert load_audit(open_audit).answers["ACC-01"].notes == "abcX"
    text = open_audit.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\\e" not in text and "[D" not in text


def test_back_skip_and_quit_work_at_the_notes_and_evidence_prompts(open_audit, fill):
    keys = [
        "a",  # TR-01 n/a ...
        "b",  # ... at the justification prompt: back to the status (not a reason "b")
        "m",  # TR-01 met
        "Badge.",
        "b",  # evidence prompt: back to the notes
        "Badge shown.",
        "evidence/notice.txt",
        "p",  # SEC-01 partial
        "s",  # at the notes prompt: skip the item, nothing saved
        "n",  # SEC-02 not met
        "",
        "q",  # ACC-01: quit
    ]
    result = fill(open_audit, input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    answers = load_audit(open_audit).answers
    assert set(answers) == {"TR-01", "SEC-02"}
    assert (answers["TR-01"].status, answers["TR-01"].notes) == ("met", "Badge shown.")
    assert answers["TR-01"].evidence[0].path == "evidence/notice.txt"
    result = fill(open_audit, "--item", "ACC-01", input="n\nq\n")
    assert result.exit_code == 0 and "ACC-01" not in load_audit(open_audit).answers


def test_help_at_the_notes_prompt(open_audit, fill):
    result = fill(open_audit, "--item", "ACC-01", input="m\nh\nKim.\n\n")
    assert result.exit_code == 0, result.output
    assert "Notes: type one line and press Enter; + writes several lines" in result.output
    assert load_audit(open_audit).answers["ACC-01"].notes == "Kim."


def test_multiline_notes_end_with_a_dot(open_audit, fill):
    result = fill(open_audit, "--item", "ACC-01", input="p\n+\n## Owner\n\n- Kim (lead)\n.\n\n")
    assert result.exit_code == 0, result.output
    assert "a line holding only . ends the notes" in result.output
    assert load_audit(open_audit).answers["ACC-01"].notes == "## Owner\n\n- Kim (lead)"
    assert "    notes: |-\n      ## Owner\n\n      - Kim (lead)\n" in open_audit.read_text(encoding="utf-8")


def test_jamo_typed_with_the_korean_input_method_count_as_keys(open_audit, fill):
    # ㅡ is on the m key, ㄴ on s, ㅂ on q (두벌식)
    result = fill(open_audit, "--lang", "ko", input="ㅡ\n메모\nevidence/notice.txt\nㄴ\nㅂ\n")
    assert result.exit_code == 0, result.output
    answers = load_audit(open_audit).answers
    assert set(answers) == {"TR-01"} and answers["TR-01"].status == "met"
