"""``aiaudit serve``: the local web workspace (needs the ``web`` extra; imported only when the command runs)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..i18n import Msg, t
from .base import echo, lang_option, max_bytes_option, outside_option, policy_option


@click.command("serve")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "--class", "class_dir", type=click.Path(file_okay=False, path_type=str), help="Instructor view: a submissions folder."
)
@click.option("--rubric", "rubric_source", default=None, help="With --class: a rubric file, or preset:NAME.")
@click.option(
    "--overrides",
    default="overrides.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="With --class: the YAML overrides file the instructor's points and comments are saved to.",
)
@click.option("--deadline", default=None, help="With --class: deadline, ISO 8601 with a time zone (replaces the rubric's).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--allow-remote", is_flag=True, help="Allow an address other than loopback (reachable from other machines).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; only print the URL.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@click.option(
    "--max-upload", type=click.IntRange(min=1), default=25_000_000, show_default=True, help="Largest evidence upload, in bytes."
)
@policy_option
@lang_option
@max_bytes_option
@outside_option
def serve(
    path,
    class_dir,
    rubric_source,
    overrides,
    deadline,
    port,
    host,
    allow_remote,
    no_browser,
    answered_by,
    max_upload,
    policy_spec,
    lang,
    max_bytes,
    allow_outside_evidence,
) -> None:
    """Fill in, review and grade audits in a browser, on the same files as the command line.

    PATH is an audit file or a folder of audits (default: the current folder). The server listens
    on 127.0.0.1 only, on a free port unless --port, and prints a URL with an access token; every
    save goes through the same checks and the same lock as `aiaudit answer`. Ctrl-C stops it.

    With --class SUBMISSIONS --rubric R: the instructor's view of a class (overview, each team's
    feedback, overrides saved to --overrides, similarity hints).
    """
    from ..serve import require_web

    require_web()
    from ..serve.server import check_host
    from ..serve.server import serve as run_server

    check_host(host, allow_remote)
    if class_dir is not None:
        if path is not None:
            raise UsageError(Msg("serve.class_and_path"))
        if not rubric_source:
            raise UsageError(Msg("serve.class_needs_rubric"))
        factory, what = _classroom(class_dir, rubric_source, overrides, deadline, lang, max_bytes)
    else:
        if rubric_source is not None:
            raise UsageError(Msg("serve.rubric_needs_class"))
        factory, what = _workspace(path, lang, answered_by, allow_outside_evidence, max_bytes, max_upload, policy_spec)

    def announce(url: str) -> None:
        echo(t("serve.listening", lang, what=what))
        echo(f"    {url}")
        echo(t("serve.stop_hint", lang))

    guard_options = {"max_upload_body": max_upload + 1_000_000, "upload_paths": ("/a/",)}
    run_server(factory, host, port, guard_options, announce, browser=not no_browser)
    echo(t("serve.stopped", lang))


def _workspace(path, lang, answered_by, allow_outside, max_bytes, max_upload, policy_spec):
    from ..serve.app import create_app
    from ..serve.site import Site
    from ..serve.workspace import Settings, Workspace

    target = Path(path or ".")
    if not target.exists():
        raise UsageError(Msg("serve.no_such_path", path=str(target)))
    if target.is_dir():
        root, audit = Path(os.path.abspath(target)), None
    else:
        audit = Path(os.path.abspath(target))
        root = audit.parent
    settings = Settings(
        root=root,
        audit=audit,
        lang=lang,
        answered_by=answered_by,
        allow_outside=allow_outside,
        max_bytes=max_bytes,
        max_upload=max_upload,
        policy=policy_spec,
    )
    if policy_spec:
        from ..policy.load import load_policy

        load_policy(policy_spec, max_bytes=max_bytes)  # a bad policy is a usage error now, not a page later
    workspace = Workspace(settings)
    if audit is None and not workspace.entries:
        raise UsageError(Msg("serve.no_audits", path=str(root)))

    def factory(guard):
        return create_app(Site(guard, workspace=workspace, default_lang=lang))

    return factory, str(audit or root)


def _classroom(class_dir, rubric_source, overrides, deadline, lang, max_bytes):
    from ..grading.rubric import deadline_option, load_rubric
    from ..serve.app import create_app
    from ..serve.classroom import Classroom
    from ..serve.site import Site

    rubric = load_rubric(rubric_source, max_bytes=max_bytes)
    if deadline is not None:
        rubric = rubric.with_deadline(deadline_option(deadline))
    room = Classroom(class_dir, rubric, overrides, max_bytes=max_bytes)

    def factory(guard):
        return create_app(Site(guard, classroom=room, default_lang=lang))

    return factory, t("serve.class_what", lang, path=class_dir, n=len(room.subs))


COMMANDS = (serve,)
