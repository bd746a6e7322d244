"""Class 6: terminal and CI output that cannot be hijacked. Text from files (names of files and folders,
ids, notes, titles, paths) reaches a terminal with its escapes shown escaped, never starts a line that a
CI runner reads as a command, and Markdown for a job summary or a PR comment carries no link, image,
mention or HTML from a file.

The last group checks every gate output format (text, GitHub, JUnit, JSON, SARIF, GitLab) on its own,
as a file that gets printed into a CI log.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from corpus import LOG_ATTACKS, MARKDOWN_ATTACKS, TERMINAL_ATTACKS, edit_audit, project

from aiaudit.text import log_safe, md_escape, output_safe, terminal_safe

ATTACKS = {**TERMINAL_ATTACKS, **LOG_ATTACKS}
#: Characters that must never reach a terminal raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
COMMAND_LINE = re.compile(r"^\s*(::|##\[|##vso\[)", re.MULTILINE)


def assert_clean(text: str, where: str = "") -> None:
    raw = RAW.search(text)
    assert raw is None, f"{where}: raw {raw.group(0)!r} in {text[max(0, raw.start() - 60) : raw.end() + 60]!r}"
    command = COMMAND_LINE.search(text)
    assert command is None, f"{where}: a line starts a CI command: {text[command.start() : command.start() + 80]!r}"


# --- the helpers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_output_safe_and_log_safe_neutralise_every_attack(name):
    text = ATTACKS[name]
    assert_clean(output_safe(text), name)
    assert_clean(log_safe(text), name)
    assert "\n" not in log_safe(text)


def test_terminal_safe_keeps_json_valid():
    value = {"note": "\x1b[31m\x9b\u202e\u2028x"}
    shown = output_safe(json.dumps(value, ensure_ascii=False))
    assert json.loads(shown) == value and RAW.search(shown) is None


def test_osc52_is_shown_escaped():
    assert terminal_safe("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07"


# --- end to end: a project whose every text is hostile ------------------------------------------------------------


def _hostile_project(tmp_path, attack: str):
    folder_name = "team" + attack.replace("/", "_").replace("\0", "")
    proj = project(tmp_path, folder_name[:200])
    (proj / "evidence" / ("ev" + attack.replace("/", "_")[:100])).write_text("x", encoding="utf-8")

    def change(data):
        data["system"]["name"] = "sys " + attack
        data["system"]["owner"] = attack
        data["answers"]["TR-01"]["notes"] = "note " + attack
        data["answers"]["TR-01"]["answered_by"] = attack
        data["answers"]["SEC-01"]["evidence"] = [{"path": "evidence/ev" + attack.replace("/", "_")[:100]}]
        data["answers"]["ACC-01"]["evidence"] = [{"path": "missing " + attack}]  # an error that names it
        data["signoff"][0]["name"] = attack + "name"

    edit_audit(proj, change)
    text = (proj / "mini-checklist.yaml").read_text(encoding="utf-8")
    text = text.replace("title: {en: Transparency, ko: 투명성}", f"title: {{en: {json.dumps(attack)}, ko: 투명성}}")
    (proj / "mini-checklist.yaml").write_text(text, encoding="utf-8")
    return proj


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_no_command_prints_raw_file_text(cli, tmp_path, name, monkeypatch):
    attack = ATTACKS[name]
    proj = _hostile_project(tmp_path, attack)
    audit = proj / "audit.yaml"
    broken = [audit]  # the missing evidence makes the audit invalid: its diagnostics name the paths
    outputs = []
    for args in (
        ["validate", *broken],
        ["validate", "--format", "json", *broken],
        ["lint", proj / "mini-checklist.yaml"],
        ["checklists", "show", proj / "mini-checklist.yaml", "--full"],
        ["gate", audit, "-p", "preset:classroom-minimum"],
    ):
        result = cli(*args)
        outputs.append((args[0], result.stdout + result.stderr))
    edit_audit(proj, lambda d: d["answers"]["ACC-01"].pop("evidence"))
    for args in (
        ["status", audit],
        ["status", audit, "--format", "json"],
        ["report", audit, "-o", "-", "-f", "md"],
        ["report", audit, "-o", "-", "-f", "json"],
        ["report", audit, "-o", "-", "-f", "html"],
        *(["gate", audit, "-p", "preset:classroom-minimum", "-f", fmt] for fmt in ("text", "json", "sarif", "gitlab", "junit")),
        ["gate", audit, "-p", "preset:classroom-minimum", "-f", "github"],
        ["answer", audit, "SEC-02", "-s", "na", "-n", "Internal pilot with five users; no public endpoint. " + attack],
    ):
        result = cli(*args)
        outputs.append((" ".join(map(str, args[:1] + args[-2:])), result.stdout + result.stderr))
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copytree(proj, subs / proj.name)
    (subs / (proj.name + "-empty")).mkdir()
    result = cli("grade", subs, "--rubric", "preset:classroom-default", "-o", tmp_path / "out", "-j", "1")
    outputs.append(("grade", result.stdout + result.stderr))
    for where, text in outputs:
        assert_clean(text, where)


def test_a_json_report_on_standard_output_is_still_the_same_json(cli, tmp_path):
    proj = _hostile_project(tmp_path, TERMINAL_ATTACKS["osc52-clipboard"] + "\u202e\x9b")
    edit_audit(proj, lambda d: d["answers"]["ACC-01"].pop("evidence"))
    shown = cli("report", proj / "audit.yaml", "-o", "-", "-f", "json").stdout
    cli("report", proj / "audit.yaml", "-o", proj / "r.json")
    assert json.loads(shown) == json.loads((proj / "r.json").read_text(encoding="utf-8"))


# --- Markdown: job summaries and PR comments ---------------------------------------------------------------------------


def _links_outside_code(markdown: str) -> list[str]:
    """Links, images and raw HTML a GitHub-flavoured renderer would make, code spans aside."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    html = md.render(markdown)
    html = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    found = re.findall(r"<a |<img|<script|<iframe", html)
    # GitHub links @mentions and #12 in the rendered text (outside code), whatever the source escaped
    rendered = re.sub(r"<[^>]+>", " ", html)
    found += re.findall(r"(?<!\w)@[\w/-]+|(?<![\w&])#\d+", rendered)
    # and bare URLs, www. addresses and e-mail addresses in the source, where a backslash-escaped character
    # (``https\\:``, ``www\\.``) or a code span starts none.
    text = re.sub(r"(`+).*?\1", " ", markdown, flags=re.S)
    text = re.sub(r"\\[!-/:-@\[-`{-~]", " ", text)
    text = re.sub(r"&[#\w]+;", " ", text)
    found += re.findall(r"https?://\S+|www\.\S+|\S+@\S+\.\S+", text)
    return found


@pytest.mark.parametrize("name", sorted(MARKDOWN_ATTACKS))
def test_md_escape_makes_markdown_inert(name):
    assert _links_outside_code(md_escape(MARKDOWN_ATTACKS[name])) == []


@pytest.mark.parametrize("name", sorted(MARKDOWN_ATTACKS))
def test_the_markdown_report_carries_no_link_from_a_file(cli, proj, name):
    attack = MARKDOWN_ATTACKS[name]

    def change(data):
        data["system"]["name"] = attack
        data["answers"]["SEC-01"]["notes"] = attack
        data["answers"]["SEC-01"]["evidence"] = [{"url": "https://evil.example/x", "description": attack}]
        data["signoff"][0]["statement"] = attack

    edit_audit(proj, change)
    result = cli("report", proj / "audit.yaml", "-o", proj / "r.md")
    assert result.exit_code == 0, result.output
    markdown = (proj / "r.md").read_text(encoding="utf-8")
    assert _links_outside_code(markdown) == []


@pytest.mark.parametrize("name", sorted(MARKDOWN_ATTACKS))
def test_the_job_summary_carries_no_link_from_a_file(cli, proj, tmp_path, name, monkeypatch):
    attack = MARKDOWN_ATTACKS[name]
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "kind: policy\nid: p\nrules:\n  must_meet: {items: [ACC-01]}\n  evidence_integrity: true\n"
        f"waivers:\n  - {{item: ACC-01, reason: {json.dumps(attack)}, approver: {json.dumps(attack)}, expires: '2099-01-01'}}\n",
        encoding="utf-8",
    )
    (proj / "evidence" / "notice.txt").write_text("changed", encoding="utf-8")
    cli("gate", proj / "audit.yaml", "-p", policy, "-f", "github")
    assert _links_outside_code(summary.read_text(encoding="utf-8")) == []


# --- gate outputs, each format on its own ---------------------------------------------------------------------------------


def _gate_result(tmp_path, attack: str):
    from aiaudit.gate import run_gate

    proj = project(tmp_path)
    name = "ev" + attack.replace("/", "_")
    (proj / "evidence" / name).write_text("x", encoding="utf-8")

    def change(data):
        data["answers"]["TR-01"]["evidence"] = [{"path": f"evidence/{name}", "sha256": "0" * 64}]

    audit = edit_audit(proj, change)
    policy = tmp_path / "p.yaml"
    policy.write_text("kind: policy\nid: p\nrules:\n  evidence_integrity: true\n", encoding="utf-8")
    return run_gate(str(audit), str(policy))


def test_gate_text_format_keeps_each_message_on_one_line(tmp_path):
    """text.format: pass every message, file name and rule id through ``text.log_safe`` (one line, escapes shown)."""
    from aiaudit.gate.outputs import render

    result = _gate_result(tmp_path, LOG_ATTACKS["newline-command"])
    text = render("text", result, "en")
    assert COMMAND_LINE.search(text) is None
    forged = [line for line in text.splitlines() if "forged annotation" in line]
    assert forged and all(line.lstrip().startswith(("FAIL", "/")) for line in forged)  # each kept on its own line


@pytest.mark.parametrize("fmt", ["github", "junit", "text", "json", "sarif", "gitlab"])
def test_gate_files_carry_no_terminal_escapes(tmp_path, fmt):
    """Output files get printed into CI logs (``cat gate.txt``, a failed step's artifact dump), so no value from a
    file may carry a raw control: github.format (``escape_data`` keeps ESC and BEL), junit (``_clean`` turns C0 into
    U+FFFD but keeps C1 controls and bidi overrides), text, and the JSON formats (``ensure_ascii=False`` keeps C1,
    bidi and U+2028 raw). Apply ``text.terminal_safe`` to every value from a file (or ``ensure_ascii=True``)."""
    from aiaudit.gate.outputs import render

    result = _gate_result(tmp_path, TERMINAL_ATTACKS["osc52-clipboard"] + TERMINAL_ATTACKS["c1-csi"] + "\u202e")
    assert RAW.search(render(fmt, result, "en").replace("\n", "").replace("\t", "")) is None


def test_gate_junit_has_no_line_that_a_ci_runner_reads_as_a_command(tmp_path):
    """junit.format: failure texts and ``system-out`` keep raw newlines from file names, so a line of the XML starts
    with ``::error``; make each message one line (``text.log_safe``) before it goes into the XML."""
    from aiaudit.gate.outputs import render

    result = _gate_result(tmp_path, LOG_ATTACKS["newline-command"])
    assert COMMAND_LINE.search(render("junit", result, "en")) is None


def test_gate_junit_does_not_tell_the_ci_machine_name(tmp_path):
    """junit.format writes ``hostname=os.uname().nodename``: the CI machine's name ends up in a published
    artifact. Write ``localhost`` (the XSD only asks for a token)."""
    from aiaudit.gate.outputs import render

    result = _gate_result(tmp_path, "x")
    assert f'hostname="{os.uname().nodename}"' not in render("junit", result, "en") or os.uname().nodename == "localhost"


def test_the_escape_tables_cover_exactly_the_unsafe_characters():
    """Every code point: escaped by terminal_safe/json_safe exactly when the documented class holds it."""
    import re
    import sys

    from aiaudit.text import json_safe, terminal_safe

    unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if unsafe.fullmatch(ch):
            assert terminal_safe(ch) == (f"\\x{cp:02x}" if cp < 0x80 else f"\\u{cp:04x}")
            assert json_safe(ch) == f"\\u{cp:04x}"
        else:
            assert terminal_safe(ch) == ch == json_safe(ch)
