"""The audit over time: ``diff``, ``upgrade``, ``verify`` and ``sign``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..i18n import Msg, t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option, outside_option, policy_option

_ALLOWED = click.option(
    "--allowed-signers",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="ssh-keygen allowed-signers file: who may sign "
    "(default: $AIAUDIT_ALLOWED_SIGNERS, then git's gpg.ssh.allowedSignersFile).",
)


def _write(output: str | None, text: str, lang: str) -> None:
    if output is None or output == "-":
        echo(text, nl=not text.endswith("\n"))
        return
    from ..files import atomic_write

    atomic_write(Path(output), text.encode("utf-8"))
    echo(t("diff.written", lang, path=output), err=True)


@click.command("diff")
@click.argument("sources", nargs=-1, required=True)
@click.option("--git", "revision", default=None, metavar="REV", help="Compare NEW with its own version in git revision REV.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the audits differ (like `git diff --exit-code`).")
@policy_option
@lang_option
@max_bytes_option
@outside_option
def diff(sources, revision, fmt, output, exit_code, policy_spec, lang, max_bytes, allow_outside_evidence) -> None:
    """Show what changed between two versions of an audit: OLD NEW, or --git REV NEW.

    \b
    OLD may be REV:PATH (git's syntax, the path from the repository's top), e.g.
      aiaudit diff HEAD~1:audit.yaml audit.yaml
      aiaudit diff --git origin/main audit.yaml --format md -o audit-diff.md
    Answers changed (status, notes, evidence, review marks), items added or removed by checklist
    changes, the readiness verdict and each framework's standing before → after, findings opened
    and closed. Both sides are judged with the installed checklists and the same policy. Nothing
    is written except --output. Exit 0 (1 with --exit-code when they differ), 2 unusable input.
    """
    from ..lifecycle import git
    from ..lifecycle.diff import diff_audits
    from ..lifecycle.outputs import DIFF_FORMATS

    if revision is not None:
        if len(sources) != 1:
            raise UsageError(Msg("diff.git_and_old"))
        new = sources[0]
        old = git.read_at(revision, new, max_bytes)
    else:
        if len(sources) != 2:
            raise UsageError(Msg("diff.need_two"))
        spec, new = sources
        old = git.read_revision(spec, max_bytes) if git.is_revision_spec(spec) else spec
    result = diff_audits(old, new, policy_spec, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    # the new version's errors; the old version's (often answers a later checklist moved) are in the JSON
    echo_diagnostics([d for d in result.new.problems if d.severity == "error"], lang, err=True)
    _write(output, DIFF_FORMATS[fmt](result, lang), lang)
    sys.exit(1 if exit_code and result.changed else 0)


@click.command("upgrade")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.option("--dry-run", is_flag=True, help="Show the plan; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@max_bytes_option
@outside_option
def upgrade(audit, dry_run, fmt, lang, max_bytes, allow_outside_evidence) -> None:
    """Carry AUDIT's answers to the installed version of its checklists; print the plan, then write it.

    Uses the checklists' change records: renamed items keep their answers; split items get a copy
    of the answer and merged items a combined one, marked `review:` until answered again;
    reworded items keep their answers, marked too; removed items' answers move to
    `retired_answers`. No answer is dropped. Checklist pins are updated. Saved atomically with
    comments kept; exit 0 done or up to date, 1 the audit has other errors, 2 unusable input.
    """
    from ..audit.upgrade import upgrade as run
    from ..lifecycle.outputs import plan_data, plan_text

    plan = run(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes, dry_run=dry_run)
    if fmt == "json":
        data = plan_data(plan, lang) | {"written": not dry_run and not plan.up_to_date}
        echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    echo(plan_text(plan, lang))
    if plan.up_to_date:
        return
    if dry_run:
        echo(t("upgrade.dry_run", lang))
        return
    echo(t("upgrade.done", lang, path=audit))
    if plan.count("review"):
        echo(t("upgrade.review_hint", lang, path=audit))


@click.command("verify")
@click.argument("target", type=click.Path(dir_okay=False, path_type=str))
@_ALLOWED
@click.option(
    "--require-signature", is_flag=True, help="Fail unless a sign-off carries a signature valid for the allowed signers."
)
@click.option(
    "--evidence-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="For a PDF: the folder holding the evidence files that are not attached to it.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List every evidence file checked, not only problems.")
@lang_option
@max_bytes_option
@outside_option
def verify(
    target, allowed_signers, require_signature, evidence_dir, fmt, verbose, lang, max_bytes, allow_outside_evidence
) -> None:
    """Check that an audit (or the audit inside a PDF report) is still what was recorded and signed.

    \b
    Evidence files against their recorded sha256 and size; checklists against the sha256 the
    audit pinned; in a PDF, the embedded audit against the sha256 the report recorded (and
    attached evidence); every signed sign-off (ssh-keygen -Y verify with the allowed signers).
    Exit codes: 0 verified · 1 a check failed · 2 unusable input (no such file, not an audit or
    an aiaudit PDF report, unreadable).
    """
    from ..audit import signing
    from ..lifecycle.outputs import verify_text
    from ..lifecycle.verify import verify as run

    allowed = signing.allowed_signers_file(allowed_signers, Path(target).parent)
    result = run(
        target,
        allowed_signers=allowed,
        allow_outside=allow_outside_evidence,
        max_bytes=max_bytes,
        require_signature=require_signature,
        evidence_dir=evidence_dir,
    )
    if fmt == "json":
        echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        echo(verify_text(result, lang, verbose))
    sys.exit(result.exit_code)


@click.command("sign")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.option("--name", default=None, help="Your name as the sign-off shows it (default: git's user.name).")
@click.option("--role", default=None, help="Your role, e.g. 'Product owner'.")
@click.option("--statement", default=None, help="What you confirm, one sentence.")
@click.option(
    "--principal", default=None, help="Your identity in the allowed-signers file (default: $AIAUDIT_USER, git's user.email)."
)
@click.option(
    "--key",
    default=None,
    help="SSH key to sign with: a private key, or a public key whose private key is in ssh-agent "
    "(default: $AIAUDIT_SIGNING_KEY, git's user.signingKey, ~/.ssh/id_ed25519).",
)
@click.option("--date", default=None, help="Sign-off date YYYY-MM-DD (default: today).")
@lang_option
@max_bytes_option
@outside_option
def sign(audit, name, role, statement, principal, key, date, lang, max_bytes, allow_outside_evidence) -> None:
    """Sign AUDIT's sign-off with your SSH key (ssh-keygen -Y sign, as git signs commits).

    The signature covers the audit's canonical content: every answer with its evidence sha256,
    the checklist pins and the system profile (docs/signing.md). Any later change to them makes
    the signature invalid, which `verify`, `status`, the report and the gate rule
    `require-signature` show. Refused while the audit has errors, changed or unrecorded evidence,
    answers marked for review, or a checklist that differs from its pin. Exit 0 signed, 2 refused.
    """
    from ..audit import signing
    from ..audit.answer import default_user

    folder = Path(audit).resolve().parent
    name = name or signing._git_config("user.name", folder)
    if not name:
        raise UsageError(Msg("sign.no_name"))
    principal = principal or default_user(None, folder)
    if not principal:
        raise UsageError(Msg("sign.no_principal"))
    key_path = signing.signing_key(key, folder)
    done = signing.sign_audit(
        audit,
        name=name,
        principal=principal,
        key=key_path,
        role=role,
        statement=statement,
        date=date,
        allow_outside=allow_outside_evidence,
        max_bytes=max_bytes,
    )
    if done.pinned:
        echo(t("sign.pinned", lang, checklists=", ".join(done.pinned)))
    echo(t("sign.done", lang, path=audit, name=name, principal=principal, key=done.check.key or "?"))


COMMANDS = (diff, upgrade, verify, sign)
