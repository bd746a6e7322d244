"""Shared fixtures of the report tests: the shipped example as a deliverable (copied, never edited in place)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "support-chatbot"

#: What a team adds to the shipped example to make it a deliverable: the engagement block and one
#: finding written up by an auditor (observation, risk, owner, due date, response, remediation).
ENGAGEMENT = """engagement:
  organisation: "Haneul Telecom Co., Ltd. (하늘텔레콤)"
  scope: "The customer-support assistant in the Haneul mobile app and web chat, release 2.3, and the teams that run it."
  period: {from: "2026-10-01", to: "2026-11-30"}
  version: "1.0"
  confidentiality: "Confidential: internal distribution"
  prepared_by: ["Kim Minji (CX AI lead)", "Park Jisoo"]
  prepared_for: "Audit committee of the board"
  exclusions: ["The hosted LLM itself (the vendor's model and training data)"]
"""
FINDING = """    observation: >-
      Chat transcripts carry a marker, but generated e-mails and SMS replies carry none;
      no test proves the marker survives copy and paste.
    risk: >-
      Customers and third parties cannot tell AI-written messages from staff messages;
      breach of the labelling duty (AI Basic Act Art. 31).
    recommendation: "Mark every generated channel (e-mail header, SMS prefix) and add a regression test per channel."
    owner: "Lee Seojun (platform)"
    due: "2026-12-20"
    management_response: "Agreed. E-mail marking ships in 2.4; SMS prefix approved by legal."
    remediation_status: in_progress
"""


def deliverable_example(folder: Path) -> Path:
    """A copy of the shipped example with an engagement block and one written-up finding; returns the audit."""
    shutil.copytree(EXAMPLE, folder)
    audit = folder / "audit.yaml"
    text = audit.read_text(encoding="utf-8")
    if "\nengagement:\n" in text:  # the shipped example's own (Korean) block gives way to the one tests read
        head, _, rest = text.partition("\nengagement:\n")
        text = head + "\n" + rest[rest.index("\nanswers:\n") + 1 :]
    text = text.replace("\nanswers:\n", "\n" + ENGAGEMENT + "answers:\n", 1)  # the top-level key, not classification's
    head, sep, rest = text.partition("  TR-02:\n")
    if sep:  # the finding goes right after TR-02's status line
        status_line, nl, tail = rest.partition("\n")
        text = head + sep + status_line + nl + FINDING + tail
    audit.write_text(text, encoding="utf-8")
    return audit


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The shipped example as a deliverable, in a temporary folder."""
    return deliverable_example(tmp_path_factory.mktemp("example") / "support-chatbot")
