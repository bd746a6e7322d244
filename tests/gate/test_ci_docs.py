"""Install honesty: every install snippet in the docs, examples and the action names a form that
works from this repository (a checkout, a wheel built from it, or a git URL of a copy), never a
package-index name or a tag that does not exist. The forms themselves run in other tests: the
wheel in tests/test_packaging.py and the GitLab job (test_action.py), `pip install .` of a clone by
pre-commit and the git URL in test_hook.py, the action's folder in test_action.py."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "examples" / "ci").iterdir()),
    ROOT / "action.yml",
    ROOT / ".pre-commit-hooks.yaml",
]
INSTALL = re.compile(r"\bpipx? install ([^\n`#|&;]*)")
#: What an install command may name for aiaudit: this checkout, a wheel built from it, a git URL, the action's folder.
AIAUDIT_FORMS = re.compile(
    r"""^['"]?(\.|\.\[[\w,]+\]|dist/aiaudit-\*\.whl|tools/aiaudit-[\w.*-]*\.whl|"?\$ACTION_PATH"?|git\+https?://\S+@\S+|git\+file://\S+)['"]?$"""
)
OTHER_PACKAGES = {"build", "ruff", "pre-commit", "weasyprint", "playwright"}


def install_commands():
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        for match in INSTALL.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield pytest.param(match.group(1).strip(), id=f"{path.relative_to(ROOT)}:{line}")


@pytest.mark.parametrize("args", list(install_commands()))
def test_every_install_snippet_works_from_this_repository(args):
    words = [w for w in shlex.split(args.replace('"$ACTION_PATH"', "$ACTION_PATH")) if not w.startswith("-")]
    assert words, args
    for word in words:
        if word.split("[")[0].split("==")[0] in OTHER_PACKAGES:
            continue
        assert not re.match(r"^aiaudit\b", word), f"{args!r} installs aiaudit from a package index, where it is not"
        assert AIAUDIT_FORMS.match(word) or word in ("$ACTION_PATH",), f"{args!r}: {word!r} is not a form that works"


def test_no_snippet_uses_a_tag_or_address_that_does_not_exist():
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"OWNER/aiaudit|aiaudit@v\d|uses:\s*[\w-]+/aiaudit@", text), path.name


def test_the_docs_say_aiaudit_is_on_no_index():
    assert "not on PyPI or any other package index" in (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "not published on any package index" in ci and "no public address" in ci
