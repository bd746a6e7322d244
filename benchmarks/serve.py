"""Benchmark: page loads and saves of ``aiaudit serve`` on the shipped example; prints figures, asserts nothing.

Starts ``aiaudit serve examples/support-chatbot/audit.yaml`` (a copy, in a temporary folder) in
its own process on a free loopback port, signs in with the printed token, then times over real
HTTP (one keep-alive connection, like a browser tab):

* page loads: the fill-in overview, an item page, the review page, the live panel (unchanged
  file: the cached state; after a save: the state computed again), the rendered report (HTML);
* saves: an answer posted as the item form does (status, notes, CSRF token and revision),
  alternating between two items so each save changes the file, both without and with an upload;
  the time includes the save (lock, check, atomic write) and the audit's state computed again;
* the PDF, a few times (it is rendered by WeasyPrint, seconds rather than milliseconds).

Reports the median and the spread (min-max) of each, in milliseconds.

    python benchmarks/serve.py [--runs 25] [--pdf-runs 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support-chatbot"


class Session:
    """One keep-alive HTTP connection with the session cookie, as a browser tab has."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        status, headers, _ = self.request("GET", parts.path + "?" + parts.query)
        assert status == 200, status
        self.cookie = headers["set-cookie"].split(";")[0]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        all_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if getattr(self, "cookie", None):
            all_headers["Cookie"] = self.cookie
        self.conn.request(method, path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aiaudit-bench-serve-"))
    shutil.copytree(EXAMPLE, work / "example")
    audit = work / "example" / "audit.yaml"
    env = dict(os.environ, AIAUDIT_USER="bench@example.org", AIAUDIT_LANG="en", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "aiaudit", "serve", str(audit), "--no-browser"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = ""
        while not url:
            line = proc.stdout.readline()
            if not line:
                sys.exit("aiaudit serve printed no URL:\n" + proc.stderr.read())
            found = re.search(r"http://\S+\?token=\S+", line)
            url = found.group(0) if found else ""
        s = Session(url)
        ready = (time.perf_counter() - started) * 1000
        status, headers, _ = s.request("GET", "/")
        base = headers["location"].rstrip("/")
        print(f"aiaudit serve on {audit.name} ({len(audit.read_bytes()):,} bytes): start-up to first page {ready:.0f} ms")

        def page(path: str):
            def get():
                status, _, body = s.request("GET", base + path)
                assert status == 200, (path, status)
                return body

            return get

        rows: list[tuple[str, list[float]]] = []
        page("/item/TR-10")()  # warm: templates compiled, catalog loaded
        for label, path in [
            ("overview (fill in)", "/"),
            ("item page", "/item/TR-10"),
            ("review page", "/review"),
            ("live panel, file unchanged", "/live"),
            ("report HTML", "/report.html"),
        ]:
            rows.append((label, timed(page(path), args.runs)))

        items = ["TR-10", "TR-11"]
        counter = [0]

        def save(upload: bool):
            def post():
                n = counter[0]
                counter[0] += 1
                item = items[n % 2]
                form = page(f"/item/{item}")().decode("utf-8")
                revision = re.search(r'name="revision" value="([^"]*)"', form).group(1)
                csrf = re.search(r'name="csrf-token" content="([^"]*)"', form).group(1)
                fields = {
                    "csrf": csrf,
                    "revision": revision,
                    "status": "partial" if n % 4 < 2 else "met",
                    "notes": f"Benchmark save {n}: checked against the retrieval log.",
                    "action": "save",
                }
                files = {"upload": (f"bench-{n}.txt", os.urandom(20_000))} if upload else {}
                body, content_type = multipart(fields, files)
                start = time.perf_counter()
                status, _, _ = s.request(
                    "POST", f"{base}/item/{item}", body, {"Content-Type": content_type, "Origin": f"http://{s.host}:{s.port}"}
                )
                spent = (time.perf_counter() - start) * 1000
                assert status == 303, status
                return spent

            return post

        for label, upload in (("save an answer (POST, redirect)", False), ("save with a 20 kB upload", True)):
            rows.append((label, [save(upload)() for _ in range(args.runs)]))

        def pdf_after_save():
            save(False)()  # a changed file: the PDF is rendered again
            start = time.perf_counter()
            page("/report.pdf")()
            return (time.perf_counter() - start) * 1000

        rows.append(("report PDF (after a change)", [pdf_after_save() for _ in range(args.pdf_runs)]))
        rows.append(("report PDF again (file unchanged)", timed(page("/report.pdf"), args.runs)))

        width = max(len(label) for label, _ in rows)
        print(f"{'':{width}}  {'median':>8}  {'min':>8}  {'max':>8}  runs")
        for label, values in rows:
            print(f"{label:{width}}  {statistics.median(values):8.1f}  {min(values):8.1f}  {max(values):8.1f}  {len(values)}")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
