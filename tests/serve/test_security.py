"""Every request needs the token (or its cookie), names this server as Host, comes from this origin, and every
state change carries the CSRF token; pages have a strict CSP; uploads and downloads stay inside the audit's folder."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette", reason="the 'web' extra is not installed")

ITEM = "TR-10"


def _item_form(client, item=ITEM, **fields):
    """The item page's form fields (csrf, revision) with ``fields`` on top."""
    page = client.http.get(f"{client.audit_url()}/item/{item}")
    assert page.status_code == 200, page.text
    revision = re.search(r'name="revision" value="([^"]*)"', page.text).group(1)
    data = {"csrf": client.guard.csrf, "revision": revision, "action": "save"}
    data.update(fields)
    return data


# --- the token and the cookie --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/static/app.css", "/a/whatever/", "/a/x/report.pdf", "/lang"])
def test_requests_without_the_token_are_refused(workspace, path):
    from aiaudit.serve.security import Guard
    from aiaudit.serve.site import Site

    from .conftest import Client

    client = Client(Site(Guard(port=8765), workspace=workspace))  # not signed in
    response = client.http.get(path)
    assert response.status_code == 401
    assert "?token=" in response.text and "토큰" in response.text  # says what to do, in both languages
    assert client.http.get("/?token=wrong").status_code == 401
    assert client.http.post("/lang", data={"lang": "ko"}).status_code == 401


def test_the_token_gives_a_strict_httponly_cookie(workspace):
    from aiaudit.serve.security import Guard
    from aiaudit.serve.site import Site

    from .conftest import Client

    client = Client(Site(Guard(port=8765), workspace=workspace))
    response = client.http.get("/?token=" + client.guard.token)
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("aiaudit_8765=") and client.guard.token not in cookie  # a separate session secret
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert 'http-equiv="refresh"' in response.text and "token" not in response.text.split("url=")[1].split('"')[0]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert client.http.get("/").status_code == 303  # signed in: on to the audit


# --- Host, Origin, methods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example:8765", "127.0.0.1:9999", "localhost.evil.example:8765", "127.0.0.1", "", "0.0.0.0:8765"]
)
def test_a_foreign_host_is_refused_even_with_the_cookie(client, host):
    response = client.http.get(client.audit_url() + "/", headers={"Host": host})
    assert response.status_code == 421
    before = client.site.ws.entries[0].path.read_bytes()
    posted = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=_item_form(client, status="met"), headers={"Host": host})
    assert posted.status_code == 421
    assert client.site.ws.entries[0].path.read_bytes() == before


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_loopback_names_are_accepted(client, host):
    assert client.http.get(client.audit_url() + "/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:9999", "null", "https://127.0.0.1:8765"])
def test_a_foreign_origin_is_refused(client, origin):
    path = client.site.ws.entries[0].path
    before = path.read_bytes()
    data = _item_form(client, status="met", notes="from elsewhere")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, headers={"Origin": origin})
    assert response.status_code == 403
    assert path.read_bytes() == before
    assert client.http.get(client.audit_url() + "/live", headers={"Origin": origin}).status_code == 403


def test_a_cross_site_fetch_is_refused(client):
    path = client.site.ws.entries[0].path
    before = path.read_bytes()
    data = _item_form(client, status="met", notes="x")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and path.read_bytes() == before


def test_own_origin_is_accepted(client):
    data = _item_form(client, status="met", notes="Faithfulness checked in the 2026-11 review.")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, headers={"Origin": client.base})
    assert response.status_code == 303
    assert "Faithfulness checked" in client.site.ws.entries[0].path.read_text(encoding="utf-8")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_refused(client, method):
    assert client.http.request(method, client.audit_url() + "/").status_code == 405


# --- CSRF ---------------------------------------------------------------------------------------------------


def _post_routes(app) -> list[str]:
    routes = app.app.routes  # the Starlette app inside the security middleware
    return [r.path for r in routes if "POST" in (r.methods or ())]


def test_every_state_change_needs_the_csrf_token(client):
    path = client.site.ws.entries[0].path
    before = path.read_bytes()
    app = client.http.app
    routes = _post_routes(app)
    assert {"/lang", "/a/{aid}/item/{item}", "/a/{aid}/classify", "/a/{aid}/preview"} <= set(routes)
    aid = client.site.ws.entries[0].id
    for route in routes:
        url = route.replace("{aid}", aid).replace("{item}", ITEM)
        data = _item_form(client, status="not_met", notes="forged", lang="ko", action="save", eu_market="yes")
        for bad in (None, "", "wrong-token"):
            fields = {k: v for k, v in data.items() if k != "csrf"}
            if bad is not None:
                fields["csrf"] = bad
            response = client.http.post(url, data=fields)
            assert response.status_code == 403, (route, bad, response.status_code)
    assert path.read_bytes() == before
    assert "aiaudit_lang" not in client.http.cookies


def test_the_csrf_header_works_for_scripts(client):
    data = _item_form(client, status="met", notes="Checked.")
    token = data.pop("csrf")
    response = client.http.post(
        f"{client.audit_url()}/item/{ITEM}", data=data, headers={"X-CSRF-Token": token, "Accept": "application/json"}
    )
    assert response.status_code == 200 and response.json()["status"] == "saved"


# --- headers --------------------------------------------------------------------------------------------------


def test_pages_have_a_strict_csp_and_no_inline_script_or_style(client):
    aid = client.audit_url()
    for path in ["/", "/item/" + ITEM, "/review", "/report", "/changes", "/classify"]:
        response = client.http.get(aid + path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path  # no inline script
        assert not re.search(r"\son[a-z]+=", html), path  # no inline handlers
        assert not re.search(r"\sstyle=", html), path  # no inline styles (the CSP would block them)
        assert "http://" not in html.replace(client.base, "") or path == "/changes"  # nothing from elsewhere


def test_the_report_is_a_sandboxed_document_without_scripts(client):
    response = client.http.get(client.audit_url() + "/report.html")
    csp = response.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert "'sha256-" in csp and "unsafe-inline" not in csp


def test_the_pdf_is_an_attachment(client):
    response = client.http.get(client.audit_url() + "/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["content-security-policy"]


# --- sizes -------------------------------------------------------------------------------------------------------


def test_a_too_large_request_is_refused_before_it_is_read(client):
    path = client.site.ws.entries[0].path
    before = path.read_bytes()
    big = b"x" * 2_100_000
    data = _item_form(client, status="met")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": ("big.bin", big)})
    assert response.status_code == 413
    assert path.read_bytes() == before
    assert not (path.parent / "evidence" / "big.bin").exists()


def test_an_upload_over_the_limit_keeps_nothing(client):
    from dataclasses import replace

    ws = client.site.ws
    ws.settings = replace(ws.settings, max_upload=1000)
    path = ws.entries[0].path
    before = path.read_bytes()
    data = _item_form(client, status="met")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": ("big.pdf", b"%" * 5000)})
    assert response.status_code == 422
    assert "upload limit" in response.text
    assert path.read_bytes() == before
    assert sorted(p.name for p in (path.parent / "evidence").iterdir()) == sorted(
        p.name for p in (path.parent / "evidence").iterdir() if not p.name.startswith("big")
    )


# --- uploads and downloads stay in the folder ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,stored",
    [
        ("../../escape.txt", "escape.txt"),
        ("..\\..\\windows.txt", "windows.txt"),
        ("/etc/passwd", "passwd"),
        (".hidden", "hidden"),
        ("a\u202eexe.txt", "a_exe.txt"),
        ("보고서 최종.pdf", "보고서 최종.pdf"),
    ],
)
def test_uploads_land_in_the_evidence_folder_under_a_safe_name(client, name, stored):
    path = client.site.ws.entries[0].path
    data = _item_form(client, status="met", notes="See the upload.")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": (name, b"evidence body")})
    assert response.status_code == 303, response.text
    kept = path.parent / "evidence" / stored
    assert kept.read_bytes() == b"evidence body"
    text = path.read_text(encoding="utf-8")
    assert f"evidence/{stored}" in text
    assert "sha256: 2f5d" in text or "sha256:" in text
    assert not (path.parent.parent / "escape.txt").exists()


def test_an_upload_never_replaces_another_file(client):
    path = client.site.ws.entries[0].path
    original = (path.parent / "evidence" / "model-card.md").read_bytes()
    data = _item_form(client, status="met", notes="x")
    client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": ("model-card.md", b"other content")})
    assert (path.parent / "evidence" / "model-card.md").read_bytes() == original
    assert (path.parent / "evidence" / "model-card-2.md").read_bytes() == b"other content"
    data = _item_form(client, notes="y")
    client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": ("model-card.md", original)})
    assert not (path.parent / "evidence" / "model-card-3.md").exists()  # the same content is reused


def test_downloads_serve_only_cited_evidence_inside_the_folder(client, tmp_path):
    path = client.site.ws.entries[0].path
    aid = client.audit_url()
    ok = client.http.get(aid + "/evidence", params={"path": "evidence/model-card.md"})
    assert ok.status_code == 200 and ok.headers["content-disposition"].startswith("attachment;")
    assert ok.content == (path.parent / "evidence" / "model-card.md").read_bytes()
    (tmp_path / "secret.txt").write_text("TOP-SECRET-7731", encoding="utf-8")
    for bad in ["../secret.txt", "/etc/passwd", "audit.yaml", "evidence/../audit.yaml", "evidence/not-cited.txt"]:
        (path.parent / "evidence" / "not-cited.txt").write_text("x", encoding="utf-8")
        response = client.http.get(aid + "/evidence", params={"path": bad})
        assert response.status_code == 404, bad
        assert b"TOP-SECRET-7731" not in response.content


def test_html_evidence_is_never_shown_as_a_page(client):
    path = client.site.ws.entries[0].path
    data = _item_form(client, status="met", notes="x")
    hostile = {"upload": ("page.html", b"<script>alert(1)</script>")}
    client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files=hostile)
    response = client.http.get(client.audit_url() + "/evidence", params={"path": "evidence/page.html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["content-security-policy"]
    assert path.exists()


def test_a_symlink_out_of_the_folder_is_not_followed(client, tmp_path):
    path = client.site.ws.entries[0].path
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    evidence = path.parent / "evidence"
    import shutil

    shutil.rmtree(evidence)
    evidence.symlink_to(outside, target_is_directory=True)
    data = _item_form(client, status="met", notes="x")
    response = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data, files={"upload": ("new.txt", b"data")})
    assert response.status_code == 422
    assert not (outside / "new.txt").exists()


# --- escaping -------------------------------------------------------------------------------------------------------


def test_notes_are_escaped_and_sanitised_like_reports(client):
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) **bold**"
    data = _item_form(client, status="partial", notes=hostile, action="preview")
    preview = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=data)
    assert preview.status_code == 200
    assert "<script>alert" not in preview.text and "<img" not in preview.text
    assert 'href="javascript:' not in preview.text
    assert "<strong>bold</strong>" in preview.text
    saved = client.http.post(f"{client.audit_url()}/item/{ITEM}", data=_item_form(client, status="partial", notes=hostile))
    assert saved.status_code == 303
    for page in ["/item/" + ITEM, "/review", "/"]:
        html = client.http.get(client.audit_url() + page).text
        assert "<script>alert" not in html and "<img src=x" not in html
    report = client.http.get(client.audit_url() + "/report.html").text
    assert "<script>alert" not in report


def test_with_allow_remote_addresses_work_but_names_still_do_not():
    from aiaudit.serve.security import Guard

    local = Guard(port=8000)
    assert local.host_ok("127.0.0.1:8000") and not local.host_ok("192.168.1.5:8000")
    remote = Guard(port=8000, hosts=("0.0.0.0",))
    assert remote.host_ok("192.168.1.5:8000") and remote.host_ok("[fe80::1]:8000")
    assert not remote.host_ok("attacker.example:8000")  # DNS rebinding needs a name
    assert not remote.host_ok("192.168.1.5:8001")
