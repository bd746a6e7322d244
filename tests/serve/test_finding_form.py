"""The finding fields on the item page: saved as `aiaudit answer --observation … --owner … --due …` writes them,
refused with a message next to the field when invalid, removed when emptied, and shown prefilled."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from aiaudit.cli import cli

pytest.importorskip("starlette", reason="the 'web' extra is not installed")

from aiaudit.serve.workspace import AnswerForm, finding_changes, revision_of

from .conftest import USER

OBSERVATION = "Retention of chat transcripts is not defined.\n\n- 3 of 5 stores keep them forever"
FORM_EMPTY = {name: "" for name in ("observation", "risk", "recommendation", "owner", "due", "management_response")}


def _cli(*args):
    runner = CliRunner(env={"AIAUDIT_USER": USER, "AIAUDIT_LANG": "en", "NO_COLOR": "1"})
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _form(client, item: str) -> tuple[str, str]:
    """The item page and the revision its form carries."""
    page = client.http.get(f"{client.audit_url()}/item/{item}")
    assert page.status_code == 200
    return page.text, re.search(r'name="revision" value="([^"]*)"', page.text).group(1)


def _post(client, item: str, fields: dict, json: bool = False):
    """Post the item's form as a browser does: every field of the page, textareas with Windows line breaks."""
    _page, revision = _form(client, item)
    data = {"csrf": client.guard.csrf, "revision": revision, "remediation_status": "", **FORM_EMPTY}
    data.update({k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in fields.items()})
    headers = {"Accept": "application/json"} if json else {}
    return client.http.post(f"{client.audit_url()}/item/{item}", data=data, headers=headers)


def _answer(path, item: str) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["answers"][item]


def test_a_finding_saved_in_the_form_equals_what_aiaudit_answer_writes(client, example, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin)
    # an open item answered with its finding, then the finding of an answered item completed
    given = {
        "status": "not_met",
        "notes": "No retention schedule",
        "observation": OBSERVATION,
        "owner": " CX AI ",
        "due": "2027-03-31",
    }
    saved = _post(client, "PRIV-13", given)
    assert saved.status_code == 303, saved.text
    options = ["--status", "not_met", "--note", "No retention schedule", "--observation", OBSERVATION]
    _cli("answer", twin / "audit.yaml", "PRIV-13", *options, "--owner", " CX AI ", "--due", "2027-03-31")
    assert example.read_bytes() == (twin / "audit.yaml").read_bytes()

    notes = _answer(example, "TR-02")["notes"]  # the page sends the file's status and notes back unchanged
    risk, response = "Users cannot tell AI text apart.", "Agreed.\nv2.4 adds it."
    given = {
        "status": "partial",
        "notes": notes,
        "risk": risk,
        "remediation_status": "in_progress",
        "management_response": response,
    }
    saved = _post(client, "TR-02", given)
    assert saved.status_code == 303, saved.text
    options = ["--status", "partial", "--risk", risk, "--remediation", "in_progress", "--response", response]
    _cli("answer", twin / "audit.yaml", "TR-02", *options)
    assert example.read_bytes() == (twin / "audit.yaml").read_bytes()

    answer = _answer(example, "PRIV-13")
    assert answer["observation"] == OBSERVATION and answer["owner"] == "CX AI" and answer["due"] == "2027-03-31"
    assert "risk" not in answer and "remediation_status" not in answer  # fields left empty are not written
    assert _answer(example, "TR-02")["management_response"] == "Agreed.\nv2.4 adds it."
    assert _cli("validate", example).exit_code == 0


def test_an_impossible_due_date_is_refused_next_to_the_field(client, example):
    before = example.read_bytes()
    refused = _post(client, "PRIV-13", {"status": "not_met", "owner": "CX AI team", "due": "2026-02-30"})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="due-error">([^<]*)</p>', refused.text)
    assert error and "invalid due date 2026-02-30" in error.group(1)
    due = re.search(r'<input type="([a-z]+)" id="due" name="due" value="2026-02-30"[^>]*aria-describedby="([^"]*)"', refused.text)
    assert due.groups() == ("text", "due-hint due-error")  # a date picker would empty the impossible date
    assert 'value="CX AI team"' in refused.text  # what was typed is kept
    assert re.search(r'<details id="finding-fields" open>', refused.text)
    assert example.read_bytes() == before
    as_json = _post(client, "PRIV-13", {"status": "not_met", "due": "2026-02-30"}, json=True)
    assert as_json.status_code == 422 and as_json.json()["fields"]["due"][0].startswith("invalid due date 2026-02-30")
    assert example.read_bytes() == before


def test_an_unknown_remediation_status_is_refused_next_to_the_field(client, example):
    before = example.read_bytes()
    refused = _post(client, "PRIV-13", {"status": "not_met", "remediation_status": "someday"})
    assert refused.status_code == 422
    assert 'id="remediation_status-error"' in refused.text and "unknown remediation status someday" in refused.text
    assert example.read_bytes() == before


def test_an_emptied_field_is_removed_and_an_unchanged_one_kept(client, example, tmp_path):
    first = _post(client, "TR-11", {"status": "partial", "observation": OBSERVATION, "owner": "Ops", "due": "2027-01-20"})
    assert first.status_code == 303, first.text
    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin)
    removed = _post(client, "TR-11", {"status": "partial", "observation": OBSERVATION, "owner": "", "due": "2027-01-20"})
    assert removed.status_code == 303, removed.text
    _cli("answer", twin / "audit.yaml", "TR-11", "--status", "partial", "--owner", "")
    assert example.read_bytes() == (twin / "audit.yaml").read_bytes()
    answer = _answer(example, "TR-11")
    assert "owner" not in answer and answer["observation"] == OBSERVATION and answer["due"] == "2027-01-20"


def test_fields_not_sent_or_sent_as_the_file_has_them_are_kept():
    old = {"status": "partial", "observation": "a\nb", "owner": "Ops", "due": "2027-01-20"}
    form = AnswerForm("TR-11", "x", finding={"observation": "a\r\nb", "owner": " Ops ", "due": "2027-01-20", "risk": ""})
    assert finding_changes(old, form) == dict.fromkeys(
        ("observation", "risk", "recommendation", "owner", "due", "management_response", "remediation_status")
    )
    sent = {"observation": "a\r\nc", "owner": "", "recommendation": "Do it.\r\n"}
    changed = finding_changes(old, AnswerForm("TR-11", "x", finding=sent))
    assert changed["observation"] == "a\nc" and changed["owner"] == "" and changed["recommendation"] == "Do it.\n"


def test_the_item_page_shows_the_finding_prefilled(client, workspace, example):
    entry = workspace.entries[0]
    revision = revision_of(workspace.state(entry).raw_answer("TR-10"))
    finding = {"observation": OBSERVATION, "owner": "Ops & <QA>", "due": "2027-02-01", "remediation_status": "risk_accepted"}
    finding["management_response"] = "Accepted by the CISO."
    form = AnswerForm("TR-10", revision, status="met", notes="Checked.", finding=finding)
    assert workspace.save_answer(entry, form).ok
    page, _ = _form(client, "TR-10")
    assert '<details id="finding-fields" open>' in page  # a met answer with a finding still shows it
    assert '<textarea id="observation" name="observation"' in page
    assert ">\n" + html.escape(OBSERVATION, quote=False) + "</textarea>" in page
    assert 'id="owner" name="owner" value="Ops &amp; &lt;QA&gt;"' in page
    assert '<input type="date" id="due" name="due" value="2027-02-01"' in page
    assert '<option value="risk_accepted" selected>Risk accepted</option>' in page
    assert "Accepted by the CISO.</textarea>" in page
    assert '<label for="remediation_status">Remediation status</label>' in page
    for name in ("observation", "risk", "recommendation", "owner", "due", "management_response"):
        assert f'<label for="{name}">' in page and f'id="{name}"' in page
    # an answer that is met without a finding keeps the fields folded away
    other, _ = _form(client, "TR-03")
    assert '<details id="finding-fields">' in other


def test_the_finding_shows_in_korean(client):
    client.http.post("/lang", data={"csrf": client.guard.csrf, "lang": "ko", "next": "/"})
    page, _ = _form(client, "TR-02")
    terms = (
        "발견 사항",
        "확인된 현황",
        "위험",
        "권고 사항",
        "조치 책임자",
        "조치 기한",
        "경영진 의견",
        "개선 조치 상태",
        "진행 중",
    )
    assert [term for term in terms if term not in page] == []
    assert '<details id="finding-fields" open>' in page  # TR-02 is partial


def test_a_conflict_shows_the_finding_the_file_has(client, workspace):
    entry = workspace.entries[0]
    page, stale = _form(client, "TR-10")
    assert workspace.save_answer(entry, AnswerForm("TR-10", stale, status="not_met", finding={"owner": "First tab"})).ok
    data = {"csrf": client.guard.csrf, "revision": stale, "status": "not_met", "owner": "Second tab"}
    conflict = client.http.post(f"{client.audit_url()}/item/TR-10", data=data)
    assert conflict.status_code == 409
    facts = conflict.text[conflict.text.index('id="conflict-title"') :]
    assert '<dt>Owner</dt><dd class="multiline">First tab</dd>' in facts
    assert 'id="owner" name="owner" value="Second tab"' in conflict.text  # what this tab typed is kept


def test_the_finding_in_a_real_browser(serve_process, example, tmp_path):
    """Chromium fills the finding (date picker, select, a multi-line text), saves in place, and the file is the CLI's."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM, new_page, save, sign_in

    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin)
    server = serve_process(example)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = new_page(browser)
        base = sign_in(page, server)
        page.goto(f"{base}/item/PRIV-14")
        assert page.get_attribute("#finding-fields", "open") is None  # unanswered: folded away
        page.check('input[name="status"][value="met"]')
        assert page.get_attribute("#finding-fields", "open") is None  # met: still folded
        page.check('input[name="status"][value="not_met"]')
        assert page.get_attribute("#finding-fields", "open") == ""  # a finding now: its fields open at once
        page.fill("#notes", "No deletion on request yet.")
        page.fill("#observation", OBSERVATION)
        page.get_by_label("Owner", exact=True).fill("Privacy office")
        page.get_by_label("Due date").fill("2027-04-30")
        page.get_by_label("Remediation status").select_option("open")
        save(page)
        page.wait_for_selector("#save-state.ok")
        page.reload()
        assert page.get_attribute("#finding-fields", "open") == ""
        assert page.input_value("#observation") == OBSERVATION and page.input_value("#due") == "2027-04-30"
        assert page.input_value("#remediation_status") == "open"
        assert page.errors == []
        browser.close()
    options = ["--status", "not_met", "--note", "No deletion on request yet.", "--observation", OBSERVATION]
    options += ["--owner", "Privacy office", "--due", "2027-04-30", "--remediation", "open"]
    _cli("answer", twin / "audit.yaml", "PRIV-14", *options)
    assert example.read_bytes() == (twin / "audit.yaml").read_bytes()
