"""Class 3: resource bounds hold against amplification. Include graphs cost linear time and stop at a
depth limit with a diagnostic; alias expansion is bounded by the size of the text it makes; each
evidence file is hashed once per run and each image inlined once per report; numbers outside sane
ranges are diagnostics."""

from __future__ import annotations

import time

import pytest
from corpus import BAD_NUMBERS, alias_amplifier, edit_audit, include_chain, include_diamonds, project

from aiaudit.diagnostics import DiagnosticError
from aiaudit.library import builtins, checklists
from aiaudit.loading import load_bytes

# --- includes ---------------------------------------------------------------------------------------------------


def test_diamond_includes_load_each_file_once(tmp_path, monkeypatch):
    head = include_diamonds(tmp_path, levels=15)  # 2**15 paths through the graph, 30 includes deep
    monkeypatch.setenv("AIAUDIT_NO_CACHE", "1")  # every file parsed here, none taken from the user's cache
    monkeypatch.setattr(checklists, "_clean_checklists", {})
    loads = []
    real = builtins.load_builtin

    def counting(path, *args, **kwargs):
        loads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checklists, "load_builtin", counting)
    started = time.monotonic()
    checklist, problems = checklists.checklist_from_file(head)
    assert not [p for p in problems if p.severity == "error"], problems
    assert [i.id for i in checklist.items] == ["D15-1"]
    assert len(loads) == len(set(loads)) == 3 * 15 + 1
    assert time.monotonic() - started < 10


def test_a_long_include_chain_is_a_diagnostic_not_a_recursion_error(cli, tmp_path):
    head = include_chain(tmp_path, length=400)
    result = cli("validate", head)
    assert result.exit_code == 1
    assert "error[E315]" in result.stdout and "more than 32 checklists deep" in result.stdout


def test_a_chain_within_the_limit_resolves(cli, tmp_path):
    head = include_chain(tmp_path, length=20)
    assert cli("validate", head).exit_code == 0


def test_a_file_that_includes_itself_under_another_id_is_a_cycle(cli, tmp_path):
    """The id in the file differs from its name, so the id stack alone cannot see the loop."""
    text = include_chain(tmp_path, length=1).read_text(encoding="utf-8")
    (tmp_path / "c0.yaml").write_text(text.replace("id: c0", "id: zz").replace("checklist: c1", "checklist: c0"))
    result = cli("validate", tmp_path / "c0.yaml")
    assert result.exit_code == 1 and "error[E308]" in result.stdout + result.stderr


def test_an_audit_listing_the_same_checklist_many_times_is_quick(cli, proj):
    edit_audit(proj, lambda d: d.update(checklists=[{"path": "mini-checklist.yaml"}] * 5000))
    started = time.monotonic()
    assert cli("validate", proj / "audit.yaml").exit_code == 0
    assert time.monotonic() - started < 15


# --- YAML aliases -----------------------------------------------------------------------------------------------


def test_few_aliases_of_a_long_text_are_refused_by_size():
    raw = alias_amplifier(text_chars=200_000, copies=200).encode()  # 200 KB that would be 40 MB of text
    with pytest.raises(DiagnosticError) as info:
        load_bytes(raw, "a.yaml")
    (diag,) = info.value.diagnostics
    assert diag.code == "E104" and "characters of text" in diag.message


def test_ordinary_anchors_still_load():
    raw = b"kind: audit\nbase: &b {status: met, notes: shared text}\na: *b\nb: *b\nc: [*b, *b]\n"
    assert load_bytes(raw, "a.yaml").data["c"][1]["notes"] == "shared text"


# --- numbers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_NUMBERS))
def test_numbers_out_of_range_are_e108(name):
    with pytest.raises(DiagnosticError) as info:
        load_bytes(f"kind: audit\nx: {BAD_NUMBERS[name]}\n".encode(), "a.yaml")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.line, diag.col) == ("E108", 2, 4)


def test_numbers_at_the_edges_of_the_range_load():
    data = load_bytes(b"a: 9223372036854775807\nb: -9223372036854775808\nc: 0x7fffffffffffffff\nd: 1.5e308\n", "a.yaml").data
    assert data == {"a": 2**63 - 1, "b": -(2**63), "c": 2**63 - 1, "d": 1.5e308}


@pytest.mark.parametrize("name", ["huge-int", "nan", "inf", "huge-hex"])
def test_bad_numbers_in_every_kind_of_file_are_diagnostics(cli, tmp_path, name):
    value = BAD_NUMBERS[name]
    proj = project(tmp_path)
    text = (
        (proj / "audit.yaml").read_text(encoding="utf-8").replace("name: 상담봇 Mini", f"name: 상담봇 Mini\n  version: {value}")
    )
    (proj / "audit.yaml").write_text(text, encoding="utf-8")
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1 and "error[E108]" in result.stdout
    checklist = proj / "mini-checklist.yaml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace("weight: 2", f"weight: {value}"), encoding="utf-8")
    assert "error[E108]" in cli("lint", checklist).stdout
    policy = tmp_path / "p.yaml"
    policy.write_text(f"kind: policy\nid: p\nrules:\n  min_score: {{overall: {value}}}\n", encoding="utf-8")
    result = cli("gate", tmp_path / "mini" / "audit.yaml", "-p", policy)
    assert result.exit_code == 2 and "E108" in result.stderr
    rubric = tmp_path / "r.yaml"
    rubric.write_text(
        f"kind: rubric\nid: r\ntitle: {{en: R, ko: 알}}\ncriteria:\n  - {{id: a, measure: answered_ratio, points: {value}}}\n",
        encoding="utf-8",
    )
    (tmp_path / "subs").mkdir()
    result = cli("grade", tmp_path / "subs", "--rubric", rubric, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "E108" in result.stderr  # an invalid rubric: exit 1 (docs/diagnostics.md)


# --- evidence hashed once, images inlined once ---------------------------------------------------------------------


def _many_citations(proj, names):
    def change(data):
        data["answers"]["TR-01"]["evidence"] = [{"path": name} for name in names]

    return edit_audit(proj, change)


def test_each_evidence_file_is_hashed_once_per_run(cli, proj, monkeypatch):
    from aiaudit.audit import evidence

    monkeypatch.setattr(evidence, "_digests", {})
    spellings = ["evidence/notice.txt", "./evidence/notice.txt", "evidence/../evidence/notice.txt", "evidence//notice.txt"]
    audit = _many_citations(proj, spellings * 250)
    before = evidence.hash_count
    for fmt in ("html", "md", "json"):
        assert cli("report", audit, "-o", proj / f"r.{fmt}").exit_code == 0
    assert cli("gate", audit, "-p", "preset:classroom-minimum").exit_code in (0, 1)
    assert evidence.hash_count - before == 1


def test_a_command_looks_at_each_evidence_entry_once(cli, proj, monkeypatch):
    """The loader's look at an entry (resolve, stat, hash) is reused by the policy engine and the report."""
    from aiaudit.audit import evidence

    audit = _many_citations(proj, [f"evidence/{n}.txt" for n in range(5)])
    for n in range(5):
        (proj / "evidence" / f"{n}.txt").write_text(f"file {n}", encoding="utf-8")
    looks: list[str] = []
    original = evidence.check

    def counting(entry, folder, allow_outside=False, real=False):
        looks.append(entry.path)
        return original(entry, folder, allow_outside, real)

    monkeypatch.setattr(evidence, "check", counting)
    assert cli("gate", audit, "-p", "preset:genai-baseline").exit_code in (0, 1)
    gate_looks = sorted(looks)
    looks.clear()
    assert cli("report", audit, "-o", proj / "r.html").exit_code == 0
    assert sorted(looks) == gate_looks
    assert gate_looks.count("evidence/3.txt") == 1 and len(gate_looks) == len(set(gate_looks))


def test_each_image_is_inlined_once_per_report(cli, proj, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 50_000
    (proj / "evidence" / "shot.png").write_bytes(png)
    (proj / "evidence" / "other.png").write_bytes(png + b"1")
    spellings = ["evidence/shot.png", "./evidence/shot.png", "evidence/../evidence/shot.png", "evidence/other.png"]
    audit = _many_citations(proj, spellings * 100)
    assert cli("report", audit, "-o", proj / "r.html").exit_code == 0
    html = (proj / "r.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 2  # one per file, not one per citation
    assert len(html) < 1_000_000


def test_thumbnails_stop_at_the_report_budget(proj):
    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions, render

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100_000
    names = []
    for n in range(30):
        (proj / "evidence" / f"s{n}.png").write_bytes(png + bytes([n]))
        names.append(f"evidence/s{n}.png")
    audit = _many_citations(proj, names)
    options = ReportOptions(images_total_max_bytes=1_000_000)
    html = render("html", evaluate(load_audit(audit)), "en", options).decode()
    assert html.count("data:image/png;base64,") == 9  # 9 × 100 KB fit in 1 MB, the tenth does not
