"""`aiaudit doctor`: a Hangul-capable font and WeasyPrint's system libraries, exit 0 or 1."""

from __future__ import annotations

import sys

from aiaudit.render import doctor


def test_doctor_passes_on_a_machine_with_fonts_nanum_and_pango(invoke):
    result = invoke("doctor")
    assert result.exit_code == 0, result.output
    assert "ok       Hangul font: Nanum" in result.stdout  # .ci/run installs fonts-nanum
    assert "ok       WeasyPrint 70" in result.stdout or "ok       WeasyPrint " in result.stdout
    assert "PDF reports are ready" in result.stdout


def test_doctor_speaks_korean(invoke):
    result = invoke("doctor", "--lang", "ko")
    assert result.exit_code == 0 and "한글 글꼴" in result.stdout and "PDF 보고서를 만들 수 있습니다" in result.stdout


def test_doctor_fails_without_a_hangul_font(invoke, monkeypatch):
    monkeypatch.setattr(doctor, "hangul_fonts", lambda *a, **k: [])
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "missing  Hangul font" in result.stdout and "fonts-nanum" in result.stdout
    assert "1 problem" in result.stdout


def test_doctor_fails_when_weasyprint_cannot_load(invoke, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if Pango were missing: import fails
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "missing  WeasyPrint" in result.stdout and "libpango" in result.stdout
    assert "HarfBuzz" not in result.stdout  # not checked when WeasyPrint itself is missing


def test_hangul_fonts_asks_fontconfig(tmp_path):
    fake = tmp_path / "fc-list"
    lines = r"NanumGothic,나눔고딕\nNoto Sans CJK KR,Noto Sans CJK KR Bold\n\nNanumGothic\n"
    fake.write_text(f"#!/bin/sh\n[ \"$1\" = ':lang=ko' ] && printf '{lines}'\n")
    fake.chmod(0o755)
    assert doctor.hangul_fonts(fc_list=str(fake)) == ["NanumGothic", "Noto Sans CJK KR"]
    empty = tmp_path / "fc-empty"
    empty.write_text("#!/bin/sh\nexit 0\n")
    empty.chmod(0o755)
    assert doctor.hangul_fonts(fc_list=str(empty)) == []


def test_hangul_fonts_scans_font_folders_without_fontconfig(tmp_path):
    (tmp_path / "truetype" / "nanum").mkdir(parents=True)
    (tmp_path / "truetype" / "nanum" / "NanumGothic.ttf").write_bytes(b"\0")
    (tmp_path / "opentype").mkdir()
    (tmp_path / "opentype" / "NotoSansCJK-Regular.ttc").write_bytes(b"\0")
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"\0")
    (tmp_path / "nanum-readme.txt").write_bytes(b"\0")
    found = doctor.hangul_fonts(fc_list="", font_dirs=(str(tmp_path), str(tmp_path / "missing")))
    assert found == ["NanumGothic", "NotoSansCJK-Regular"]
    assert doctor.hangul_fonts(fc_list="", font_dirs=(str(tmp_path / "missing"),)) == []


def test_weasyprint_status_reports_versions():
    ok, info = doctor.weasyprint_status()
    assert ok and info["version"].split(".")[0].isdigit() and info["pango"].count(".") == 2
    assert isinstance(info["subset"], bool)
