"""A process pool that isolates each task: a crash, a hang or a kill costs one task, never the batch.

``concurrent.futures.ProcessPoolExecutor`` marks the whole pool broken when one worker dies
(every pending submission then fails with it) and has no time limit per task. This pool gives
each worker one task at a time over its own pipe and watches three things at once: results, the
workers' exit (their sentinels) and the deadline of each running task. A worker that dies or
overruns its task's time limit is killed and replaced; its task gets an :class:`Outcome` that says
why, and every other task goes on.

Tasks are ``(function, argument)`` pairs of module-level functions (so they pickle under any start
method). The worker runs ``initializer(*initargs)`` once. Results come back as they finish, each
with the task's index; the caller restores the order it needs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

from ..records import record

OK = "ok"
ERROR = "error"  # the task raised: ``detail`` is the exception's type and message
TIMEOUT = "timeout"  # the task ran past the time limit and its worker was killed
DIED = "died"  # the worker exited (crash, out of memory, killed) while running the task


@record
class Outcome:
    index: int
    status: str  # OK | ERROR | TIMEOUT | DIED
    value: Any = None  # the function's result (OK)
    detail: str = ""  # what went wrong (ERROR: "Type: message"; DIED: how the worker ended)
    seconds: float = 0.0  # wall time the task ran


def _serve(conn, initializer: Callable | None, initargs: tuple) -> None:  # pragma: no cover - runs in the worker
    """The worker's loop: receive a task, run it, send the outcome; stop on ``None`` or a closed pipe."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, arg = task
        try:
            reply = (OK, fn(arg), "")
        except BaseException as exc:  # reported to the parent, which decides
            reply = (ERROR, None, f"{type(exc).__name__}: {exc}")
            if os.environ.get("AIAUDIT_DEBUG"):
                traceback.print_exc()
        try:
            conn.send(reply)
        except Exception as exc:  # the result does not pickle: say so instead
            conn.send((ERROR, None, f"{type(exc).__name__}: {exc}"))


def describe_exit(exitcode: int | None) -> str:
    """``-9`` → ``signal 9 (SIGKILL)``; ``1`` → ``exit code 1``."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "?"
        return f"signal {-exitcode} ({name})"
    return f"exit code {exitcode}"


class _Worker:
    def __init__(self, context, initializer, initargs):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, initializer, initargs), daemon=True)
        self.process.start()
        child.close()
        self.task: int | None = None
        self.started = 0.0

    def kill(self) -> None:
        with contextlib.suppress(Exception):  # already gone
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_tasks(
    tasks: Iterable[tuple[Callable[[Any], Any], Any]],
    jobs: int,
    context,
    initializer: Callable | None = None,
    initargs: tuple = (),
    time_limit: float | None = None,
    on_start: Callable[[int, Any], None] | None = None,
) -> Iterator[Outcome]:
    """Run every task in ``jobs`` worker processes; yield one :class:`Outcome` per task as each finishes.

    ``time_limit`` (seconds, None for none) bounds each task. Workers are started lazily and
    replaced after a crash or a time-out; all are stopped when the iterator is exhausted or closed.
    """
    pending = iter(enumerate(tasks))
    workers: list[_Worker] = []
    exhausted = False

    def assign(worker: _Worker) -> bool:
        nonlocal exhausted
        if exhausted:
            return False
        try:
            index, (fn, arg) = next(pending)
        except StopIteration:
            exhausted = True
            return False
        worker.task, worker.started = index, time.monotonic()
        if on_start is not None:
            on_start(index, arg)
        with contextlib.suppress(OSError):  # the worker is already gone: its sentinel says so below
            worker.conn.send((fn, arg))
        return True

    try:
        while True:
            for worker in list(workers):
                if worker.task is None and not worker.process.is_alive():  # died idle: replace it
                    worker.kill()
                    workers.remove(worker)
            while len(workers) < jobs and not exhausted:
                worker = _Worker(context, initializer, initargs)
                if assign(worker):
                    workers.append(worker)
                else:
                    worker.stop()
            for worker in workers:
                if worker.task is None and not assign(worker):
                    break
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            timeout = None
            if time_limit is not None:
                now = time.monotonic()
                timeout = max(0.0, min(w.started + time_limit - now for w in busy))
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            now = time.monotonic()
            for worker in busy:
                index = worker.task
                assert index is not None
                outcome = None
                if worker.conn in ready:
                    try:
                        status, value, detail = worker.conn.recv()
                        outcome = Outcome(index, status, value, detail, now - worker.started)
                    except (EOFError, OSError):
                        pass  # died while answering: handled as a death below
                if outcome is None and (worker.process.sentinel in ready or worker.conn in ready):
                    worker.process.join(1)
                    outcome = Outcome(index, DIED, detail=describe_exit(worker.process.exitcode), seconds=now - worker.started)
                    worker.kill()
                    workers.remove(worker)
                elif outcome is None and time_limit is not None and now - worker.started >= time_limit:
                    worker.kill()
                    workers.remove(worker)
                    outcome = Outcome(index, TIMEOUT, detail=f"{time_limit:g}", seconds=now - worker.started)
                if outcome is not None:
                    worker.task = None
                    yield outcome
    finally:
        for worker in workers:
            if worker.task is not None:
                worker.kill()
            else:
                worker.stop()
