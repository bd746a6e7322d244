"""Gate output formats: one module per format, each with ``format(result, lang) -> str`` and
``format_failure(failure, lang) -> str`` (unusable input, exit 2), and a registry.

Formats only return text; :func:`write_outputs` decides where it goes, and the CLI decides the exit
code. ``--format FMT[:FILE]`` may be given several times: ``sarif:out.sarif``, ``junit:out.xml``,
``text`` (no file: standard output). The SARIF format also takes the code-scanning category.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from ...diagnostics import UsageError
from ...i18n import Msg
from ...policy.rules import GateResult
from ..findings import GateFailure

#: The formats; each is the module of that name here, imported when that format is asked for, so a
#: gate run pays only for the outputs it writes (JUnit's XML library, for one, is a noticeable part
#: of a small gate's start-up).
FORMATS: tuple[str, ...] = ("text", "json", "junit", "sarif", "github", "gitlab")


def _module(fmt: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{fmt}")


#: Formats whose outputs for several audits can simply be concatenated.
CONCATENABLE = ("text", "github")


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``"sarif:out.sarif"`` → ``("sarif", "out.sarif")``; ``"text"`` → ``("text", None)``."""
    fmt, sep, path = spec.partition(":")
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(Msg("gate.error.unknown_format", fmt=fmt, spec=spec, choices=", ".join(FORMATS)))
    if sep and not path:
        raise UsageError(Msg("gate.error.format_no_file", spec=spec, fmt=fmt))
    return fmt, (path if path and path != "-" else None)


def render(fmt: str, result: GateResult | GateFailure, lang: str, category: str | None = None) -> str:
    """``result`` (or a gate that could not run) in format ``fmt``, its messages in ``lang``.

    ``category`` is SARIF's ``runAutomationDetails.id`` (other formats ignore it).
    """
    module = _module(fmt)
    extra = (category,) if fmt == "sarif" else ()
    if isinstance(result, GateFailure):
        return module.format_failure(result, lang, *extra)
    return module.format(result, lang, *extra)


def check_specs(specs: list[tuple[str, str | None]], audits: int) -> None:
    """Refuse output combinations that cannot work, before any audit is checked."""
    if audits > 1:
        single = sorted({fmt for fmt, _ in specs if fmt not in CONCATENABLE})
        if single:
            raise UsageError(Msg("gate.error.one_audit_format", formats=", ".join(single)))
    targets = [path for _, path in specs if path is not None]
    if len(set(targets)) != len(targets):
        raise UsageError(Msg("gate.error.same_output"))
    for path in targets:
        folder = Path(path).parent
        if not folder.is_dir():
            raise UsageError(Msg("gate.error.no_output_folder", path=path, folder=str(folder)))
        if Path(path).is_dir():
            raise UsageError(Msg("gate.error.output_is_dir", path=path))


def write_outputs(
    results: list[GateResult | GateFailure], specs: list[tuple[str, str | None]], lang: str, category: str | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Write every requested output; return (texts for standard output, [(file, format)] written).

    Files are written atomically. With a ``github`` output and ``$GITHUB_STEP_SUMMARY`` set, the
    Markdown summary is appended to that file. Several results only go to concatenable formats.
    """
    from ...files import atomic_write, reason  # tempfile and shutil: only when a file is written

    check_specs(specs, len(results))
    rendered = [
        (fmt, path, ("\n" if fmt == "text" else "").join(render(fmt, r, lang, category) for r in results)) for fmt, path in specs
    ]
    stdout: list[str] = []
    written: list[tuple[str, str]] = []
    for fmt, path, output in rendered:
        if path is None:
            stdout.append(output)
            continue
        atomic_write(path, output)  # files.WriteError: exit 2, says why in the user's language
        written.append((path, fmt))
    if any(fmt == "github" for fmt, _ in specs) and os.environ.get("GITHUB_STEP_SUMMARY"):
        from . import github

        try:
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write("".join(github.summary(result, lang) for result in results))
        except OSError as exc:
            raise UsageError(Msg("gate.error.step_summary", reason=reason(exc))) from None
    return stdout, written
