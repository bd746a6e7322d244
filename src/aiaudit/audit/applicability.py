"""Which laws reach the audited system, and which of their clauses bind it.

A binding framework (one with a ``scope`` in the catalog: the EU AI Act, Korea's AI Basic Act)
reaches a system when its classification says so (``system.classification.<scheme>.in_scope``),
else when the system is offered in one of the framework's regions (EU also matches the member
states; GLOBAL matches every region). Voluntary frameworks reach every system.

Within a framework in scope, a clause binds the system when:

* it is not ``informational`` (definitions, tiers, area lists are never obligations);
* the system has one of the roles it names (``provider-deployer`` is both; ``system.gpai`` or a
  GPAI classification adds ``gpai-provider``; no role given counts as provider and deployer);
* the system has one of the categories that trigger it (the clause's own, else its obligation
  group's; none: every system in scope). Categories come from the classification
  (``aiaudit classify``); without one they are inferred from the profile where that is safe
  (``risk_tier``, ``gpai``, generated content), and a clause that depends on what is unknown is
  *not determined*: it is left out of the figures and the report says to classify the system;
* it names modalities, the system generates one of them.

Every "no" carries the reason, for the report's list of clauses that do not apply.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..i18n import Msg
from ..model import Clause, Framework
from ..records import record

#: EU member states (ISO 3166-1 alpha-2); ``EU`` in a framework's regions matches any of them.
EU_MEMBERS = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "EL",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    )
)
GLOBAL = "GLOBAL"

#: Art. 50 clause ids (what ``classify`` records as transparency duties) → category.
_ART50 = {
    "EUAIA-ART50-1": "interacts",
    "EUAIA-ART50-2": "generates",
    "EUAIA-ART50-3": "emotion-biometric",
    "EUAIA-ART50-4": "deepfakes",
}
#: Modalities that count as generated content (Art. 50(2), Korea's generative AI).
_CONTENT = frozenset({"text", "image", "audio", "video", "music", "voice"})

IN_SCOPE = "in_scope"
NOT_IN_SCOPE = "not_in_scope"
VOLUNTARY = "voluntary"


@record
class SystemFacts:
    """What applicability needs to know about the audited system, read once from its profile."""

    regions: frozenset[str]
    roles: frozenset[str]
    role_given: bool
    modalities: frozenset[str]
    #: scheme → categories the system has; ``determined[scheme]`` tells whether they come from a classification.
    categories: dict[str, frozenset[str]]
    determined: dict[str, bool]
    #: scheme → True/False from the classification's ``in_scope``; absent when not classified.
    in_scope: dict[str, bool]


def facts(system: dict[str, Any]) -> SystemFacts:
    """The :class:`SystemFacts` of an audit's ``system`` mapping."""
    classification = system.get("classification") or {}
    eu = classification.get("eu_ai_act") or {}
    kr = classification.get("kr_ai_basic_act") or {}
    regions = frozenset(str(r).upper() for r in system.get("regions") or ())
    role = system.get("role")
    roles = {"provider-deployer": {"provider", "deployer"}}.get(role, {role} if role else {"provider", "deployer"})
    if system.get("gpai") or eu.get("gpai"):
        roles = set(roles) | {"gpai-provider"}
    modalities = frozenset(system.get("modalities") or ("text",))
    categories: dict[str, frozenset[str]] = {}
    determined: dict[str, bool] = {}
    in_scope: dict[str, bool] = {}
    if eu:
        categories["eu_ai_act"] = eu_categories(eu)
        determined["eu_ai_act"] = True
        if "in_scope" in eu:
            in_scope["eu_ai_act"] = bool(eu["in_scope"])
    else:
        categories["eu_ai_act"], determined["eu_ai_act"] = _eu_from_profile(system, modalities)
    if kr:
        categories["kr_ai_basic_act"] = kr_categories(kr)
        determined["kr_ai_basic_act"] = True
        if "in_scope" in kr:
            in_scope["kr_ai_basic_act"] = bool(kr["in_scope"])
    else:
        generative = {"generative"} if modalities & _CONTENT else set()
        categories["kr_ai_basic_act"], determined["kr_ai_basic_act"] = frozenset(generative), False
    return SystemFacts(regions, frozenset(roles), bool(role), modalities, categories, determined, in_scope)


def eu_categories(eu: dict[str, Any]) -> frozenset[str]:
    """The EU AI Act categories of a classification (``categories`` when recorded, else derived from its fields)."""
    if "categories" in eu:
        return frozenset(eu["categories"])
    out: set[str] = set()
    duties = set(eu.get("duties") or ())
    category = eu.get("category")
    if category == "prohibited" or eu.get("prohibited"):
        out.add("prohibited")
    annex_iii = [int(n) for n in eu.get("annex_iii") or ()]
    out |= {f"annex-iii-{n}" for n in annex_iii}
    if category == "high":
        out.add("high-risk")
        if eu.get("annex_i") or "EUAIA-ART6-1" in duties:
            out.add("high-risk-annex-i")
        if annex_iii:
            out.add("high-risk-annex-iii")
    for clause in eu.get("transparency") or ():
        paragraph = re.search(r"50-([1-4])$", str(clause))
        if paragraph:
            out |= {_ART50[f"EUAIA-ART50-{paragraph.group(1)}"], "transparency"}
    if eu.get("gpai"):
        if eu.get("systemic_risk"):
            out |= {"gpai", "gpai-systemic"}
        elif eu.get("open_source"):
            out.add("gpai-open")
        else:
            out.add("gpai")
    return frozenset(out)


def kr_categories(kr: dict[str, Any]) -> frozenset[str]:
    """Korea AI Basic Act categories of a classification (``none`` dropped; deepfake duties as ``deepfakes``)."""
    out = {c for c in kr.get("categories") or () if c != "none"}
    if "KR-AIBA-ART31-3" in (kr.get("duties") or ()):
        out.add("deepfakes")
    return frozenset(out)


def _eu_from_profile(system: dict[str, Any], modalities: frozenset[str]) -> tuple[frozenset[str], bool]:
    """EU categories inferred without a classification; the bool says whether nothing was left to guess."""
    tier = system.get("risk_tier", "unknown")
    out: set[str] = set()
    if system.get("gpai"):
        out.add("gpai")
    if tier == "prohibited":
        out.add("prohibited")
    elif tier == "high":
        out |= {"high-risk", "high-risk-annex-i", "high-risk-annex-iii"}
    if modalities & _CONTENT:  # every provider of a generative system marks its output (Art. 50(2))
        out |= {"generates", "transparency"}
    return frozenset(out), tier == "minimal"


@record
class Standing:
    """Whether a framework reaches the system: ``in_scope``, ``not_in_scope`` or ``voluntary``, and why."""

    status: str
    reason: Msg

    @property
    def reaches(self) -> bool:
        return self.status != NOT_IN_SCOPE


def framework_standing(fw: Framework, f: SystemFacts) -> Standing:
    """Does ``fw`` reach the system, and why."""
    if fw.scope is None:
        return Standing(VOLUNTARY, Msg("applicability.voluntary"))
    scheme = fw.scope.scheme
    if scheme is not None and scheme in f.in_scope:
        if f.in_scope[scheme]:
            return Standing(IN_SCOPE, Msg("applicability.in_scope_classified"))
        return Standing(NOT_IN_SCOPE, Msg("applicability.out_of_scope_classified"))
    wanted = set(fw.scope.regions)
    if "EU" in wanted:
        wanted |= EU_MEMBERS
    regions = ", ".join(fw.scope.regions)
    if GLOBAL in f.regions or wanted & f.regions:
        return Standing(IN_SCOPE, Msg("applicability.in_scope_regions", regions=regions))
    return Standing(NOT_IN_SCOPE, Msg("applicability.out_of_scope_regions", regions=regions))


@record
class ClauseApplicability:
    """Whether a clause binds the system: ``applies``, ``determined`` (False: classify first), why not, and since when."""

    applies: bool
    determined: bool = True
    reason: Msg | None = None
    applies_from: str | None = None


@cache
def _because(key: str, **args: object) -> Msg:
    """A reason message, made once per distinct reason: a framework's clauses share a few reasons,
    and a message renders its English text when it is made."""
    return Msg(key, **args)


def clause_applicability(clause: Clause, fw: Framework, f: SystemFacts, standing: Standing | None = None) -> ClauseApplicability:
    """Whether ``clause`` of ``fw`` binds the system described by ``f``."""
    standing = standing or framework_standing(fw, f)
    if clause.informational:
        return ClauseApplicability(False, reason=_because("applicability.informational"))
    if not standing.reaches:
        return ClauseApplicability(False, reason=_because("applicability.framework_not_in_scope", framework=fw.short))
    group = fw.obligation(clause.obligation) if clause.obligation else None
    rule = clause.applies_to
    if rule is not None and rule.roles and not (set(rule.roles) & f.roles):
        return ClauseApplicability(False, reason=_because("applicability.role", roles=", ".join(rule.roles)))
    if rule is not None and rule.modalities and not (set(rule.modalities) & f.modalities):
        return ClauseApplicability(False, reason=_because("applicability.modality", modalities=", ".join(rule.modalities)))
    wanted = rule.categories if rule is not None and rule.categories is not None else (group.categories if group else None)
    scheme = fw.scope.scheme if fw.scope else None
    has = f.categories.get(scheme, frozenset()) if scheme else frozenset()
    if wanted and not (set(wanted) & has):
        if scheme is not None and not f.determined.get(scheme, True):
            return ClauseApplicability(
                False, determined=False, reason=_because("applicability.undetermined", categories=", ".join(wanted))
            )
        return ClauseApplicability(False, reason=_because("applicability.category", categories=", ".join(wanted)))
    return ClauseApplicability(True, applies_from=_applies_from(clause, group, has))


def _applies_from(clause: Clause, group, has: frozenset[str]) -> str | None:
    """The clause's own date, else the earliest date of its group for the system's categories."""
    if clause.applies_from:
        return clause.applies_from
    if group is None:
        return None
    dates = [d.applies_from for d in group.dates if d.when is None or d.when in has]
    return min(dates) if dates else None
