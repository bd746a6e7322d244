"""The Markdown report (GitHub-flavoured): for pull-request comments, job summaries and wikis.

Every value from the audit is escaped for Markdown *and* HTML (GitHub renders inline HTML), and
squeezed onto one line so it cannot break a table. Long parts (crosswalk, item table) sit in
``<details>`` blocks so a PR comment stays short.
"""

from __future__ import annotations

from ..audit.evaluation import Evaluation
from ..i18n import messages, t
from ..model import STATUSES
from ..text import html_text, percent
from ..text import md_escape as escape
from .data import build
from .options import ReportOptions

SYMBOLS = {"met": "✅", "partial": "🟡", "not_met": "❌", "na": "➖", "unanswered": "❔", "out_of_scope": "·"}


def _symbol(item: dict) -> str:
    return SYMBOLS[item["status"] if item["applicable"] else "out_of_scope"]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    seps = [("---:" if n < len(align) and align[n] == "r" else "---") for n in range(len(header))]
    return [_row(header), _row(seps), *(_row(r) for r in rows), ""]


def render(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> bytes:
    """The Markdown report as UTF-8 bytes."""
    return render_text(evaluation, lang, options).encode("utf-8")


def render_text(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> str:
    d = build(evaluation, lang, options).data
    m = messages(lang)
    unscored = m["report.not_scored"]

    def status(s: str) -> str:
        label = m["report.out_of_scope"] if s == "out_of_scope" else m[f"status.{s}"]
        return f"{SYMBOLS[s]} {label}"

    def sev(s: str) -> str:
        return m[f"severity.{s}"]

    score = d["score"]
    verdict = d["verdict"]
    e = d["engagement"]
    out = [f"# {escape(d['title'])}: {escape(d['system']['name'])}", ""]
    if e["confidentiality"]:
        out += [f"**{escape(e['confidentiality'])}**", ""]
    if verdict["draft"]:
        out += [f"> **{escape(t('verdict.draft_banner', lang, n=verdict['unanswered']))}**", ""]
    period = f"{e['period']['from']} – {e['period']['to']}" if e["period"] else ""
    facts = [
        ("report2.cover.organisation", e["organisation"]),
        ("report2.cover.scope", e["scope"]),
        ("report2.cover.period", period),
        ("report2.cover.version", e["version"]),
        ("report2.cover.status", m[f"report2.status.{e['status']}"]),
        ("report2.cover.prepared_by", ", ".join(e["prepared_by"])),
        ("report2.cover.prepared_for", e["prepared_for"]),
        (
            "report2.cover.signoff",
            t("report2.cover.signed", lang, names=", ".join(s["name"] for s in d["signoff"]), date=e["latest_signoff"])
            if e["signed"]
            else m["report2.cover.unsigned"],
        ),
    ]
    out += [f"- **{m[key]}**: {escape(value)}" for key, value in facts if value] + [""]
    out += [
        f"**{escape(m['verdict.label'])}: {escape(verdict['headline'])}**"
        f" · {escape(t('verdict.under_policy', lang, policy=verdict['policy']))}",
        "",
        *(f"{n}. {escape(r)}" for n, r in enumerate(verdict["reasons"], 1)),
        *([f"- {escape(t('verdict.more', lang, n=verdict['more']))}"] if verdict["more"] else []),
        "",
        escape(m["verdict.not_certification"]),
        "",
        f"**{m['report.overall']}: {percent(score['percent'], unscored)}{'/100' if score['percent'] is not None else ''}**"
        f" · {m['report.applicable']} {score['applicable']} · {m['report.answered']} {score['answered']}"
        f" · {m['report.findings']} {score['findings']}",
        "",
        escape(d["summary"]),
        "",
        f"## {m['report.scores']}",
        "",
    ]
    out += _table(
        [m["report.section"], m["report.score"], *(m[f"status.{s}"] for s in STATUSES)],
        [
            [escape(s["title"]), percent(s["score"]["percent"], unscored), *(str(s["score"]["counts"][st]) for st in STATUSES)]
            for s in d["sections"]
        ],
        "lr" + "r" * len(STATUSES),
    )
    out += _table(
        [m["report.principle"], m["report.score"], m["report.applicable"]],
        [[escape(p["title"]), percent(p["score"]["percent"], unscored), str(p["score"]["applicable"])] for p in d["principles"]],
        "lrr",
    )
    if d["frameworks"]:
        out += _table(
            [m["report.framework"], m["report.score"], m["report.clause"]],
            [
                [
                    escape(f["short"]),
                    percent(f["score"]["percent"], unscored)
                    if f["score"]
                    else escape(m["report.not_in_scope"])
                    if f["scope"] == "not_in_scope"
                    else unscored,
                    f"{len(f['clauses'])}/{f['clauses_applicable']}",
                ]
                for f in d["frameworks"]
            ],
            "lrr",
        )

    out += [f"## {m['report.findings_plan']}", ""]
    if d["findings"]:
        out += _table(
            [
                "#",
                m["report.item"],
                m["report.severity"],
                m["report.status"],
                m["report2.col.finding"],
                m["report2.finding.recommendation"],
                m["report2.col.owner"],
                m["report2.col.due"],
                m["report2.col.remediation"],
            ],
            [
                [
                    str(f["rank"]),
                    f"`{f['id']}`",
                    sev(f["severity"]),
                    status(f["status"]),
                    escape(f["observation"] or f["question"]),
                    escape(f["recommendation"] or f["remediation"]),
                    escape(f["owner"] or ""),
                    (f["due"] or "")
                    + (f" ⚠ {escape(t('report2.overdue', lang, n=f['overdue_days']))}" if f["overdue_days"] else ""),
                    escape(m[f"remediation.{f['remediation_status']}"]) if f["remediation_status"] else "",
                ]
                for f in d["findings"]
            ],
            "r",
        )
    else:
        out += [escape(m["report.no_findings"]), ""]

    if d["frameworks"]:
        out += [f"## {m['report.crosswalk']}", ""]
        for fw in d["frameworks"]:
            if fw["scope"] == "not_in_scope":
                out += [f"- **{escape(fw['title'])}**: {escape(m['report.not_in_scope'])} ({escape(fw['scope_reason'])})", ""]
                continue
            summary = t(
                "report.crosswalk_covered",
                lang,
                covered=len(fw["clauses"]),
                applicable=fw["clauses_applicable"],
                total=fw["clauses_total"],
                percent=percent(fw["score"]["percent"] if fw["score"] else None, unscored),
            )
            out += [f"<details><summary>{html_text(fw['title'])}: {html_text(summary)}</summary>", ""]
            out += _table(
                [m["report.clause"], m["report.items_col"], m["report.status"]],
                [
                    [
                        f"`{c['id']}` {escape(c['title'])}",
                        ", ".join(f"`{i['id']}` {_symbol(i)}" for i in c["items"]),
                        status(c["status"]),
                    ]
                    for c in fw["clauses"]
                ],
            )
            out += ["</details>", ""]

    out += [
        f"## {m['report.sections']}",
        "",
        f"<details><summary>{html_text(t('report.show_items', lang, n=len(d['items'])))}</summary>",
        "",
    ]
    out += _table(
        [
            m["report.item"],
            m["report.section"],
            m["report.severity"],
            m["report.status"],
            m["report.question"],
            m["report.notes"],
        ],
        [
            [
                f"`{i['id']}`",
                escape(i["section"]),
                sev(i["severity"]),
                status(i["status"] if i["applicable"] else "out_of_scope"),
                escape(i["question"]),
                escape(i["notes"]),
            ]
            for i in d["items"]
        ],
    )
    out += ["</details>", ""]

    out += [f"## {m['report.evidence_index']}", ""]
    if d["evidence"]:
        out += _table(
            [m["report.item"], m["report.evidence.file"], "sha256", m["report.evidence.check"]],
            [
                [
                    f"`{e['item']}`",
                    escape(e.get("path") or e.get("url")),
                    f"`{e['sha256'] or e['actual_sha256'] or '—'}`",
                    escape(m[f"report.check.{e['check']}"]),
                ]
                for e in d["evidence"]
            ],
        )
    else:
        out += [escape(m["report.no_evidence"]), ""]

    out += [f"## {m['report.signoff']}", ""]
    if d["signoff"]:
        out += _table(
            [m["report.signoff.name"], m["report.signoff.role"], m["report.signoff.date"], m["report.signoff.statement"]],
            [[escape(s["name"]), escape(s["role"]), escape(s["date"]), escape(_signed(s))] for s in d["signoff"]],
        )
    else:
        out += [escape(m["report.no_signoff"]), ""]

    checklists = ", ".join(f"{c['id']} {c['version']}" for c in d["audit"]["checklists"])
    out += [
        f"## {m['report.metadata']}",
        "",
        f"- {m['report.version']}: {escape(d['generator']['version'])}",
        f"- {m['report.generated']}: {d['generated']}",
        f"- {m['report.checklists']}: {escape(checklists)}",
        f"- {m['report.audit_file']}: {escape(d['audit']['file'])}",
        f"- {m['report.audit_hash']}: `{d['audit']['sha256']}`",
        "",
    ]
    return "\n".join(out)


def _signed(entry: dict) -> str:
    """The statement, and the signature's status when the entry is signed (aiaudit sign)."""
    signature = entry.get("signature")
    return f"{entry['statement']} ({signature['text']})".strip() if signature else entry["statement"]
