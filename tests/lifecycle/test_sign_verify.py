"""``aiaudit sign`` and ``aiaudit verify``: throwaway SSH keys, tampered evidence, a tampered signed audit, a PDF report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from aiaudit.audit import signing
from aiaudit.loading import load_file

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


@pytest.fixture
def audit(mini, invoke) -> Path:
    """The mini audit with every evidence entry recorded (sha256), ready to sign."""
    path = mini / "audit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item_id, answer in data["answers"].items():
        for entry in answer.get("evidence") or ():
            if "path" in entry and "sha256" not in entry:
                invoke("answer", path, item_id, "-e", mini / entry["path"])
    return path


def _sign(invoke, audit, keys, key="kim", name="Kim Minji", principal="kim@example.com", **extra):
    args = ["sign", audit, "--name", name, "--principal", principal, "--key", keys[key], "--role", "Product owner"]
    for k, v in extra.items():
        args += [f"--{k}", v]
    return invoke(*args)


def test_canonical_content_ignores_layout_and_other_signoffs():
    data = {"kind": "audit", "answers": {"B": {"status": "met"}, "A": {"notes": "한글"}}, "signoff": [{"name": "X", "date": "d"}]}
    other = {
        "signoff": [{"name": "X", "date": "d", "signature": {"v": 1}}, {"name": "Y"}],
        "answers": data["answers"],
        "kind": "audit",
    }
    assert signing.canonical_content(data, 0) == signing.canonical_content(other, 0)
    text = signing.canonical_content(data, 0).decode("utf-8")
    assert text.startswith('{"aiaudit":"signed-audit/1","audit":{"answers":{"A":{"notes":"한글"},"B"')


def test_sign_then_verify(audit, keys, invoke):
    result = _sign(invoke, audit, keys, statement="Answers reviewed.")
    assert result.exit_code == 0, result.output
    assert "signed" in result.stdout and "SHA256:" in result.stdout
    entry = yaml.safe_load(audit.read_text(encoding="utf-8"))["signoff"][-1]
    assert entry["name"] == "Kim Minji" and entry["statement"] == "Answers reviewed."
    assert entry["signature"]["principal"] == "kim@example.com" and entry["signature"]["method"] == "ssh"
    ok = invoke("verify", audit, "--allowed-signers", keys["allowed"], "--require-signature")
    assert ok.exit_code == 0, ok.output
    assert "valid signature by kim@example.com" in ok.stdout and ok.stdout.strip().splitlines()[-1].startswith("verified:")
    without = invoke("verify", audit)  # no allowed signers: integrity only
    assert without.exit_code == 0 and "signer not checked: no allowed-signers file" in without.stdout
    status = invoke("status", audit, env={"AIAUDIT_ALLOWED_SIGNERS": str(keys["allowed"])})
    assert "Sign-off: Kim Minji: valid signature by kim@example.com" in status.stdout


def test_a_tampered_signed_audit_is_invalid_everywhere(audit, keys, invoke, tmp_path):
    _sign(invoke, audit, keys)
    text = audit.read_text(encoding="utf-8")
    tampered = text.replace("status: partial", "status: met", 1)
    assert tampered != text
    audit.write_text(tampered, encoding="utf-8")
    result = invoke("verify", audit, "--allowed-signers", keys["allowed"])
    assert result.exit_code == 1
    assert "INVALID: the audit changed after kim@example.com signed it" in result.stdout
    status = invoke("status", audit, env={"AIAUDIT_ALLOWED_SIGNERS": str(keys["allowed"])})
    assert "Sign-off: Kim Minji: INVALID" in status.stdout
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        f"kind: policy\nid: signed\nrules:\n  require_signature: {{allowed_signers: {keys['allowed']}}}\n", encoding="utf-8"
    )
    gate = invoke("gate", audit, "--policy", policy, "--format", "json")
    data = json.loads(gate.stdout)
    rule = next(r for r in data["rules"] if r["id"] == "require-signature")
    assert gate.exit_code == 1 and rule["outcome"] == "fail"
    report = invoke(
        "report", audit, "--format", "json", "-o", tmp_path / "r.json", env={"AIAUDIT_ALLOWED_SIGNERS": str(keys["allowed"])}
    )
    assert report.exit_code == 0, report.output
    signature = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["signoff"][-1]["signature"]
    assert signature["status"] == "invalid"
    # a forged content hash does not help: the SSH signature itself fails
    data = yaml.safe_load(tampered)
    forged = signing.content_sha256(data, len(data["signoff"]) - 1)
    old_hash = data["signoff"][-1]["signature"]["content_sha256"]
    audit.write_text(tampered.replace(old_hash, forged), encoding="utf-8")
    again = invoke("verify", audit, "--allowed-signers", keys["allowed"])
    assert again.exit_code == 1 and "does not match the audit (changed or forged)" in again.stdout


def test_a_key_not_in_the_allowed_signers_is_untrusted(audit, keys, invoke, tmp_path):
    result = _sign(invoke, audit, keys, key="mallory", name="Mallory", principal="kim@example.com")
    assert result.exit_code == 0, result.output
    check = invoke("verify", audit, "--allowed-signers", keys["allowed"])
    assert check.exit_code == 1 and "does not allow key" in check.stdout
    policy = tmp_path / "policy.yaml"
    policy.write_text("kind: policy\nid: signed\nrules:\n  require_signature: true\n", encoding="utf-8")
    gate = invoke("gate", audit, "--policy", policy, env={"AIAUDIT_ALLOWED_SIGNERS": str(keys["allowed"])})
    assert gate.exit_code == 1 and "require-signature" in gate.stdout


def test_gate_passes_with_a_valid_signature_and_fails_without_allowed_signers(audit, keys, invoke, tmp_path):
    _sign(invoke, audit, keys)
    shutil.copy(keys["allowed"], tmp_path / "allowed")
    policy = tmp_path / "policy.yaml"
    policy.write_text("kind: policy\nid: signed\nrules:\n  require_signature: {allowed_signers: allowed}\n", encoding="utf-8")
    gate = invoke("gate", audit, "--policy", policy, "--format", "json")
    rule = next(r for r in json.loads(gate.stdout)["rules"] if r["id"] == "require-signature")
    assert rule["outcome"] == "pass", rule
    bare = tmp_path / "bare.yaml"
    bare.write_text("kind: policy\nid: bare\nrules:\n  require_signature: true\n", encoding="utf-8")
    gate = invoke("gate", audit, "--policy", bare, env={"AIAUDIT_ALLOWED_SIGNERS": "", "HOME": str(tmp_path)})
    assert gate.exit_code == 1 and "no allowed-signers file" in gate.stdout


def test_sign_refuses_changed_evidence(audit, keys, invoke):
    evidence = next(p for p in (audit.parent / "evidence").iterdir() if p.is_file())
    before = audit.read_bytes()
    evidence.write_text("changed after it was recorded\n", encoding="utf-8")
    result = _sign(invoke, audit, keys)
    assert result.exit_code == 2 and "not signed: fix this first" in result.stderr
    assert audit.read_bytes() == before


def test_a_tampered_evidence_file_fails_verify(audit, keys, invoke):
    _sign(invoke, audit, keys)
    evidence = next(p for p in (audit.parent / "evidence").iterdir() if p.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"tampered")
    result = invoke("verify", audit, "--allowed-signers", keys["allowed"], "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    failed = [c for c in data["checks"] if c["outcome"] == "failed"]
    assert [c["kind"] for c in failed] == ["evidence"] and "changed since it was recorded" in failed[0]["message"]
    # the signature still vouches for the recorded hashes: it is the file that changed
    assert any(c["kind"] == "signature" and c["outcome"] == "ok" for c in data["checks"])


def test_verify_exit_codes(tmp_path, invoke, mini):
    assert invoke("verify", tmp_path / "nope.yaml").exit_code == 2
    (tmp_path / "x.yaml").write_text("kind: checklist\n", encoding="utf-8")
    assert invoke("verify", tmp_path / "x.yaml").exit_code == 2
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\nnot really\n")
    assert invoke("verify", tmp_path / "bad.pdf").exit_code == 2
    text = (mini / "audit.yaml").read_text(encoding="utf-8")
    (mini / "audit.yaml").write_text(
        text.replace(", sha256: f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee, size: 37", ""), encoding="utf-8"
    )
    unrecorded = invoke("verify", mini / "audit.yaml")
    assert unrecorded.exit_code == 1 and "no recorded sha256" in unrecorded.stdout


def test_a_checklist_that_changed_since_the_pin_fails_verify(chatbot_010, invoke):
    result = invoke("verify", chatbot_010)
    assert result.exit_code == 1
    assert "genai-baseline differs from the one the audit pinned (recorded 1.0.0, installed 1.1.0)" in result.stdout


def test_verify_a_pdf_report(audit, keys, invoke, tmp_path):
    pytest.importorskip("weasyprint")
    _sign(invoke, audit, keys)
    pdf = audit.parent / "report.pdf"  # beside the audit: its checklist file resolves from the PDF's folder
    made = invoke("report", audit, "-o", pdf, "--attach-evidence")
    if made.exit_code != 0:
        pytest.skip(f"PDF reports unavailable here: {made.stderr}")
    result = invoke("verify", pdf, "--allowed-signers", keys["allowed"], "--require-signature", "--verbose")
    assert result.exit_code == 0, result.stdout
    assert "matches the sha256 in the attachment's description" in result.stdout
    assert "matches the sha256 in the PDF keywords" in result.stdout
    assert "attached to the report" in result.stdout and "valid signature by kim@example.com" in result.stdout
    from aiaudit.lifecycle.verify import read_pdf

    assert read_pdf(pdf).raw == audit.read_bytes()
    elsewhere = invoke("verify", pdf, "--evidence-dir", tmp_path / "nowhere")
    assert elsewhere.exit_code == 2  # the checklist file is not in --evidence-dir: unusable


def test_verify_a_pdf_whose_embedded_audit_was_replaced(audit, keys, invoke, tmp_path):
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    _sign(invoke, audit, keys)
    pdf = audit.parent / "report.pdf"
    if invoke("report", audit, "-o", pdf).exit_code != 0:
        pytest.skip("PDF reports unavailable here")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pdf))
    embedded = next(f for f in writer.attachment_list if f.name == "audit.yaml")
    tampered = audit.read_bytes().replace(b"status: partial", b"status: met", 1)
    assert tampered != audit.read_bytes()
    embedded.content = tampered  # the description keeps the old sha256
    out = audit.parent / "tampered.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    result = invoke("verify", out, "--allowed-signers", keys["allowed"])
    assert result.exit_code == 1
    assert "does not match the sha256 in the attachment's description" in result.stdout
    assert "INVALID" in result.stdout


def test_allowed_signers_from_git_config(audit, keys, tmp_path, monkeypatch):
    monkeypatch.delenv("AIAUDIT_ALLOWED_SIGNERS", raising=False)
    assert signing.allowed_signers_file(str(keys["allowed"])) == keys["allowed"]
    monkeypatch.setenv("AIAUDIT_ALLOWED_SIGNERS", str(tmp_path / "missing"))
    with pytest.raises(Exception, match="does not exist"):
        signing.allowed_signers_file()


def test_parse_sshsig_rejects_garbage():
    assert signing.parse_sshsig("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----") is None
    assert signing.parse_sshsig("hello") is None


def test_the_schema_accepts_old_and_signed_audits(audit, keys, invoke):
    before = invoke("validate", audit)
    _sign(invoke, audit, keys)
    after = invoke("validate", audit)
    assert before.exit_code == after.exit_code == 0
    doc = load_file(audit)
    assert signing.check_signoffs(doc.data, keys["allowed"])[-1].status == signing.VALID
