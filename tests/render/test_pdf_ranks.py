"""The findings table's rank column keeps three-digit ranks on one line in the PDF (it broke 709 into 70/9)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_three_digit_ranks_stay_whole(tmp_path, invoke):
    from report import generate  # benchmarks/report.py: a generated audit, most items findings

    audit = generate(tmp_path, 300)
    assert invoke("report", audit, "-o", tmp_path / "r.pdf").exit_code == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    ranks = {int(m.group(1)) for m in re.finditer(r"^\s*(\d{3})\s+BM\d\d-\d{3}\s", text, re.MULTILINE)}
    assert {100, 101, 110} <= ranks, sorted(ranks)[:20]
