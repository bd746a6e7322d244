"""``aiaudit init``: a new audit file listing every applicable item, each question as a YAML comment."""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import Any

from ..diagnostics import UsageError
from ..files import atomic_write
from ..i18n import Msg, t
from ..library.checklists import Module, load_checklist, modules_for
from ..library.conditions import applies
from ..model import Checklist, merge_sections
from ..records import record


@record
class Profile:
    """What ``init`` knows about the system being audited."""

    name: str
    owner: str = ""
    purpose: str = ""
    modalities: tuple[str, ...] = ("text",)
    regions: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    risk_tier: str = "unknown"
    public_facing: bool | None = None
    role: str | None = None
    gpai: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_system(self) -> dict[str, Any]:
        system: dict[str, Any] = {"name": self.name}
        for key in ("owner", "purpose"):
            if getattr(self, key):
                system[key] = getattr(self, key)
        system["modalities"] = list(self.modalities)
        system["regions"] = list(self.regions)
        system["users"] = list(self.users)
        for key in ("role", "public_facing", "gpai"):
            if getattr(self, key) is not None:
                system[key] = getattr(self, key)
        system["risk_tier"] = self.risk_tier
        system.update(self.extra)
        return system


def _q(value: Any) -> str:
    """A YAML flow scalar (JSON is valid YAML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_audit(
    checklists: list[Checklist], profile: Profile, lang: str = "en", base: Path | None = None
) -> tuple[str, int, int]:
    """The text of a new audit file; also the number of items listed and skipped as not applicable."""
    system = profile.as_system()
    lines = [
        f"# {t('init.header', lang)}",
        f"# {t('init.statuses', lang)}",
        f"# {t('init.hint', lang)}",
        "kind: audit",
        "format: 1",
        "checklists:",
    ]
    for c in checklists:
        if c.source.startswith("builtin:"):
            ref = {"id": c.id}
        else:
            ref = {"path": os.path.relpath(Path(c.source).resolve(), (base or Path.cwd()).resolve())}
        lines.append(
            f"  - {{{', '.join(f'{k}: {_q(v)}' for k, v in ref.items())}, version: {_q(c.version)}, sha256: {c.sha256}}}"
        )
    lines.append("system:")
    for key, value in system.items():
        lines.append(f"  {key}: {_q(value)}")
    lines.append("answers:")
    listed = skipped = 0
    # a module that does not fit lists nothing, even items it includes from elsewhere
    in_force = {item.id for c in checklists if applies(c.applies_when, system) for item in c.items}
    for section in merge_sections(checklists):
        items = [i for i in section.items if i.id in in_force and applies(i.applies_when, system)]
        skipped += len(section.items) - len(items)
        if not items:
            continue
        lines.append(f"  # ── {section.title.get(lang)} ──")
        for item in items:
            listed += 1
            lines.append(f"  # {item.id} [{t('severity.' + item.severity, lang)}] {_comment(item.question.get(lang))}")
            lines.append(f"  #   {t('init.evidence.' + item.evidence, lang)} · {', '.join(item.refs)}")
            lines.append(f"  {item.id}:")
            lines.append("    status: unanswered")
            lines.append('    notes: ""')
            lines.append("    evidence: []")
    lines.append("signoff: []")
    return "\n".join(lines) + "\n", listed, skipped


def proposed_modules(profile: Profile, chosen: list[str]) -> list[Module]:
    """The built-in modules whose condition holds for the profile (and not chosen already), in id order."""
    return modules_for(profile.as_system(), chosen)


def init_audit(
    output: Path, checklist_ids: list[str], profile: Profile, lang: str = "en", force: bool = False
) -> tuple[int, int]:
    """Write a new audit file; refuse to overwrite unless ``force``. Returns (items listed, items skipped)."""
    if output.exists() and not force:
        raise UsageError(Msg("init.exists", path=str(output)))
    checklists = [load_checklist(cid) for cid in checklist_ids]
    text, listed, skipped = render_audit(checklists, profile, lang, base=output.parent)
    atomic_write(output, text)
    return listed, skipped
