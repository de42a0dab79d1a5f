"""Headless Chromium driven through its DevTools protocol on a pipe (`--remote-debugging-pipe`):
no websocket, no package. Chromium reads commands on fd 3 and writes answers on fd 4, each a
JSON text ended by NUL.

`open_page` loads a file with the network off (every request but the page's own file is
failed by the Fetch domain, and the proxy and resolver lead nowhere besides), and records
every request the page made and every one that failed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["Page", "chromium_or_skip", "open_page"]

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
         "--remote-debugging-pipe")
TIMEOUT_S = 60.0


def chromium_or_skip() -> str:
    """Debian's chromium; without it the test is skipped, except under CI, where it must run."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed, and under CI the browser tests must run (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium); CI is not set, so the browser test "
                "is skipped")


class _Pipe:
    def __init__(self, executable: str, profile: str) -> None:
        to_child, self._write = _high_pipe()
        self._read, from_child = _high_pipe()

        def wire() -> None:
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> int:
        """The command sent; its answer arrives among the events."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        sent = self.send(method, session, **params)
        while True:
            answer = self._message()
            if answer.get("id") == sent:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            self.events.append(answer)

    def wait_for(self, method: str) -> dict[str, Any]:
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method:
                    return event
            seen = len(self.events)
            self.events.append(self._message())

    def pump(self, seconds: float) -> None:
        """Read what arrives for a while (late requests, paused fetches)."""
        until = time.monotonic() + seconds
        while True:
            if b"\0" in self._buffer:  # a whole message already read: no select would announce it
                self.events.append(self._message())
            elif time.monotonic() >= until:
                return
            elif select.select([self._read], [], [], max(until - time.monotonic(), 0))[0]:
                self._fill()

    def _message(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while b"\0" not in self._buffer:
            if not select.select([self._read], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise TimeoutError("chromium did not answer")
            self._fill()
        text, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(text))

    def _fill(self) -> None:
        chunk = os.read(self._read, 1 << 20)
        if not chunk:
            raise RuntimeError("chromium closed its pipe")
        self._buffer += chunk

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write)
        os.close(self._read)


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are above 4, so wiring them to 3 and 4 in the child clobbers neither."""
    read, write = os.pipe()
    high = fcntl.fcntl(read, fcntl.F_DUPFD, 10), fcntl.fcntl(write, fcntl.F_DUPFD, 10)
    os.close(read)
    os.close(write)
    return high


@dataclass
class Page:
    browser: _Pipe
    session: str
    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    handled: int = 0

    def evaluate(self, expression: str) -> Any:
        answer = self.browser.call("Runtime.evaluate", self.session, expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def screenshot(self, path: Path, height: int | None = None) -> None:
        """The viewport, or the top `height` pixels of the page at the viewport's width."""
        params: dict[str, Any] = {"format": "png"}
        if height is not None:
            width = self.evaluate("innerWidth")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": width, "height": height,
                                                            "scale": 1})
        data = self.browser.call("Page.captureScreenshot", self.session, **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def pdf(self) -> bytes:
        return base64.b64decode(self.browser.call("Page.printToPDF", self.session)["data"])


def _handle(page: Page) -> None:
    """Fail every paused request but the page itself; note requests and failures. Answering a
    paused request may bring more events: they are handled in the same pass."""
    events = page.browser.events
    while page.handled < len(events):
        event = events[page.handled]
        page.handled += 1
        method, params = event.get("method"), event.get("params", {})
        if method == "Fetch.requestPaused":
            allowed = params["request"]["url"] == page.url
            refusal = {} if allowed else {"errorReason": "InternetDisconnected"}
            page.browser.call("Fetch.continueRequest" if allowed else "Fetch.failRequest", page.session,
                              requestId=params["requestId"], **refusal)
        elif method == "Network.requestWillBeSent":
            page.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            page.failed.append(f"{params.get('type')}: {params.get('errorText')}")


@contextmanager
def open_page(path: Path, width: int = 1280, height: int = 800) -> Iterator[Page]:
    """The file loaded in a fresh profile at `width` x `height` (the fold is at `height`)."""
    executable = chromium_or_skip()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        browser = _Pipe(executable, profile)
        try:
            target = browser.call("Target.createTarget", url="about:blank")["targetId"]
            session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            page = Page(browser, session, path.resolve().as_uri())
            for method in ("Page.enable", "Network.enable", "Runtime.enable"):
                browser.call(method, session)
            browser.call("Fetch.enable", session, patterns=[{"urlPattern": "*"}])
            browser.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                         deviceScaleFactor=1, mobile=False)
            browser.send("Page.navigate", session, url=page.url)  # answered once its request is let through
            _load(page)
            yield page
        finally:
            browser.close()


def _load(page: Page) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not any(e.get("method") == "Page.loadEventFired" for e in page.browser.events):
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not load")
        _handle(page)
        page.browser.pump(0.05)
    page.browser.pump(0.3)
    _handle(page)
