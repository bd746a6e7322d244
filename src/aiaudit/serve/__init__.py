"""``aiaudit serve``: a local web workspace over the same audit files as the command line.

People who do not use a terminal fill in, review and grade audits in a browser; every save goes
through the code ``aiaudit answer`` and ``aiaudit classify`` use (:mod:`aiaudit.audit.answer`),
so the file in the repository stays the one source of truth.

Modules:

* :mod:`.workspace`: the served folder, its audits, their live state and every save (no web code);
* :mod:`.changes`: what changed since the last git commit;
* :mod:`.classroom`: the instructor's view of a graded class and its overrides file;
* :mod:`.security`: the token, cookie, Host/Origin, CSRF and header rules of every request;
* :mod:`.app`: the Starlette application (routes, templates, forms);
* :mod:`.server`: the uvicorn server, the printed URL and the browser.

The web framework is an optional extra (``pip install '.[web]'``): nothing outside this
package imports it, and :func:`require_web` says in one line what to install when it is missing.
"""

from __future__ import annotations

from ..diagnostics import UsageError
from ..i18n import Msg

#: The modules of the ``web`` extra, with the package that provides each.
WEB_MODULES = (("starlette", "starlette"), ("uvicorn", "uvicorn"), ("python_multipart", "python-multipart"))


def require_web() -> None:
    """Raise a :class:`UsageError` (exit 2) naming the missing package when the ``web`` extra is not installed."""
    import importlib

    for module, package in WEB_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            raise UsageError(Msg("serve.missing_extra", package=package)) from None
