"""The pages themselves: a folder of audits, a broken audit, the language switch, the live panel, previews, 404s."""

from __future__ import annotations

import re
import shutil

import pytest

pytest.importorskip("starlette", reason="the 'web' extra is not installed")

from .conftest import EXAMPLE, USER, Client


@pytest.fixture
def folder_client(tmp_path):
    from aiaudit.serve.security import Guard
    from aiaudit.serve.site import Site
    from aiaudit.serve.workspace import Settings, Workspace

    shutil.copytree(EXAMPLE, tmp_path / "chatbot")
    shutil.copytree(EXAMPLE.parent / "music-startup", tmp_path / "music" / "startup")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "audit.yaml").write_text("kind: audit\nformat: 1\nchecklists: [\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(EXAMPLE / "audit.yaml", tmp_path / ".hidden" / "audit.yaml")
    ws = Workspace(Settings(root=tmp_path, answered_by=USER))
    return Client(Site(Guard(port=8765), workspace=ws)).sign_in()


def test_a_folder_lists_its_audits_and_explains_a_broken_one(folder_client):
    page = folder_client.http.get("/")
    assert page.status_code == 200
    assert "chatbot/audit.yaml" in page.text and "music/startup/audit.yaml" in page.text
    assert "broken/audit.yaml" in page.text and "cannot be loaded" in page.text
    assert ".hidden" not in page.text
    broken = next(e for e in folder_client.site.ws.entries if e.rel == "broken/audit.yaml")
    response = folder_client.http.get(f"/a/{broken.id}/")
    assert response.status_code == 422
    assert "audit.yaml:4:1: E101" in response.text


def test_unknown_audits_items_and_files_are_404(client):
    for path in [
        "/a/nope/",
        "/a/nope/item/TR-10",
        client.audit_url() + "/item/NOPE-99",
        "/static/../pyproject.toml",
        "/static/app.py",
        "/nothing",
    ]:
        assert client.http.get(path).status_code == 404, path


def test_the_language_switch_keeps_the_page(client):
    item = client.audit_url() + "/item/TR-10"
    switched = client.http.post("/lang", data={"csrf": client.guard.csrf, "lang": "ko", "next": item})
    assert switched.status_code == 303 and switched.headers["location"] == item
    assert "SameSite=strict" in switched.headers["set-cookie"] or "SameSite=Strict" in switched.headers["set-cookie"]
    page = client.http.get(item).text
    assert '<html lang="ko">' in page and "작성 안내" in page and "저장하고 다음 미응답 항목으로" in page
    away = client.http.post("/lang", data={"csrf": client.guard.csrf, "lang": "en", "next": "//evil.example/x"})
    assert away.headers["location"] == "/"


def test_the_live_panel_answers_304_until_the_file_changes(client):
    first = client.http.get(client.audit_url() + "/live")
    etag = first.headers["etag"]
    assert "Not ready" in first.json()["html"]
    assert client.http.get(client.audit_url() + "/live", headers={"If-None-Match": etag}).status_code == 304
    page = client.http.get(client.audit_url() + "/item/TR-02").text
    revision = re.search(r'name="revision" value="([^"]*)"', page).group(1)
    saved = client.http.post(
        client.audit_url() + "/item/TR-02",
        data={"csrf": client.guard.csrf, "revision": revision, "status": "met", "evidence_path": "evidence/model-card.md"},
        headers={"Accept": "application/json"},
    )
    assert saved.json()["status"] == "saved" and "Draft" in saved.json()["live"]
    changed = client.http.get(client.audit_url() + "/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Draft" in changed.json()["html"]


def test_json_answers_for_the_script(client):
    url = client.audit_url()
    preview = client.http.post(url + "/preview", data={"notes": "**x** <b>y</b>"}, headers={"X-CSRF-Token": client.guard.csrf})
    assert preview.json()["html"] == "<p><strong>x</strong> &lt;b&gt;y&lt;/b&gt;</p>\n"
    bad = client.http.post(
        url + "/item/TR-10",
        data={"csrf": client.guard.csrf, "revision": "stale", "status": "met"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 409 and bad.json()["status"] == "conflict"


def test_the_classification_preview_saves_nothing(client):
    path = client.site.ws.entries[0].path
    before = path.read_bytes()
    page = client.http.get(client.audit_url() + "/classify").text
    shown = re.findall(r'name="shown" value="([^"]+)"', page)
    data = {
        "csrf": client.guard.csrf,
        "action": "check",
        "shown": shown,
        "eu_market": "yes",
        "kr_market": "yes",
        "interacts": "yes",
        "generates": ["text"],
    }
    for q in ("annex_i_product", "emotion_or_biometric", "gpai_model", "deepfakes", "assistive_only"):
        data[q] = "no"
    response = client.http.post(client.audit_url() + "/classify", data=data)
    assert response.status_code == 200, response.text
    assert "limited risk (transparency duties)" in response.text and "Not saved yet." in response.text
    assert path.read_bytes() == before


def test_the_changes_page_outside_a_repository(client):
    page = client.http.get(client.audit_url() + "/changes")
    assert page.status_code == 200 and "not in a git repository" in page.text
