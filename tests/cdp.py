"""A small Chrome DevTools Protocol client for the browser tests: Debian's Chromium, headless.

No chromedriver and no browser download: ``/usr/bin/chromium`` (``scripts/ensure-chromium.sh``)
is started with ``--remote-debugging-port=0``; the port it chose is read from the
``DevToolsActivePort`` file in its user-data-dir, and one WebSocket (the PyPI package
``websocket-client``) carries every command, pages being attached as flat sessions.

    with Browser.start(user_data_dir=tmp) as browser, browser.page(file_url(path)) as page:
        page.evaluate("document.title")
        page.console_errors, page.requests   # what the page logged and asked for
        page.click("table.cb-interactive th")
        page.screenshot(tmp / "page.png")

Every wait has a timeout; a page that hangs fails with `CDPTimeout` naming what it waited for.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import websocket

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0", "--window-size=1100,1400", "--hide-scrollbars",
)
TIMEOUT = 30.0


class CDPError(RuntimeError):
    """The browser answered a command with an error, or a script threw."""


class CDPTimeout(CDPError):
    """The browser did not answer or send the awaited event in time."""


def file_url(path: Path) -> str:
    """The ``file://`` URL of a file on disk."""
    return Path(path).resolve().as_uri()


class Browser:
    """One headless Chromium and the WebSocket to it; `page` opens a tab."""

    def __init__(self, process: subprocess.Popen, socket: websocket.WebSocket, user_data_dir: Path) -> None:
        self.process = process
        self.user_data_dir = user_data_dir
        self._socket = socket
        self._next_id = 0
        # events not yet read by their page, by session id (None: the browser's own)
        self._events: dict[str | None, list[dict[str, Any]]] = {}
        self._listeners: dict[str, Callable[[dict[str, Any]], None]] = {}

    @classmethod
    def start(cls, executable: Path = CHROMIUM, *, user_data_dir: Path, timeout: float = TIMEOUT) -> Browser:
        """Start `executable` headless with a fresh profile in `user_data_dir` and connect to it."""
        executable = Path(executable)
        if not os.access(executable, os.X_OK):
            raise FileNotFoundError(f"{executable} is not installed: run scripts/ensure-chromium.sh")
        user_data_dir = Path(user_data_dir)
        user_data_dir.mkdir(parents=True, exist_ok=True)
        log = (user_data_dir / "chromium.log").open("wb")
        process = subprocess.Popen(
            [str(executable), *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        try:
            port, path = _devtools_address(user_data_dir / "DevToolsActivePort", process, timeout)
            socket = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=timeout,
                                                 suppress_origin=True)
        except BaseException:
            _stop(process, grace=0)
            raise
        return cls(process, socket, user_data_dir)

    # -- pages --------------------------------------------------------------------------------

    def page(self, url: str, *, color_scheme: str | None = None, media: str | None = None,
             timeout: float = TIMEOUT) -> Page:
        """A new tab that loads `url` (waiting for its load event), recording from the first request.

        `color_scheme` (``"dark"``/``"light"``) and `media` (``"print"``) emulate the
        reader's settings before the page loads.
        """
        target = self.send("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                            timeout=timeout)["sessionId"]
        page = Page(self, session, target)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable", timeout=timeout)
        if color_scheme or media:
            features = [{"name": "prefers-color-scheme", "value": color_scheme}] if color_scheme else []
            page.send("Emulation.setEmulatedMedia", {"media": media or "", "features": features}, timeout=timeout)
        page.goto(url, timeout=timeout)
        return page

    # -- the protocol ---------------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None,
             timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send a command and wait for its answer (events read meanwhile are kept for their page)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        answer = self._read_until(lambda m: m.get("id") == message["id"], timeout, f"the answer to {method}")
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error'].get('message')} {answer['error'].get('data', '')}".strip())
        return answer.get("result", {})

    def wait_for(self, event: str, *, session: str | None, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first event `event` of `session`, read now or already received."""
        kept = self._events.get(session, [])
        for i, message in enumerate(kept):
            if message["method"] == event:
                return kept.pop(i)["params"]
        found = self._read_until(lambda m: m.get("method") == event and m.get("sessionId") == session, timeout,
                                 f"the event {event}")
        return found["params"]

    def events(self, session: str | None, *, settle: float = 0.0) -> list[dict[str, Any]]:
        """Every event of `session` received so far (after reading for `settle` seconds more)."""
        self._drain(settle)
        return list(self._events.get(session, []))

    def _read_until(self, wanted: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CDPTimeout(f"no {what} from chromium within {timeout:g} s")
            self._socket.settimeout(remaining)
            try:
                message = json.loads(self._socket.recv())
            except websocket.WebSocketTimeoutException:
                raise CDPTimeout(f"no {what} from chromium within {timeout:g} s") from None
            if wanted(message):
                return message
            self._keep(message)

    def _drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            self._socket.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self._keep(json.loads(self._socket.recv()))
            except websocket.WebSocketTimeoutException:
                return
            if time.monotonic() >= deadline:
                return

    def _keep(self, message: dict[str, Any]) -> None:
        if "method" not in message:
            return  # the answer to a command nobody waits for (a dialog dismissed)
        session = message.get("sessionId")
        self._events.setdefault(session, []).append(message)
        if message["method"] == "Page.javascriptDialogOpening" and session is not None:
            # a page that opens alert() would hang every later command: dismiss it, the page records it
            self._next_id += 1
            self._socket.send(json.dumps({"id": self._next_id, "method": "Page.handleJavaScriptDialog",
                                          "params": {"accept": False}, "sessionId": session}))

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the browser and make sure its process (and its children) are gone."""
        with contextlib.suppress(CDPError, OSError, websocket.WebSocketException):
            self.send("Browser.close", timeout=5)
        try:
            self._socket.close()
        finally:
            _stop(self.process)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Page:
    """A tab: run scripts, click, type, take screenshots; what it logged and requested."""

    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = TIMEOUT) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def goto(self, url: str, *, timeout: float = TIMEOUT) -> None:
        """Load `url` and wait for its load event."""
        answer = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if answer.get("errorText"):
            raise CDPError(f"{url}: {answer['errorText']}")
        self.browser.wait_for("Page.loadEventFired", session=self.session, timeout=timeout)

    # -- what the page did ----------------------------------------------------------------------

    @property
    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries and dialogs, as text."""
        errors = []
        for event in self.browser.events(self.session, settle=0.1):
            method, params = event["method"], event["params"]
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                     for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(f"log: {params['entry'].get('text', '')} {params['entry'].get('url', '')}".strip())
            elif method == "Page.javascriptDialogOpening":
                errors.append(f"dialog: {params.get('type')}: {params.get('message')}")
        return errors

    @property
    def requests(self) -> list[str]:
        """The URL of every request the page sent (Network.requestWillBeSent), in order."""
        return [event["params"]["request"]["url"] for event in self.browser.events(self.session, settle=0.1)
                if event["method"] == "Network.requestWillBeSent"]

    # -- acting on the page -----------------------------------------------------------------------

    def evaluate(self, expression: str, *, timeout: float = TIMEOUT) -> Any:
        """The value of a JavaScript expression (promises awaited); a thrown error is a `CDPError`."""
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True, "userGesture": True}, timeout=timeout)
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            raise CDPError(f"{expression[:200]}: {details.get('exception', {}).get('description', details['text'])}")
        return answer["result"].get("value")

    def click(self, selector: str, index: int = 0) -> None:
        """A real mouse click (pressed and released) on the middle of the `index`-th match of `selector`."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelectorAll({json.dumps(selector)})[{index}];"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if box is None:
            raise CDPError(f"nothing matches {selector!r} (#{index}) to click")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def type(self, selector: str, text: str, index: int = 0) -> None:
        """Focus the `index`-th match of `selector` and type `text` as a keyboard would insert it."""
        focused = self.evaluate(f"(() => {{ const e = document.querySelectorAll({json.dumps(selector)})[{index}];"
                                " if (!e) return false; e.focus(); return document.activeElement === e; })()")
        if not focused:
            raise CDPError(f"nothing matches {selector!r} (#{index}) to type into")
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the page (all of it when `full_page`), written to `path`."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params |= {"captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}}
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=10)
        finally:
            self.browser._events.pop(self.session, None)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- helpers -----------------------------------------------------------------------------------------


def _devtools_address(file: Path, process: subprocess.Popen, timeout: float) -> tuple[int, str]:
    """(port, browser WebSocket path) from the DevToolsActivePort file chromium writes when ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (file.parent / "chromium.log").read_text(errors="replace")[-2000:]
            raise CDPError(f"chromium exited with code {process.returncode} before listening:\n{log}")
        lines = file.read_text().split() if file.exists() else []
        if len(lines) >= 2:
            return int(lines[0]), lines[1]
        time.sleep(0.05)
    raise CDPTimeout(f"chromium wrote no {file.name} within {timeout:g} s")


def _stop(process: subprocess.Popen, *, grace: float = 5.0) -> None:
    """Stop the browser's process group (our own: started in a new session, so its id is the
    browser's pid) once the browser has had `grace` seconds to exit, and reap the browser."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break  # the whole group is gone
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and _group_alive(process.pid):
            process.poll()
            time.sleep(0.05)
    process.wait(timeout=5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
