"""Round-trip saving: comments, key order, quoting and layout survive; values reload identically."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.audit.load import load_audit
from aiaudit.audit.roundtrip import Change, RoundTripError, _guess_indent, apply, save
from aiaudit.loading import load_bytes

SHA = "f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee"

HAND_WRITTEN = """\
# Audit of the support bot — keep this header!
kind: audit
format: 1
checklists:
  - {path: mini-checklist.yaml}   # our own small checklist
system:
  name: 상담봇 Mini    # the product name
  regions: [KR]
  modalities: [text]
  owner: 'Team 3'
answers:
  # ── Transparency ──
  TR-01:
    status: met   # checked on 2026-11-20
    notes: "Badge shown before the first message."
    answered_by: kim@example.org
  # Safety: red team is scheduled
  SEC-01:
    status: unanswered
  SEC-02: {status: na, notes: No public endpoint.}
  # accountability comes last
  ACC-01:
    status: not_met
  # end of answers
signoff: []   # nobody signed yet
"""


def _write(mini, text: str = HAND_WRITTEN):
    path = mini / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_answer_keeps_comments_key_order_and_quoting(mini, invoke):
    path = _write(mini)
    result = invoke(
        "answer", path, "SEC-01", "--status", "partial", "--note", "Tested manually.", "--by", "lee", "--date", "2026-11-25"
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    for comment in (
        "# Audit of the support bot — keep this header!",
        "# our own small checklist",
        "# the product name",
        "# ── Transparency ──",
        "# checked on 2026-11-20",
        "# Safety: red team is scheduled",
        "# accountability comes last",
        "# end of answers",
        "# nobody signed yet",
    ):
        assert comment in text, comment
    # the comment before an answer still sits right above it
    assert "  # Safety: red team is scheduled\n  SEC-01:\n" in text
    assert "  # accountability comes last\n  ACC-01:\n" in text
    # key order of the file and of the edited answer
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert keys == ["kind", "format", "checklists", "system", "answers", "signoff"]
    assert text.index("  TR-01:") < text.index("  SEC-01:") < text.index("  SEC-02:") < text.index("  ACC-01:")
    block = text[text.index("  SEC-01:") : text.index("  SEC-02:")]
    assert block.index("status: partial") < block.index("notes:") < block.index("answered_by: lee") < block.index("date:")
    # quoting and flow style of untouched values stay as written
    assert "owner: 'Team 3'" in text
    assert 'notes: "Badge shown before the first message."' in text
    assert "SEC-02: {status: na, notes: No public endpoint.}" in text
    assert "- {path: mini-checklist.yaml}   # our own small checklist" in text
    assert 'date: "2026-11-25"' in text
    audit = load_audit(path)
    assert audit.answers["SEC-01"].status == "partial"
    assert audit.answers["SEC-01"].date == "2026-11-25"


def test_only_the_edited_lines_change(mini, invoke):
    path = _write(mini)
    before = path.read_text(encoding="utf-8").splitlines()
    assert invoke("answer", path, "ACC-01", "--status", "met", "--by", "kim", "--date", "2026-11-25").exit_code == 0
    after = path.read_text(encoding="utf-8").splitlines()
    import difflib

    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["-    status: not_met", "+    status: met", "+    answered_by: kim", '+    date: "2026-11-25"']


def test_new_answer_is_appended_after_the_last_one_and_before_trailing_comment(mini, invoke):
    text = HAND_WRITTEN.replace("  ACC-01:\n    status: not_met\n", "")
    path = _write(mini, text.replace("# accountability comes last\n", ""))
    assert invoke("answer", path, "ACC-01", "--status", "met", "--by", "kim", "--date", "2026-11-25").exit_code == 0
    out = path.read_text(encoding="utf-8")
    assert out.index("SEC-02: {status: na") < out.index("  ACC-01:") < out.index("# end of answers") < out.index("signoff:")
    assert load_audit(path).answers["ACC-01"].status == "met"


def test_flow_style_answer_grows_into_block_style_for_lists(mini, invoke):
    path = _write(mini)
    result = invoke("answer", path, "SEC-02", "--status", "met", "-e", "evidence/notice.txt", "--by", "k", "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "  SEC-02:\n    status: met\n" in text
    assert "      - {path: evidence/notice.txt, sha256: " in text
    assert load_audit(path).answers["SEC-02"].evidence[0].size == 37


@pytest.mark.parametrize(
    "notes",
    [
        "2026-11-25",  # a date must stay a string
        "12:30",  # YAML 1.1 sexagesimal integer
        "yes",
        "no",
        "null",
        "~",
        "1e3",
        "0x1F",
        "true",
        "- looks like a list",
        "key: value",
        "# not a comment",
        "  leading and trailing spaces  ",
        "tab\tinside",
        "Line one\nLine two\n\n- a list item\n",
        "no trailing newline\nsecond",
        "ends with spaces   \nnext",
        "'quotes' and \"double\"",
        "한국어 메모: 충족합니다.",
        "emoji 🎉 and NBSP\u00a0here",
        "",
    ],
)
def test_notes_reload_exactly(mini, invoke, notes):
    path = _write(mini)
    result = invoke("answer", path, "ACC-01", "--status", "partial", "--note", notes, "--by", "k", "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert load_audit(path).answers["ACC-01"].notes == notes


def test_multiline_notes_are_written_as_a_literal_block(mini, invoke):
    path = _write(mini)
    note = "## Findings\n\n- the banner is shown\n- the API says `ai: true`\n"
    assert invoke("answer", path, "ACC-01", "--status", "met", "--note", note, "--by", "k", "--date", "2026-11-25").exit_code == 0
    assert "    notes: |\n      ## Findings\n\n      - the banner is shown\n" in path.read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_round_trips(text):
    raw = HAND_WRITTEN.encode("utf-8")
    new, doc = apply(raw, [Change(("answers", "SEC-01"), {"status": "partial", "notes": text})], "audit.yaml")
    assert doc.data["answers"]["SEC-01"]["notes"] == text
    assert load_bytes(new, "audit.yaml").data["answers"]["TR-01"]["notes"] == "Badge shown before the first message."


def test_crlf_bom_and_document_markers_are_kept():
    text = "\ufeff---\n" + HAND_WRITTEN
    raw = text.replace("\n", "\r\n").encode("utf-8")
    new, _ = apply(raw, [Change(("answers", "ACC-01"), {"status": "met"})], "audit.yaml")
    assert new.startswith(b"\xef\xbb\xbf---\r\n# Audit of the support bot")
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert b"# end of answers" in new


def test_four_space_indentation_is_kept():
    text = (
        "kind: audit\nformat: 1\nchecklists:\n-   id: genai-baseline\nsystem:\n    name: X\n    regions:\n    - KR\n"
        "answers:\n    TR-01:\n        status: met\n"
    )
    assert _guess_indent(text) == (4, 0)
    new, doc = apply(text.encode(), [Change(("answers", "TR-02"), {"status": "met", "evidence": [{"path": "a"}]})], "a.yaml")
    out = new.decode()
    assert "    TR-01:\n        status: met\n    TR-02:\n        status: met\n        evidence:\n        - {path: a}\n" in out
    assert doc.data["answers"]["TR-02"]["evidence"] == [{"path": "a"}]


def test_an_edit_that_would_change_other_values_is_refused(mini, monkeypatch):
    path = _write(mini)
    before = path.read_bytes()
    import aiaudit.audit.roundtrip as rt

    real = rt._set_path

    def sloppy(tree, path_, value):  # a bug that also touches another key
        real(tree, path_, value)
        tree["system"]["name"] = "changed"

    monkeypatch.setattr(rt, "_set_path", sloppy)
    monkeypatch.setattr(rt, "_span_edit", lambda *args: None)  # the round trip, as when the span edit gives up
    with pytest.raises(RoundTripError, match=r"\$\.system\.name"):
        save(path, [Change(("answers", "ACC-01"), {"status": "met"})])
    assert path.read_bytes() == before


def test_numbers_reload_identically_or_are_refused():
    """A number is never written in a form the loader reads differently (if ruamel's form is ambiguous, the save is refused)."""
    raw = HAND_WRITTEN.encode()
    for value in (3e25, 2.5, 1e-3, 12345, 0, -7, True, False, None):
        try:
            _, doc = apply(raw, [Change(("system", "classification"), {"answers": {"x": value}})], "audit.yaml")
        except RoundTripError as exc:
            assert "nothing was written" in str(exc)
            continue
        got = doc.data["system"]["classification"]["answers"]["x"]
        assert got == value and type(got) is type(value)


def test_failed_check_leaves_the_file_untouched(mini):
    path = _write(mini)
    before = path.read_bytes()

    def check(doc):
        raise RoundTripError("nope")

    with pytest.raises(RoundTripError):
        save(path, [Change(("answers", "ACC-01"), {"status": "met"})], check=check)
    assert path.read_bytes() == before


def test_unchanged_values_keep_their_exact_form(mini, invoke):
    path = mini / "audit.yaml"
    text = (mini / "audit.yaml").read_text(encoding="utf-8")
    custom = text.replace(
        "      - {path: evidence/notice.txt, sha256: " + SHA + ", size: 37}\n",
        "      # the screenshot of the badge\n"
        "      - path: evidence/notice.txt\n"
        "        sha256: " + SHA + "   # checked\n"
        "        size: 37\n",
    ).replace('date: "2026-11-20"', "date: 2026-11-20")
    path.write_text(custom, encoding="utf-8")
    assert (
        invoke("answer", path, "TR-01", "--status", "partial", "--by", "kim@example.org", "--date", "2026-11-20").exit_code == 0
    )
    after = path.read_text(encoding="utf-8")
    assert after == custom.replace("TR-01:\n    status: met", "TR-01:\n    status: partial")


def test_flow_style_audit_becomes_block_where_a_block_value_goes():
    raw = b"kind: audit\nformat: 1\nchecklists: [{path: c.yaml}]\nsystem: {name: x}\nanswers: {TR-01: {status: met}}\n"
    note = "line one\nline two\n"
    new, doc = apply(raw, [Change(("answers", "TR-01"), {"status": "met", "notes": note})], "a.yaml")
    assert doc.data["answers"]["TR-01"]["notes"] == note
    assert "notes: |\n" in new.decode()
    assert new.decode().startswith("kind: audit\nformat: 1\nchecklists: [{path: c.yaml}]\nsystem: {name: x}\n")


# --- the span edit: same data as the round trip, every other byte kept ----------------------------

INIT_STYLE = """\
# aiaudit audit file. Answer each item below, then run `aiaudit validate` and `aiaudit report`.
kind: audit
format: 1
checklists:
  - {path: mini-checklist.yaml}
system:
  name: "상담봇"
  regions: [KR]
answers:
  # ── Transparency ──
  # TR-01 [high] Are people told they are interacting with an AI system?
  TR-01:
    status: unanswered
    notes: ""
    evidence: []
  # SEC-01 [high] Is the system tested against prompt injection?
  SEC-01:
    status: met
    notes: |
      Red team in March.
      Report attached.
    evidence:
      - {path: evidence/notice.txt, sha256: f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee, size: 37}
    answered_by: kim@example.org
    date: "2026-11-20"
  # SEC-02 [low] Is there a rate limit?
  SEC-02:
    status: unanswered
    notes: ""
  # ACC-01 [medium] Is a person accountable for the system named?
  ACC-01:
    status: unanswered   # ask the lead
    notes: ""
    evidence: []
signoff: []
"""

FOUR_SPACES = """\
kind: audit
format: 1
checklists:
-   path: mini-checklist.yaml
system:
    name: X
    regions:
    - KR
answers:
    TR-01:
        status: met
        evidence:
        -   path: evidence/notice.txt
            size: 37
    SEC-01:
        status: partial
        notes: >
            folded
            text
signoff: []
"""

LAYOUTS = {
    "hand-written": HAND_WRITTEN,
    "init": INIT_STYLE,
    "four spaces": FOUR_SPACES,
    "crlf + bom": "\ufeff" + INIT_STYLE.replace("\n", "\r\n"),
}

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_lines = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20), min_size=2, max_size=4
)
_notes = st.one_of(
    _text,
    _lines.map("\n".join),
    _lines.map(lambda lines: "\n".join(lines) + "\n"),
    st.sampled_from(["12:30", "yes", "- a", "#x"]),
)
_evidence = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"path": st.from_regex(r"evidence/[a-z0-9_. -]{1,12}", fullmatch=True)},
            optional={"size": st.integers(0, 10**9), "description": _text},
        ),
        st.fixed_dictionaries({"url": st.from_regex(r"https://example\.org/[a-z0-9/]{0,10}", fullmatch=True)}),
    ),
    max_size=3,
)
_answer = st.fixed_dictionaries(
    {"status": st.sampled_from(["met", "partial", "not_met", "na", "unanswered"])},
    optional={
        "notes": _notes,
        "evidence": _evidence,
        "answered_by": _text,
        "date": st.sampled_from(["2026-11-25", "2027-01-02"]),
    },
)


def _block(old, item_id):
    """(start, end) of an answer's lines in the loader's text: from its key's line to the end of its last line."""
    from aiaudit.audit.spanedit import _Editor, _pair
    from aiaudit.loading import compose

    text = old.raw.decode("utf-8-sig")
    ed = _Editor(text, (2, 2))

    answers = _pair(compose(text), "answers")[1]
    pair = _pair(answers, item_id)
    if pair is None:  # a new answer goes after the last one
        at = ed.eol(ed.content_end(answers))
        return at, at
    start = ed.line_start(pair[0].start_mark.index)
    return start, ed.eol(max(ed.colon_end(pair[0]), ed.content_end(pair[1])))


@settings(max_examples=300, deadline=None)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    item_id=st.sampled_from(["TR-01", "SEC-01", "SEC-02", "ACC-01", "NEW-99"]),
    answer=_answer,
)
def test_span_edit_gives_the_round_trip_data_and_keeps_every_other_byte(layout, item_id, answer):
    import aiaudit.audit.roundtrip as rt
    from aiaudit.audit.spanedit import canonical

    raw = LAYOUTS[layout].encode("utf-8")
    old = load_bytes(raw, "audit.yaml")
    changes = [Change(("answers", item_id), answer)]
    expected = rt._expected(old.data, changes)
    found = rt._span_edit(raw, old, changes, expected, "audit.yaml", 10**7)
    assert found is not None, "the span edit gave up on a plain layout"
    new_raw, new = found
    # the same data as the ruamel.yaml round trip
    _, by_ruamel = rt._round_trip(raw, changes, "audit.yaml", expected, 10**7)
    assert canonical(new.data) == canonical(by_ruamel.data) == canonical(expected)
    # every byte outside the answer's lines is kept
    text, new_text = old.raw.decode("utf-8-sig"), new_raw.decode("utf-8-sig")
    start, end = _block(old, item_id)
    assert new_raw.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert new_text.startswith(text[:start])
    assert new_text.endswith(text[end:])
    # inside it, the lines of the values that did not change are kept too
    old_answer = old.data["answers"].get(item_id)
    if isinstance(old_answer, dict) and start < end and "{" not in text[start:end].split(":", 1)[1][:3]:
        from aiaudit.audit.spanedit import _Editor, _pair, same

        ed = _Editor(text, (2, 2))
        from aiaudit.loading import compose

        node = _pair(_pair(compose(text), "answers")[1], item_id)[1]
        for key, value in old_answer.items():
            if key in answer and same(answer[key], value):
                k, v = _pair(node, key)
                assert text[ed.line_start(k.start_mark.index) : ed.eol(ed.content_end(v))] in new_text


def test_span_edit_gives_up_on_anchors_and_the_round_trip_takes_over():
    import aiaudit.audit.roundtrip as rt

    text = HAND_WRITTEN.replace("  owner: 'Team 3'", "  owner: &team 'Team 3'\n  contact: *team")
    raw = text.encode()
    old = load_bytes(raw, "audit.yaml")
    changes = [Change(("answers", "ACC-01"), {"status": "met"})]
    assert rt._span_edit(raw, old, changes, rt._expected(old.data, changes), "audit.yaml", 10**7) is None
    new, doc = apply(raw, changes, "audit.yaml")
    assert doc.data["answers"]["ACC-01"] == {"status": "met"}
    assert doc.data["system"]["contact"] == "Team 3"


def test_a_span_edit_that_does_not_verify_falls_back_to_the_round_trip(monkeypatch):
    import aiaudit.audit.spanedit as spanedit

    real = spanedit.edit

    def sloppy(text, *args):  # a bug that also touches another value
        return real(text, *args).replace("상담봇 Mini", "changed")

    monkeypatch.setattr(spanedit, "edit", sloppy)
    new, doc = apply(HAND_WRITTEN.encode(), [Change(("answers", "ACC-01"), {"status": "met"})], "audit.yaml")
    assert doc.data["system"]["name"] == "상담봇 Mini"
    assert doc.data["answers"]["ACC-01"] == {"status": "met"}


def test_saving_an_answer_changes_only_its_lines(mini, invoke):
    """The usual case end to end: `answer` on an init-style audit rewrites only that answer's lines."""
    path = _write(mini, INIT_STYLE)
    before = path.read_text(encoding="utf-8")
    result = invoke("answer", path, "TR-01", "--status", "met", "--note", "배너 확인", "-e", "evidence/notice.txt", "--by", "lee")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    head, tail = before.split("  TR-01:\n")[0], before.split("    evidence: []\n  # SEC-01", 1)[1]
    assert after.startswith(
        head + "  TR-01:\n    status: met\n    notes: 배너 확인\n    evidence:\n      - {path: evidence/notice.txt, sha256: "
    )
    assert after.endswith("  # SEC-01" + tail)
