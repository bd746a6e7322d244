"""A progress line on a terminal while a PDF renders: which step WeasyPrint is at, which page, how long so far.

WeasyPrint announces its steps on the ``weasyprint.progress`` logger ("Step 5 - Creating layout -
Page 7"). :func:`pdf_progress` listens to that logger for the duration of a render and keeps one
line on the terminal up to date (``\\r``, then the line cleared when done). The caller decides
whether the stream is a terminal; nothing is written anywhere else, and WeasyPrint is not imported here.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

_STEP = re.compile(r"Step (\d+)\b.*?(?:Page (\d+))?$")
#: WeasyPrint's step number → the message key that says it in words.
_KEYS = {
    1: "report2.progress.parse",
    2: "report2.progress.parse",
    3: "report2.progress.styles",
    4: "report2.progress.styles",
    5: "report2.progress.layout",
    6: "report2.progress.write",
    7: "report2.progress.write",
}


class _Line(logging.Handler):
    def __init__(self, text: Callable[..., str], stream: TextIO):
        super().__init__(logging.INFO)
        self.text = text
        self.stream = stream
        self.start = time.monotonic()
        self.pages = 0
        self.last = 0.0
        self.key = "report2.progress.prepare"
        self._paint = threading.Lock()
        self.done = threading.Event()

    def show(self, key: str, force: bool = False) -> None:
        with self._paint:
            if self.done.is_set():
                return
            self.key = key
            now = time.monotonic()
            if not force and now - self.last < 0.1:  # a long document logs hundreds of pages: repaint at most 10 times a second
                return
            self.last = now
            line = self.text(key, pages=self.pages, seconds=int(now - self.start))
            self.stream.write("\r\033[K" + line)
            self.stream.flush()

    def tick(self) -> None:
        """Repaint every half second, so the seconds count on while one step takes long."""
        while not self.done.wait(0.5):
            self.show(self.key, force=True)

    def emit(self, record: logging.LogRecord) -> None:
        match = _STEP.search(record.getMessage())
        if not match:
            return
        step = int(match.group(1))
        if match.group(2):
            self.pages = int(match.group(2))
        key = _KEYS.get(step)
        if key:
            self.show(key, force=step != 5)

    def clear(self) -> None:
        with self._paint:
            self.done.set()
            self.stream.write("\r\033[K")
            self.stream.flush()


@contextlib.contextmanager
def pdf_progress(text: Callable[..., str], stream: TextIO | None = None) -> Iterator[None]:
    """Show WeasyPrint's progress on ``stream`` (default stderr) while the block runs; ``text(key, **args)`` localises."""
    stream = stream or sys.stderr
    logger = logging.getLogger("weasyprint.progress")
    handler = _Line(text, stream)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler.show("report2.progress.prepare", force=True)
    ticker = threading.Thread(target=handler.tick, name="aiaudit-pdf-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        handler.clear()
        ticker.join(timeout=2)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
