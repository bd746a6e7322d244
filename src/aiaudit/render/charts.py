"""Chart models for the HTML and PDF reports: one chart per question a reader has.

* **Where do we stand, per section?** The overall score and each section's score, each against the
  policy's minimum (``min_score``) drawn as a target line.
* **Where do we stand, per framework in scope?** Coverage of the applicable clauses of each framework
  that reaches the system, against the policy's minimum for that framework.
* **What is open, by severity?** Not met, partially met and unanswered items per severity.

A bar's colour comes from the verdict rules, never from the number alone: *below target* or
*blocking* (an item of the group breaks a rule of the policy) is red, *open findings* amber, *no
open finding* green, *not scored* grey. Every colour is paired with a texture (solid, stripes,
cross-hatch) and with the state in words beside the bar, and the legend names them, so the
charts read in grayscale print and without colour vision.

The templates draw these models as plain HTML and CSS (no SVG): text stays text (selectable,
searchable, translated, wrapped on narrow screens), and the same markup renders in browsers and
in WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..records import record

#: The colour band of each readiness verdict: a headline is never green unless the verdict is ready.
VERDICT_BAND = {"ready": "good", "ready_with_conditions": "fair", "not_ready": "poor", "draft": "none"}
#: The colour band of each bar state.
STATE_BAND = {"clear": "good", "open": "fair", "gaps": "fair", "below": "poor", "blocking": "poor", "none": "none"}
#: Bar states in the order the legend explains them.
STATES = ("below", "blocking", "open", "gaps", "clear", "none")
#: The statuses an open item can have, in the order the severity chart stacks them.
OPEN_STATUSES = ("not_met", "na", "partial", "unanswered")


@record
class Bar:
    """One row of a score chart: a 0-100 figure, the policy's target for it, and its state."""

    label: str
    percent: float | None
    target: float | None = None
    state: str = "none"  # below | blocking | open | gaps | clear | none
    findings: int = 0  # open findings in the group
    failing: int = 0  # items of the group that break a rule of the policy
    detail: str = ""  # e.g. "12/14 met", shown after the state
    href: str = ""  # where the row's details are
    strong: bool = False  # the overall row
    uncovered: int = 0  # clauses of a framework that no item of the checklist addresses

    @property
    def band(self) -> str:
        return STATE_BAND[self.state]


@record
class Segment:
    status: str
    count: int


@record
class StackRow:
    """One severity in the open-items chart."""

    severity: str
    segments: tuple[Segment, ...]
    applicable: int
    must_meet: bool = False  # the policy requires every item of this severity to be met

    @property
    def open(self) -> int:
        return sum(s.count for s in self.segments)


def band(percent: float | None) -> str:
    """The colour band of a bare score (good ≥ 80, fair ≥ 50, poor below; none when unscored).

    Only for figures no policy judges; charts colour bars by :func:`state` instead.
    """
    if percent is None:
        return "none"
    return "good" if percent >= 80 else "fair" if percent >= 50 else "poor"


def state(percent: float | None, target: float | None, findings: int, failing: int, uncovered: int = 0) -> str:
    """The state of a group under the policy: below its target, blocking, open findings, clauses no item
    covers (a framework whose checklist leaves gaps is never shown as clear), clear, or not scored."""
    if percent is None:
        return "none"
    if target is not None and percent < target:
        return "below"
    if failing:
        return "blocking"
    if findings:
        return "open"
    return "gaps" if uncovered else "clear"


def verdict_state(verdict: str) -> str:
    """The state of the overall row, which is the verdict itself."""
    return {"ready": "clear", "ready_with_conditions": "open", "not_ready": "blocking", "draft": "none"}[verdict]


def severity_rows(items: Iterable[dict], severities: Iterable[str], must_meet: Iterable[str] = ()) -> tuple[StackRow, ...]:
    """Open applicable items per severity, split by status (report items as in ``data["items"]``)."""
    must = set(must_meet)
    rows = []
    for sev in severities:
        group = [i for i in items if i["applicable"] and i["severity"] == sev]
        counts = {s: sum(1 for i in group if i["finding"] and i["status"] == s) for s in OPEN_STATUSES}
        segments = tuple(Segment(s, counts[s]) for s in OPEN_STATUSES if counts[s])
        rows.append(StackRow(sev, segments, len(group), sev in must))
    return tuple(rows)
