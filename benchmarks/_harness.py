"""What every benchmark shares: cold processes, process-tree memory, medians, floors, exponents, targets.

Rules the scripts follow, so that each figure counts what it claims:

* **Cold processes.** Commands run as fresh ``aiaudit`` processes, interleaved (one run of each
  command in turn), after one uncounted warm-up run each (the OS file cache, and bytecode: the
  children run without ``PYTHONDONTWRITEBYTECODE`` so an editable install is not timed compiling
  its sources on every run, which an installed wheel never does).
* **Medians** of several runs; the spread (min-max) is printed beside them.
* **A stated floor.** A ratio is always against a named command that does the least the measured
  command must do (importing what it must import), and the script prints that command.
* **Memory of a process tree.** ``parent`` is the aiaudit process's own peak resident set
  (``getrusage(RUSAGE_SELF)`` at its exit, exact); ``largest worker`` is the peak of the largest
  process it waited for (``RUSAGE_CHILDREN``); ``all processes`` is the peak, over samples taken
  every 20 ms, of the sum of the proportional set sizes (PSS) of the process and all its
  descendants: pages shared after ``fork`` are split between the processes that share them,
  so the sum is what the tree really occupies (a sum of RSS would count them once per process).
* **Targets are reported, not asserted.** A script exits non-zero only with ``--enforce`` and a
  missed target; otherwise it prints ``MISSED`` beside the figure and exits 0.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Runs ``aiaudit`` in this interpreter and reports its own peak RSS and its children's at exit.
_WRAPPER = """
import atexit, os, resource, runpy, sys
fd = int(sys.argv.pop(1))
def _report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    os.write(fd, f"{own} {kids}\\n".encode())
atexit.register(_report)
sys.argv[0] = "aiaudit"
runpy.run_module("aiaudit", run_name="__main__", alter_sys=True)
"""


def child_env(**extra: str) -> dict[str, str]:
    """The environment of measured processes: English, bytecode caching on."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"AIAUDIT_LANG": "en", **extra})
    return env


def aiaudit_command() -> list[str]:
    """The ``aiaudit`` console script of this interpreter (what users run), else ``python -m aiaudit``."""
    script = Path(sys.executable).parent / "aiaudit"
    if script.is_file():
        return [str(script)]
    found = shutil.which("aiaudit")
    return [found] if found else [sys.executable, "-m", "aiaudit"]


def describe_python() -> str:
    import aiaudit

    where = Path(aiaudit.__file__).parent
    kind = "installed wheel" if "site-packages" in where.parts else "source checkout (editable)"
    return f"python {sys.version.split()[0]} at {sys.executable}; aiaudit {aiaudit.__version__} from {kind} ({where})"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover
        return os.cpu_count() or 1


class CommandFailed(SystemExit):
    pass


def run_once(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,), env: dict | None = None, cpu: list | None = None) -> float:
    """Wall time of one fresh process; its CPU time (children included) goes to ``cpu``; stops on an exit code not in ``ok``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or child_env())
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise CommandFailed(f"{' '.join(map(str, cmd))} exited {proc.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    return elapsed


def run_tree(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, int, str, str]:
    """(wall seconds, CPU seconds of the process and every child it waited for, exit code, stdout, stderr)."""
    import tempfile as _tempfile

    with _tempfile.TemporaryFile() as out, _tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env or child_env(), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, proc.returncode, out.read().decode(), err.read().decode()


def interleaved(
    commands: dict[str, tuple[list[str], tuple[int, ...]]],
    runs: int,
    cwd: Path,
    env: dict | None = None,
    warmup: int = 1,
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """``runs`` cold runs of each command, interleaved, after ``warmup`` uncounted runs each.

    Returns the wall times; ``cpu``, when given, receives each run's CPU time (user + system).
    """
    for cmd, ok in commands.values():
        for _ in range(warmup):
            run_once(cmd, cwd, ok, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, ok) in commands.items():
            times[name].append(run_once(cmd, cwd, ok, env, None if cpu is None else cpu.setdefault(name, [])))
    return times


def instructions(
    commands: dict[str, tuple[list[str], tuple[int, ...]]], cwd: Path, env: dict | None = None, warmup: int = 0
) -> dict[str, list[float]]:
    """Instructions of one run of each command, counted by ``valgrind --tool=callgrind`` (as a
    one-element list, like :func:`interleaved`'s times). The count does not depend on what else the
    machine is doing, so one run is enough; ``warmup`` plain runs first fill aiaudit's cache."""
    import re

    if shutil.which("valgrind") is None:
        raise SystemExit("counting instructions needs valgrind (apt-get install valgrind)")
    for cmd, ok in commands.values():
        for _ in range(warmup):
            run_once(cmd, cwd, ok, env)
    out: dict[str, list[float]] = {}
    for name, (cmd, ok) in commands.items():
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
            cwd=cwd,
            env=env or child_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        found = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode not in ok or found is None:
            raise CommandFailed(f"{name}: exit {proc.returncode}: {proc.stderr[-2000:]}")
        out[name] = [float(found.group(1))]
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], scale: float = 1000.0, unit: str = "ms") -> str:
    fmt = "{:.0f}" if scale == 1000.0 else "{:.2f}"
    return f"{fmt.format(median(values) * scale)} {unit} ({fmt.format(min(values) * scale)}-{fmt.format(max(values) * scale)})"


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    """The exponent b of y = a * x**b, by least squares on the logarithms (y > 0)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in pts)
    return sxy / sxx if sxx else float("nan")


# --- memory of a process tree --------------------------------------------------------------------


@dataclass
class Memory:
    parent_mib: float = 0.0  # the aiaudit process itself (RUSAGE_SELF at exit)
    largest_child_mib: float = 0.0  # the largest process it waited for (RUSAGE_CHILDREN at exit)
    tree_pss_mib: float = 0.0  # sampled peak of the PSS sum over the process and its descendants
    tree_rss_mib: float = 0.0  # the same with RSS (counts shared pages once per process)
    processes: int = 0  # distinct processes seen in the tree
    wall: float = 0.0
    returncode: int = 0
    samples: int = 0
    pids: set = field(default_factory=set)


def _children_map() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def _tree(root: int) -> list[int]:
    children = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _kib(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def measure_memory(
    args: list[str], cwd: Path, env: dict | None = None, ok: tuple[int, ...] = (0,), interval: float = 0.02
) -> Memory:
    """Run ``aiaudit ARGS`` once under the memory wrapper and sample its process tree (Linux /proc)."""
    read_fd, write_fd = os.pipe()
    cmd = [sys.executable, "-c", _WRAPPER, str(write_fd), *args]
    mem = Memory()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env or child_env(), pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    os.close(write_fd)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pss = rss = 0
            for pid in _tree(proc.pid):
                mem.pids.add(pid)
                pss += _kib(f"/proc/{pid}/smaps_rollup", b"Pss:")
                rss += _kib(f"/proc/{pid}/status", b"VmRSS:")
            mem.tree_pss_mib = max(mem.tree_pss_mib, pss / 1024)
            mem.tree_rss_mib = max(mem.tree_rss_mib, rss / 1024)
            mem.samples += 1
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform.startswith("linux"):
        sampler.start()
    _, stderr = proc.communicate()
    mem.wall = time.perf_counter() - start
    stop.set()
    if sampler.is_alive():
        sampler.join()
    with os.fdopen(read_fd, "rb") as fh:
        report = fh.read().decode().split()
    mem.returncode = proc.returncode
    if proc.returncode not in ok:
        detail = stderr.decode(errors="replace")[-2000:]
        raise CommandFailed(f"aiaudit {' '.join(map(str, args))} exited {proc.returncode}: {detail}")
    if len(report) == 2:
        mem.parent_mib, mem.largest_child_mib = int(report[0]) / 1024, int(report[1]) / 1024
    mem.processes = len(mem.pids)
    return mem


# --- targets --------------------------------------------------------------------------------------


@dataclass
class Targets:
    """Targets checked by a script: printed as met or MISSED; ``--enforce`` turns a miss into exit 1."""

    rows: list[tuple[str, str, bool]] = field(default_factory=list)

    def check(self, name: str, measured: str, met: bool) -> None:
        self.rows.append((name, measured, met))

    def report(self, enforce: bool) -> int:
        if not self.rows:
            return 0
        print("targets:")
        for name, measured, met in self.rows:
            print(f"  {'met   ' if met else 'MISSED'}  {name}: {measured}")
        missed = sum(not met for _, _, met in self.rows)
        if missed and enforce:
            print(f"{missed} target(s) missed (--enforce): exit 1")
            return 1
        return 0


def add_common_arguments(parser) -> None:
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a target is missed (default: report only)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and print where they are")
