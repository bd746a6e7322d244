"""Declarative ``applies_when`` conditions on an audit's system profile. No code from files is evaluated."""

from __future__ import annotations

from typing import Any

#: Fields a condition may test. Lint reports any other field (E305).
FIELDS = (
    "system.modalities",
    "system.regions",
    "system.users",
    "system.role",
    "system.public_facing",
    "system.gpai",
    "system.risk_tier",
    "system.tags",
    "system.sectors",
    "system.agentic",
    "system.releases_weights",
    "system.uses_open_weights",
    "system.classification.eu_ai_act.category",
    "system.classification.eu_ai_act.annex_iii",
    "system.classification.eu_ai_act.systemic_risk",
    "system.classification.eu_ai_act.gpai",
    "system.classification.kr_ai_basic_act.categories",
)

#: A region value that matches every region.
GLOBAL = "GLOBAL"

_MISSING = object()


def lookup(system: dict[str, Any], field: str) -> Any:
    """The value at a dotted ``system.`` path, or a sentinel when any part is missing."""
    value: Any = {"system": system}
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def applies(condition: Any, system: dict[str, Any]) -> bool:
    """Whether ``condition`` holds for the system profile. ``None`` (no condition) always applies."""
    if condition is None:
        return True
    if "all" in condition:
        return all(applies(c, system) for c in condition["all"])
    if "any" in condition:
        return any(applies(c, system) for c in condition["any"])
    if "not" in condition:
        return not applies(condition["not"], system)
    field = condition["field"]
    value = lookup(system, field)
    if "exists" in condition:
        return (value is not _MISSING and value is not None) == bool(condition["exists"])
    if value is _MISSING or value is None:
        return False
    values = value if isinstance(value, list) else [value]
    if field == "system.regions" and GLOBAL in values:
        return True
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    if "contains" in condition:
        return condition["contains"] in values
    if "intersects" in condition:
        return any(v in values for v in condition["intersects"])
    return False


def fields_used(condition: Any) -> list[str]:
    """Every field a condition tests, for lint."""
    if condition is None:
        return []
    if "all" in condition or "any" in condition:
        return [f for c in condition.get("all", condition.get("any", [])) for f in fields_used(c)]
    if "not" in condition:
        return fields_used(condition["not"])
    return [condition["field"]]
