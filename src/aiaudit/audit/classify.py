"""Risk classification: a short questionnaire → EU AI Act category and Korea AI Basic Act categories, with reasoning.

The questions (``QUESTIONS``) are data; :func:`classify` is a pure function from answers to a
:class:`Result`. It follows the structure of the two laws as summarised in the clause catalog:

EU AI Act (Regulation (EU) 2024/1689), first match wins for the category:

1. any Art. 5 practice → ``prohibited`` (EUAIA-ART5-a … -h, and the Omnibus bans -ba, -bb);
2. an Annex I product needing third-party conformity assessment (Art. 6(1), EUAIA-ART6-1), or an
   Annex III area (Art. 6(2), EUAIA-ART6-2, EUAIA-ANX3-1 … -8) unless the Art. 6(3) derogation
   applies (never for profiling, EUAIA-ART6-3) → ``high``;
3. any Art. 50 transparency duty (EUAIA-ART50-1 … -4) → ``limited``;
4. otherwise ``minimal`` (EUAIA-TIER-4).

A general-purpose AI model is a separate track (EUAIA-TIER-GPAI): Art. 53 duties, and systemic
risk when training compute exceeds 10^25 FLOPs or the Commission designates it (EUAIA-ART51, Art. 55).

Korea AI Basic Act (Act No. 20676): high-impact AI = an Art. 2(4) area *and* a significant effect on
life, safety or fundamental rights (KR-AIBA-DEF-HIAI; Arts. 33–35); generative AI (KR-AIBA-DEF-GENAI;
Art. 31 notice and labelling); the Art. 32 safety duty above 10^26 FLOPs (KR-AIBA-DEF-HPAI).

The result, the reasoning (one line per decisive answer, citing clause ids) and the answers are
written into ``system.classification``; ``system.risk_tier`` gets the EU category, so item
``applies_when`` conditions follow the classification. When the system is not offered in a
jurisdiction its block says ``in_scope: false`` and the category is what the law would assign.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DiagnosticError
from ..i18n import Msg, t
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from ..records import record
from .applicability import EU_MEMBERS, GLOBAL, clause_applicability, eu_categories, facts, framework_standing

#: EU member states (ISO 3166 codes; Greece also as EL), for the default of ``eu_market``.
EU_SYSTEMIC_FLOPS = 1e25
KR_SAFETY_FLOPS = 1e26

PROHIBITED = ("a", "b", "c", "d", "e", "f", "g", "h", "ba", "bb")
ANNEX_III = ("1", "2", "3", "4", "5", "6", "7", "8")
CONTENT = ("text", "image", "audio", "video", "music", "voice")
#: Korea AI Basic Act Art. 2(4) high-impact areas (a)–(k), in the Act's order (catalog ids KR-AIBA-HIAI-a … -k).
KR_AREAS = (
    "energy",
    "drinking-water",
    "healthcare",
    "medical-devices",
    "nuclear",
    "criminal-biometrics",
    "rights-decisions",
    "transport",
    "public-services",
    "student-evaluation",
    "decree",
)
KR_AREA_CLAUSE = {area: f"KR-AIBA-HIAI-{letter}" for area, letter in zip(KR_AREAS, "abcdefghijk", strict=True)}


@record
class Question:
    """One classification question. Its text is ``classify.q.<id>`` (and ``classify.h.<id>``) in the catalog."""

    id: str
    kind: str  # yesno | multi | number
    options: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    when: Callable[[dict[str, Any]], bool] = field(default=lambda a: True, compare=False)


QUESTIONS: tuple[Question, ...] = (
    Question("eu_market", "yesno", refs=("EUAIA-TIER-1",)),
    Question("kr_market", "yesno", refs=("KR-AIBA-ART4",)),
    Question("prohibited", "multi", PROHIBITED, refs=tuple(f"EUAIA-ART5-{p}" for p in PROHIBITED)),
    Question("annex_i_product", "yesno", refs=("EUAIA-ART6-1",)),
    Question("annex_iii", "multi", ANNEX_III, refs=("EUAIA-ART6-2",) + tuple(f"EUAIA-ANX3-{n}" for n in ANNEX_III)),
    Question("profiling", "yesno", refs=("EUAIA-ART6-3",), when=lambda a: bool(a.get("annex_iii"))),
    Question(
        "narrow_task",
        "yesno",
        refs=("EUAIA-ART6-3",),
        when=lambda a: bool(a.get("annex_iii")) and not a.get("profiling"),
    ),
    Question("interacts", "yesno", refs=("EUAIA-ART50-1",)),
    Question("generates", "multi", CONTENT, refs=("EUAIA-ART50-2", "KR-AIBA-DEF-GENAI")),
    Question("assistive_only", "yesno", refs=("EUAIA-ART50-2",), when=lambda a: bool(a.get("generates"))),
    Question("deepfakes", "yesno", refs=("EUAIA-ART50-4", "KR-AIBA-ART31-3"), when=lambda a: bool(a.get("generates"))),
    Question("emotion_or_biometric", "yesno", refs=("EUAIA-ART50-3", "EUAIA-ANX3-1")),
    Question("gpai_model", "yesno", refs=("EUAIA-TIER-GPAI", "EUAIA-ART53-1a")),
    Question("training_flops", "number", refs=("EUAIA-ART51", "KR-AIBA-DEF-HPAI")),
    Question("systemic_designated", "yesno", refs=("EUAIA-ART51",), when=lambda a: bool(a.get("gpai_model"))),
    Question("open_source", "yesno", refs=("EUAIA-ART53-2",), when=lambda a: bool(a.get("gpai_model"))),
    Question(
        "kr_state_of_art",
        "yesno",
        refs=("KR-AIBA-DEF-HPAI", "KR-AIBA-ART32"),
        when=lambda a: _at_least(a.get("training_flops"), KR_SAFETY_FLOPS),
    ),
    Question(
        "kr_broad_impact",
        "yesno",
        refs=("KR-AIBA-DEF-HPAI", "KR-AIBA-ART32"),
        when=lambda a: _at_least(a.get("training_flops"), KR_SAFETY_FLOPS),
    ),
    Question("kr_areas", "multi", KR_AREAS, refs=("KR-AIBA-DEF-HIAI",) + tuple(KR_AREA_CLAUSE.values())),
    Question("kr_significant", "yesno", refs=("KR-AIBA-DEF-HIAI", "KR-AIBA-ART33"), when=lambda a: bool(a.get("kr_areas"))),
)
QUESTION_BY_ID = {q.id: q for q in QUESTIONS}


def _at_least(value: Any, threshold: float) -> bool:
    """Whether a training-compute answer (as given or normalised) reaches ``threshold``; False when unreadable."""
    try:
        flops = parse_flops(value)
    except AnswerValueError:
        return False
    return flops is not None and flops >= threshold


class AnswerValueError(ValueError):
    """An answer that does not fit its question; ``message`` says why."""

    def __init__(self, key: str, **fields: Any):
        self.message = Msg(key, **fields)
        super().__init__(self.message)


# --- answers ---------------------------------------------------------------------------------------

_YES = {"y", "yes", "true", "1", "예", "네", "ㅇ"}
_NO = {"n", "no", "false", "0", "아니오", "아니요", "ㄴ"}


def parse_flops(value: Any) -> float | None:
    """Training compute from ``3e25``, ``3.2e+25``, ``10^25``, ``3x10^25`` or a number; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise AnswerValueError("classify.bad_number", value=value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().lower().replace(" ", "").replace(",", "").replace("×", "x").replace("flops", "")
        match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)\*?x?)?10\^(\d+)", text)
        try:
            number = float(match.group(1) or 1) * 10 ** int(match.group(2)) if match else float(text)
        except ValueError:
            raise AnswerValueError("classify.bad_number", value=value) from None
    if not math.isfinite(number) or number < 0:
        raise AnswerValueError("classify.bad_number", value=value)
    return number


def normalize(question: Question, value: Any) -> Any:
    """The canonical form of an answer (bool, sorted list of option ids, float or None)."""
    if question.kind == "yesno":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if value is not None else ""
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise AnswerValueError("classify.bad_yesno", value=value)
    if question.kind == "multi":
        if value is None or value is False:
            return []
        items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
        out = []
        for raw in items:
            token = str(raw).strip().lower()
            if not token or token in ("none", "-", "0", "없음"):
                continue
            if token.isdigit() and question.options != ANNEX_III and 1 <= int(token) <= len(question.options):
                token = question.options[int(token) - 1]
            if token not in question.options:
                raise AnswerValueError("classify.bad_option", value=raw, choices=", ".join(question.options))
            if token not in out:
                out.append(token)
        return sorted(out, key=question.options.index)
    return parse_flops(value)


def defaults(system: dict[str, Any]) -> dict[str, Any]:
    """Answers to start from: the previous run's answers, else what the system profile implies."""
    regions = set(system.get("regions") or [])
    modalities = system.get("modalities") or []
    out: dict[str, Any] = {
        "eu_market": bool(regions & (EU_MEMBERS | {"EU", "EEA", "GLOBAL"})),
        "kr_market": bool(regions & {"KR", "GLOBAL"}),
        "generates": [m for m in CONTENT if m in modalities],
        "gpai_model": bool(system.get("gpai", False)),
    }
    previous = (system.get("classification") or {}).get("answers") or {}
    for key, value in previous.items():
        if key in QUESTION_BY_ID:
            try:
                out[key] = normalize(QUESTION_BY_ID[key], value)
            except AnswerValueError:
                continue
    return out


_FALLBACK = {"yesno": False, "multi": [], "number": None}


def asked(answers: dict[str, Any]) -> list[Question]:
    """The questions that apply given the answers so far (a question may depend on earlier ones)."""
    return [q for q in QUESTIONS if q.when(answers)]


def complete(given: dict[str, Any], system: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill in the answers not given (from :func:`defaults`, else no/none); also list which were assumed."""
    base = defaults(system)
    answers: dict[str, Any] = {}
    assumed: list[str] = []
    for q in QUESTIONS:
        if not q.when(answers):
            continue
        if q.id in given:
            answers[q.id] = given[q.id]
        else:
            answers[q.id] = base.get(q.id, _FALLBACK[q.kind])
            assumed.append(q.id)
    return answers, assumed


def read_answers_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read a YAML/JSON answers file (question id → answer), checking ids and values with positions."""
    doc: Document = load_file(path, max_bytes=max_bytes)
    data = doc.data.get("answers", doc.data) if isinstance(doc.data.get("answers"), dict) else doc.data
    prefix: tuple = ("answers",) if data is not doc.data else ()
    problems: list[Diagnostic] = []
    out: dict[str, Any] = {}
    for key, value in data.items():
        where = prefix + (key,)
        if key == "kind":
            continue
        question = QUESTION_BY_ID.get(key)
        if question is None:
            choices = ", ".join(QUESTION_BY_ID)
            problems.append(doc.diagnostic("E202", Msg("classify.unknown_question", name=key, choices=choices), where, key=True))
            continue
        try:
            out[key] = normalize(question, value)
        except AnswerValueError as exc:
            problems.append(doc.diagnostic("E204", Msg("classify.bad_answer", name=key, problem=exc.message), where))
    if problems:
        raise DiagnosticError(problems)
    return out


# --- the decision ------------------------------------------------------------------------------------


@record
class Result:
    """A classification: EU AI Act and Korea AI Basic Act outcomes, each with reasoning."""

    eu_category: str
    eu_in_scope: bool
    prohibited: tuple[str, ...]
    annex_iii: tuple[int, ...]
    transparency: tuple[str, ...]
    gpai: bool
    systemic_risk: bool
    eu_duties: tuple[str, ...]
    eu_reasoning: tuple[str, ...]
    kr_categories: tuple[str, ...]
    kr_in_scope: bool
    kr_areas: tuple[str, ...]
    kr_duties: tuple[str, ...]
    kr_reasoning: tuple[str, ...]
    annex_i: bool = False
    open_source: bool = False

    @property
    def risk_tier(self) -> str:
        return self.eu_category

    def to_classification(self, answers: dict[str, Any], date: str, system: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``system.classification`` mapping (see the audit schema).

        ``categories`` records what triggers the catalog's clauses; ``duties`` lists the clauses
        that bind the system, derived from the catalog for its role (``system``), not kept by hand.
        """
        eu: dict[str, Any] = {"category": self.eu_category, "in_scope": self.eu_in_scope}
        if self.prohibited:
            eu["prohibited"] = list(self.prohibited)
        eu["annex_i"] = self.annex_i
        eu["annex_iii"] = list(self.annex_iii)
        eu["transparency"] = list(self.transparency)
        eu["gpai"] = self.gpai
        eu["systemic_risk"] = self.systemic_risk
        eu["open_source"] = self.open_source
        eu["categories"] = sorted(eu_categories(eu))
        kr: dict[str, Any] = {
            "categories": list(self.kr_categories),
            "in_scope": self.kr_in_scope,
            "areas": list(self.kr_areas),
            "duties": list(self.kr_duties),  # replaced below by the catalog's answer; kept for deepfake detection
        }
        stored = {}
        for q in QUESTIONS:
            if q.id in answers:
                value = answers[q.id]
                stored[q.id] = _flops_text(value) if q.kind == "number" else value
        block = {"eu_ai_act": eu, "kr_ai_basic_act": kr, "answers": stored, "date": date}
        profile = dict(system or {}, classification=block)
        eu["duties"] = duties(profile, "eu-ai-act")
        kr["duties"] = duties(profile, "kr-ai-basic-act")
        eu["reasoning"] = list(self.eu_reasoning)
        kr["reasoning"] = list(self.kr_reasoning)
        return block


def duties(system: dict[str, Any], framework_id: str) -> list[str]:
    """The clauses of a law that bind a system as classified (none when the law does not reach it)."""
    from ..library.catalog import frameworks

    fw = frameworks()[framework_id]
    known = facts(system)
    scope = framework_standing(fw, known)
    if not scope.reaches:
        return []
    return [c.id for c in fw.clauses if clause_applicability(c, fw, known, scope).applies]


def _short(label: str) -> str:
    """An option label up to its colon: ``Employment and worker management: recruitment ...`` → the area name."""
    return label.split(":", 1)[0].strip()


def _flops_text(value: float | None) -> str | None:
    return None if value is None else f"{value:.3g}"


_HIGH_RISK_DUTIES = (
    "EUAIA-ART9",
    "EUAIA-ART10",
    "EUAIA-ART11",
    "EUAIA-ART12",
    "EUAIA-ART13",
    "EUAIA-ART14",
    "EUAIA-ART15",
    "EUAIA-ART17",
    "EUAIA-ART26",
    "EUAIA-ART73",
)


def classify(answers: dict[str, Any], lang: str = "en") -> Result:
    """Classify a system from complete answers (see :func:`complete`). Pure: no files, no prompts."""
    a = {q.id: normalize(q, answers[q.id]) for q in QUESTIONS if q.id in answers}

    def r(key: str, **kw: Any) -> str:
        return t(f"classify.r.{key}", lang, **kw)

    # --- EU AI Act ---------------------------------------------------------------------------
    eu_in = bool(a.get("eu_market"))
    eu_why: list[str] = [r("eu_in" if eu_in else "eu_out")]
    duties: list[str] = ["EUAIA-ART4"] if eu_in else []
    prohibited = tuple(a.get("prohibited") or ())
    for p in prohibited:
        eu_why.append(
            r("prohibited", cite=f"Art. 5(1)({p})", clause=f"EUAIA-ART5-{p}", practice=t(f"classify.o.prohibited.{p}", lang))
        )
        duties.append(f"EUAIA-ART5-{p}")
    areas = {int(n) for n in a.get("annex_iii") or ()}
    if a.get("emotion_or_biometric") and 1 not in areas:
        areas.add(1)
        eu_why.append(r("emotion_area1"))
    annex_iii = tuple(sorted(areas))
    high = False
    if a.get("annex_i_product"):
        high = True
        eu_why.append(r("annex_i"))
        duties.append("EUAIA-ART6-1")
    if annex_iii:
        names = "; ".join(f"{n}, {_short(t(f'classify.o.annex_iii.{n}', lang))} (EUAIA-ANX3-{n})" for n in annex_iii)
        if a.get("profiling"):
            high = True
            eu_why.append(r("annex_iii_profiling", areas=names))
            duties += ["EUAIA-ART6-2", "EUAIA-ART6-3"]
        elif a.get("narrow_task"):
            eu_why.append(r("annex_iii_derogation", areas=names))
            duties.append("EUAIA-ART6-3")
        else:
            high = True
            eu_why.append(r("annex_iii_high", areas=names))
            duties.append("EUAIA-ART6-2")
        duties += [f"EUAIA-ANX3-{n}" for n in annex_iii]
    if high:
        duties += list(_HIGH_RISK_DUTIES)
        if 5 in annex_iii:
            duties.append("EUAIA-ART27")
            eu_why.append(r("fria"))
    transparency: list[str] = []
    if a.get("interacts"):
        transparency.append("EUAIA-ART50-1")
        eu_why.append(r("art50_1"))
    generates = list(a.get("generates") or ())
    if generates and not a.get("assistive_only"):
        transparency.append("EUAIA-ART50-2")
        eu_why.append(r("art50_2", content=", ".join(t(f"classify.o.generates.{g}", lang) for g in generates)))
    elif generates:
        eu_why.append(r("art50_2_assistive"))
    if a.get("emotion_or_biometric"):
        transparency.append("EUAIA-ART50-3")
        eu_why.append(r("art50_3"))
    if a.get("deepfakes"):
        transparency.append("EUAIA-ART50-4")
        eu_why.append(r("art50_4"))
    if transparency:
        transparency.append("EUAIA-ART50-5")
        duties += transparency
    gpai = bool(a.get("gpai_model"))
    flops = a.get("training_flops")
    systemic = False
    if gpai:
        open_source = bool(a.get("open_source"))
        if flops is not None and flops > EU_SYSTEMIC_FLOPS:
            systemic = True
            eu_why.append(r("systemic_flops", flops=_flops_text(flops)))
        elif a.get("systemic_designated"):
            systemic = True
            eu_why.append(r("systemic_designated"))
        if open_source and not systemic:
            eu_why.append(r("gpai_open"))
            duties += ["EUAIA-ART53-1c", "EUAIA-ART53-1d", "EUAIA-ART53-2"]
        else:
            eu_why.append(r("gpai"))
            duties += ["EUAIA-ART53-1a", "EUAIA-ART53-1b", "EUAIA-ART53-1c", "EUAIA-ART53-1d"]
        if systemic:
            duties += ["EUAIA-ART51", "EUAIA-ART55-a", "EUAIA-ART55-b", "EUAIA-ART55-c", "EUAIA-ART55-d"]
    if prohibited:
        category = "prohibited"
    elif high:
        category = "high"
    elif transparency:
        category = "limited"
    else:
        category = "minimal"
    eu_why.append(r(f"category_{category}"))

    # --- Korea AI Basic Act --------------------------------------------------------------------
    kr_in = bool(a.get("kr_market"))
    kr_why: list[str] = [r("kr_in" if kr_in else "kr_out")]
    kr_areas = tuple(a.get("kr_areas") or ())
    categories: list[str] = []
    kr_duties: list[str] = []
    if kr_areas:
        names = "; ".join(f"{t(f'classify.o.kr_areas.{x}', lang)} ({KR_AREA_CLAUSE[x]})" for x in kr_areas)
        if a.get("kr_significant"):
            categories.append("high-impact")
            kr_why.append(r("kr_high_impact", areas=names))
            kr_duties += ["KR-AIBA-DEF-HIAI", *(KR_AREA_CLAUSE[x] for x in kr_areas)]
            kr_duties += ["KR-AIBA-ART31-1", "KR-AIBA-ART33", "KR-AIBA-ART34", "KR-AIBA-ART35"]
        else:
            kr_why.append(r("kr_not_significant", areas=names))
            kr_duties.append("KR-AIBA-ART33")
    else:
        kr_why.append(r("kr_no_area"))
    if generates:
        categories.append("generative")
        kr_why.append(r("kr_generative", content=", ".join(t(f"classify.o.generates.{g}", lang) for g in generates)))
        kr_duties += ["KR-AIBA-DEF-GENAI", "KR-AIBA-ART31-1", "KR-AIBA-ART31-2"]
        if a.get("deepfakes"):
            kr_why.append(r("kr_deepfakes"))
            kr_duties.append("KR-AIBA-ART31-3")
    if flops is not None and flops >= KR_SAFETY_FLOPS:
        # the Art. 32 safety tier needs all three decree criteria: compute, state of the art, broad serious impact
        missing = [c for c in ("kr_state_of_art", "kr_broad_impact") if not a.get(c)]
        if missing:
            kr_why.append(
                r("kr_tier_not_met", flops=_flops_text(flops), missing=", ".join(t(f"classify.c.{c}", lang) for c in missing))
            )
        else:
            categories.append("high-performance")
            kr_why.append(r("kr_high_performance", flops=_flops_text(flops)))
            kr_duties += ["KR-AIBA-DEF-HPAI", "KR-AIBA-ART32"]
    else:
        kr_why.append(r("kr_below_tier" if flops is not None else "kr_tier_unknown", flops=_flops_text(flops)))

    if not categories:
        categories.append("none")
        kr_why.append(r("kr_none"))

    return Result(
        eu_category=category,
        eu_in_scope=eu_in,
        prohibited=prohibited,
        annex_iii=annex_iii,
        transparency=tuple(transparency),
        gpai=gpai,
        systemic_risk=systemic,
        eu_duties=tuple(dict.fromkeys(duties)),
        eu_reasoning=tuple(eu_why),
        kr_categories=tuple(categories),
        kr_in_scope=kr_in,
        kr_areas=kr_areas,
        kr_duties=tuple(dict.fromkeys(kr_duties)),
        kr_reasoning=tuple(kr_why),
        annex_i=bool(a.get("annex_i_product")),
        open_source=bool(a.get("open_source")) and gpai,
    )


def regions_after(system: dict[str, Any], result: Result) -> list[str] | None:
    """``system.regions`` made to agree with the classification (EU and KR added or removed); None when unchanged.

    The classification is what applicability trusts; the regions are the profile's view of the same
    fact, so ``classify`` keeps them in step rather than leaving items unasked.
    """
    regions = list(system.get("regions") or [])
    if GLOBAL in regions:
        return None
    out = list(regions)
    has_eu = any(r == "EU" or r in EU_MEMBERS for r in out)
    if result.eu_in_scope and not has_eu:
        out.append("EU")
    elif not result.eu_in_scope and has_eu:
        out = [r for r in out if r != "EU" and r not in EU_MEMBERS]
    if result.kr_in_scope and "KR" not in out:
        out.append("KR")
    elif not result.kr_in_scope and "KR" in out:
        out.remove("KR")
    return out if out != regions else None


def classification_changes(system: dict[str, Any], answers: dict[str, Any], date: str, lang: str = "en"):
    """What ``classify`` writes for complete answers: the result, the file changes, and the new regions (None: unchanged).

    The changes set ``system.classification``, ``system.risk_tier`` and, when the classification
    says the system is (or is not) offered in the EU or Korea, ``system.regions`` (see
    :func:`regions_after`). ``aiaudit classify`` and ``aiaudit serve`` both save these.
    """
    from .roundtrip import Change

    result = classify(answers, lang)
    block = result.to_classification(answers, date, system)
    changes = [Change(("system", "classification"), block), Change(("system", "risk_tier"), result.risk_tier)]
    regions = regions_after(system, result)
    if regions is not None:
        changes.append(Change(("system", "regions"), regions))
    return result, changes, regions
