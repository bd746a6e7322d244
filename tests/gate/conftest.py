"""Fixtures the gate's output tests share: the GitLab Code Quality check, the schemas."""

from __future__ import annotations

import json

import jsonschema
import pytest
from lxml import etree

#: The fields GitLab documents for a Code Quality report (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
GITLAB_REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _assert_code_quality_report(issues, path="audit.yaml") -> None:
    assert isinstance(issues, list)
    for issue in issues:
        assert set(issue) >= GITLAB_REQUIRED, issue
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["location"]["path"] == path
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab shows only the first of equal fingerprints


@pytest.fixture
def assert_code_quality_report():
    """Checks a Code Quality report against the fields GitLab documents."""
    return _assert_code_quality_report


@pytest.fixture
def junit_schema(conformance_dir):
    return etree.XMLSchema(etree.parse(str(conformance_dir / "JUnit.xsd")))


@pytest.fixture
def sarif_validator(conformance_dir):
    schema = json.loads((conformance_dir / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)
