"""JUnit XML gate output (Ant schema): one testcase per policy rule, and one per violating item.

Valid against the Apache Ant JUnit XSD that Jenkins and GitLab read: ``<testsuites>`` holding one
``<testsuite>`` (with ``package``, ``id``, ``properties``, ``system-out`` and ``system-err``).
Waived items are ``<skipped>`` testcases.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

from ...i18n import localize
from ...policy.rules import FAIL, WAIVED, GateResult
from ..findings import display_path
from .text import format as text_format

# Characters XML 1.0 cannot carry, even escaped: the complement of its Char production, spelled as
# the few ranges it excludes (a negated class over the astral planes takes milliseconds to compile).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID.sub("\ufffd", text)


def _hostname() -> str:
    try:
        return os.uname().nodename or "localhost"
    except AttributeError:  # pragma: no cover - Windows
        return "localhost"


def format(result: GateResult, lang: str) -> str:
    """The gate result as JUnit XML."""
    policy = result.policy
    suite_name = f"aiaudit.{policy.id}"
    cases: list[ET.Element] = []
    failures = skipped = 0
    for rule in result.rules:
        case = ET.Element("testcase", classname=suite_name, name=_clean(f"{rule.id}: {localize(rule.title, lang)}"), time="0")
        if not rule.passed:
            failures += 1
            failure = ET.SubElement(case, "failure", message=_clean(localize(rule.message, lang)), type=rule.kind)
            failure.text = _clean("\n".join(localize(m, lang) for m in [rule.message, *(v.message for v in rule.failures)]))
        cases.append(case)
        for v in rule.violations:
            file, line, col = v.where
            name = _clean(f"{rule.id} {v.subject}")
            case = ET.Element("testcase", classname=_clean(rule.id), name=name, time="0")
            message = _clean(localize(v.message, lang))
            detail = _clean(f"{display_path(file)}:{line}:{col}: {message}")
            if v.outcome == FAIL:
                failures += 1
                ET.SubElement(case, "failure", message=message, type=rule.kind).text = detail
            elif v.outcome == WAIVED:
                skipped += 1
                ET.SubElement(case, "skipped", message=message).text = detail
            cases.append(case)
    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=suite_name,
        package="aiaudit",
        id="0",
        timestamp=result.generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname=_hostname(),
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("audit", display_path(result.audit_file)),
        ("policy", policy.id),
        ("policy.source", policy.source),
        ("date", result.today.isoformat()),
        ("passed", str(result.passed).lower()),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    suite.extend(cases)
    ET.SubElement(suite, "system-out").text = _clean(text_format(result, lang))
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
