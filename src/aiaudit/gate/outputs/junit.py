"""JUnit XML gate output (the Apache Ant format that GitLab, Jenkins and Azure read).

One test case per check — a (policy rule, subject) pair — with every subject the rule looked at,
so a fixed item's case turns green instead of disappearing:

* ``classname`` is the policy rule id (GitLab shows it as the suite), ``name`` the check id
  (``must-meet/severity/high/SEC-01``, plus the evidence path for ``evidence-integrity``). Both are
  ids: they never contain a threshold, a score or translated text, so they stay the same across
  runs and ``--lang``.
* ``<failure>`` for a standing violation, ``<skipped>`` for a waived one (the waiver's reason and
  expiry in the message) or a subject the rule could not check, nothing for a pass.
* ``tests = passed + failures + errors + skipped``; ``errors`` counts unusable input (exit 2),
  one ``<error>`` case per diagnostic.
* Messages are in the chosen language.
"""

from __future__ import annotations

from ...i18n import localize, t
from ...policy.rules import FAIL, PASS, GateResult
from ...text import lazy_pattern, log_safe, terminal_safe
from ..findings import GateFailure, checks, display_path
from .text import format as text_format
from .xmltree import Element, to_string

# Characters XML 1.0 cannot carry, even escaped: the complement of its Char production, spelled as
# the few ranges it excludes (a negated class over the astral planes takes milliseconds to compile).
_INVALID = lazy_pattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_chars(text: str) -> str:
    """``text`` with what XML 1.0 cannot carry replaced; every such character is unprintable, so
    printable text (tabs and line breaks aside) skips the pattern, which takes 0.3 ms to compile."""
    if text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable():
        return text
    return _INVALID.sub("\ufffd", text)


def _clean(text: str) -> str:
    """Text for the XML: terminal escapes shown escaped (the file gets printed into CI logs), then
    anything XML cannot carry replaced."""
    return _xml_chars(terminal_safe(text))


def _line(text: str) -> str:
    """One line for the XML: no newline from a file name can start a ``::error`` line of its own."""
    return _xml_chars(log_safe(text))


def _token(text: str) -> str:
    """An ``xs:token`` attribute value: one line, single spaces."""
    return _clean(" ".join(text.split()))


def _suite(name: str, generated_at, cases: list[Element], properties: list[tuple[str, str]], out: str) -> str:
    counts = {"failure": 0, "error": 0, "skipped": 0}
    for case in cases:
        for child in case:
            counts[child.tag] += 1
    root = Element("testsuites")
    suite = root.add(
        "testsuite",
        name=_token(name),
        package="aiaudit",
        id="0",
        timestamp=generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname="localhost",  # the XSD wants a token; the CI machine's name is nobody's business
        tests=str(len(cases)),
        failures=str(counts["failure"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
        time="0",
    )
    props = suite.add("properties")
    for key, value in properties:
        props.add("property", name=key, value=_line(value))
    suite.children.extend(cases)
    suite.add("system-out", _clean(out))
    suite.add("system-err", "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + to_string(root) + "\n"


def format(result: GateResult, lang: str) -> str:
    """The gate result as JUnit XML: one test case per (policy rule, subject)."""
    cases: list[Element] = []
    for check in checks(result):
        case = Element("testcase", classname=_token(check.rule.id), name=_token(check.name), time="0")
        if check.outcome != PASS:
            file, line, col = check.where
            message = _line(localize(check.message if check.message is not None else check.rule.message, lang))
            detail = _line(f"{display_path(file)}:{line}:{col}: {message}")
            if check.outcome == FAIL:
                case.add("failure", detail, message=message, type=check.rule.kind)
            else:  # waived (the waiver's reason and expiry are in the message), or not checked
                case.add("skipped", detail, message=message)
        cases.append(case)
    policy = result.policy
    properties = [
        ("audit", display_path(result.audit_file)),
        ("policy", policy.id),
        ("policy.source", policy.source),
        ("date", result.today.isoformat()),
        ("passed", str(result.passed).lower()),
    ]
    return _suite(f"aiaudit.{policy.id}", result.generated_at, cases, properties, text_format(result, lang))


def format_failure(failure: GateFailure, lang: str) -> str:
    """Unusable input as JUnit XML: one ``<error>`` test case per diagnostic."""
    cases: list[Element] = []
    seen: set[str] = set()
    for d in failure.diagnostics:
        name = _token(f"input/{d.code} {display_path(d.file)}:{d.line}:{d.col}")
        if name in seen:
            continue
        seen.add(name)
        case = Element("testcase", classname="input", name=name, time="0")
        message = _line(localize(d.message, lang))
        case.add("error", _line(d.format(lang)), message=_line(t("ci.junit.input_error", lang, message=message)), type=d.code)
        cases.append(case)
    properties = [("audit", display_path(failure.audit_file)), ("policy", failure.policy), ("passed", "false")]
    out = "\n".join(log_safe(d.format(lang)) for d in failure.diagnostics) + "\n"
    return _suite("aiaudit.input", failure.generated_at, cases, properties, out)
