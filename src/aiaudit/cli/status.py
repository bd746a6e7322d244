"""``status``: how far an audit is filled in, and its verdict (its own module: the everyday command imports nothing else)."""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import DiagnosticError
from ..i18n import t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option, outside_option, policy_option


@click.command("status")
@click.argument("audit", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@policy_option
@lang_option
@max_bytes_option
@outside_option
def status(audit, fmt, policy_spec, lang, max_bytes, allow_outside_evidence) -> None:
    """Show how far AUDIT is filled in and its readiness verdict: per section, open critical items, the next item."""
    from ..audit.load import audit_from_file
    from ..audit.status import format_text, progress
    from ..policy.verdict import audit_verdict

    loaded, problems = audit_from_file(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    if loaded is None:
        raise DiagnosticError(problems)
    echo_diagnostics(problems, lang, err=True)
    state = progress(loaded)
    verdict, _ = audit_verdict(
        state.evaluation, loaded.doc, policy_spec, allow_outside=allow_outside_evidence, max_bytes=max_bytes
    )
    signatures = []
    if loaded.signoff:  # signing (and, for a signed sign-off, a git lookup) matters only then
        from ..audit import signing

        signed = any(s.signature for s in loaded.signoff)
        allowed = signing.allowed_signers_file(None, Path(audit).parent) if signed else None
        signatures = signing.check_signoffs(loaded.doc.data, allowed)
    to_review = loaded.to_review
    if fmt == "json":
        payload = state.to_dict(lang)
        payload["verdict"] = {
            "status": verdict.status,
            "headline": verdict.headline.text(lang),
            "policy": verdict.policy,
            "passed": verdict.passed,
            "reasons": [m.text(lang) for m in verdict.reasons],
        }
        payload["signoff"] = [c.to_dict(lang) for c in signatures]
        payload["review"] = list(to_review)
        import json

        echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        echo(format_text(state, lang, verdict))
        if to_review:
            echo(t("status.review", lang, n=len(to_review), path=audit))
        for c in signatures:
            echo(t("status.signature", lang, message=c.message))


COMMANDS = (status,)
