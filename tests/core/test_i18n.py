"""Every message exists in English and Korean; messages follow --lang, diagnostics included."""

from __future__ import annotations

import pickle
import re
import string
from pathlib import Path

import aiaudit
from aiaudit.i18n import _PLURAL, Msg, _catalog, localize, t

SRC = Path(aiaudit.__file__).resolve().parent


def test_every_catalog_entry_has_english_and_korean_with_the_same_fields():
    fields = string.Formatter()
    for key, entry in _catalog().items():
        assert entry.get("en", "").strip() and entry.get("ko", "").strip(), key
        en = {f for _, f, _, _ in fields.parse(_PLURAL.sub(r"{\2}", entry["en"])) if f}
        ko = {f for _, f, _, _ in fields.parse(entry["ko"]) if f}
        assert en == ko, f"{key}: {en} != {ko}"


def test_counts_read_naturally_in_english():
    assert t("validate.summary", "en", files=1, errors=0, warnings=2) == "1 file checked: 0 errors, 2 warnings"
    assert t("progress.overall", "en", answered=1, applicable=2, percent=50, na=1).endswith("1 item does not apply.")
    assert t("progress.overall", "ko", answered=1, applicable=2, percent=50, na=1).endswith("해당하지 않는 항목 1개.")
    leftovers = [k for k, e in _catalog().items() if "(s)" in e["en"].replace("http(s)", "")]
    assert leftovers == []


def test_every_message_key_used_in_the_source_is_in_the_catalog():
    catalog = _catalog()
    used = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r"""\bMsg\(\s*["']([a-z0-9_.-]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no Msg(...) found"
    assert sorted(k for k in used if k not in catalog) == []


def test_msg_is_english_text_and_localizes_and_pickles():
    msg = Msg("load.duplicate_key", key="'a'", line=1)
    assert msg == "duplicate key 'a' (first at line 1)"
    assert localize(msg, "ko") == t("load.duplicate_key", "ko", key="'a'", line=1)
    assert "중복" in localize(msg, "ko")
    copy = pickle.loads(pickle.dumps(msg))
    assert isinstance(copy, Msg) and localize(copy, "ko") == localize(msg, "ko")
    assert localize("plain", "ko") == "plain"


def test_diagnostics_follow_lang(invoke, tmp_path):
    bad = tmp_path / "dup.yaml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    en = invoke("validate", bad)
    ko = invoke("validate", "--lang", "ko", bad)
    assert en.exit_code == ko.exit_code == 1
    assert "error[E102]: duplicate key 'a'" in en.stdout
    assert "error[E102]: 중복된 키 'a'" in ko.stdout
    # the next run without --lang is English again
    assert "duplicate key" in invoke("validate", bad).stdout
