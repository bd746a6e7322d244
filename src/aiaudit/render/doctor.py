"""``aiaudit doctor``: whether this machine can render PDF reports, in English and Korean.

Two checks decide the exit code: a Hangul-capable font is installed (asked of fontconfig, which
is what WeasyPrint's Pango uses; font folders are scanned when ``fc-list`` is missing), and
WeasyPrint imports with its system libraries (Pango, HarfBuzz, fontconfig). HarfBuzz subsetting
is reported as a note only: without it WeasyPrint falls back to fontTools.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..records import record

#: Font files of well-known Hangul-capable families, for machines without fontconfig's fc-list.
HANGUL_FONT_FILES = re.compile(
    r"nanum|notosanscjk|notoserifcjk|notosanskr|notoserifkr|sourcehan|un(dotum|batang|graphic|pilgi)|baekmuk"
    r"|malgun|gulim|batang|applesdgothic|applegothic|d2coding|pretendard|spoqa|ibmplexsanskr",
    re.IGNORECASE,
)
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)


@record
class Check:
    """One line of the doctor's report."""

    key: str  # message key (doctor.*)
    ok: bool
    required: bool
    values: dict


def hangul_fonts(fc_list: str | None = None, font_dirs: tuple[str, ...] = FONT_DIRS) -> list[str]:
    """Families of the installed fonts that cover Korean (empty when there is none)."""
    fc_list = fc_list if fc_list is not None else shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=20, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    found = set()
    for folder in font_dirs:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                if name.lower().endswith((".ttf", ".otf", ".ttc", ".otc")) and HANGUL_FONT_FILES.search(name):
                    found.add(Path(dirpath, name).stem)
    return sorted(found)


def weasyprint_status() -> tuple[bool, dict]:
    """Whether WeasyPrint and its system libraries load, with versions or the error."""
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink):  # WeasyPrint prints install hints when Pango is missing
            import weasyprint
            from weasyprint.text import ffi
    except (ImportError, OSError) as exc:
        return False, {"error": f"{type(exc).__name__}: {exc}".strip()}
    try:
        pango = ffi.pango.pango_version()
        pango_text = f"{pango // 10000}.{pango // 100 % 100}.{pango % 100}"
    except Exception:  # pragma: no cover - very old or unusual builds
        pango_text = "?"
    return True, {"version": weasyprint.__version__, "pango": pango_text, "subset": ffi.harfbuzz_subset is not None}


def checks() -> list[Check]:
    """Every check, in the order they are printed."""
    fonts = hangul_fonts()
    preferred = [f for f in fonts if f.lower().startswith(("nanumgothic", "noto sans cjk kr", "noto sans kr"))]
    shown = ", ".join((preferred or fonts)[:3])
    out = [Check("doctor.font_ok" if fonts else "doctor.font_missing", bool(fonts), True, {"font": shown})]
    ok, info = weasyprint_status()
    out.append(Check("doctor.weasy_ok" if ok else "doctor.weasy_missing", ok, True, info))
    if ok:
        out.append(Check("doctor.subset_ok" if info["subset"] else "doctor.subset_missing", info["subset"], False, {}))
    return out


def python_info() -> str:
    return f"Python {sys.version.split()[0]} on {sys.platform}"
