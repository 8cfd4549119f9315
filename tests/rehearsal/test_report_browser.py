"""report.html seen in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

A few lines of CDP over the `websockets` client (already a dev dependency) instead of selenium or playwright:
no driver binary and no browser download. The screenshot is kept in tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from bot.rehearsal.report_html import write_html

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).parent / "data" / "sample_report.json"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
START_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 30.0

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: `apt-get install -y chromium` (.ci/run does)"
)


class Cdp:
    """One page's DevTools connection: send commands, keep every event for later checks."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=LOAD_TIMEOUT_S))
            if msg.get("id") == self._next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            self.events.append(msg)

    def wait_for(self, method: str) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv(timeout=LOAD_TIMEOUT_S))
            self.events.append(msg)
            if msg.get("method") == method:
                return
        raise TimeoutError(method)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (e.g. an image that failed to load)."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args")))
            elif method == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found


def _devtools_port(profile: Path, proc: subprocess.Popen[bytes]) -> int:
    """Chromium writes the port it picked (--remote-debugging-port=0) into the profile's DevToolsActivePort."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text().splitlines()[0])
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")


@pytest.fixture
def page() -> Iterator[Cdp]:
    profile = Path(tempfile.mkdtemp(prefix="coach-chromium-"))
    proc = subprocess.Popen(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
            "--window-size=1280,1000", "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port = _devtools_port(profile, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        with connect(ws_url, max_size=None, open_timeout=10) as ws:
            yield Cdp(ws)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def test_report_renders_in_chromium(page: Cdp, tmp_path: Path) -> None:
    report = json.loads(SAMPLE.read_text(encoding="utf-8"))
    html_path = write_html(report, tmp_path)
    for domain in ("Page", "Runtime", "Log"):
        page.call(f"{domain}.enable")
    page.call("Page.navigate", url=html_path.as_uri())
    page.wait_for("Page.loadEventFired")

    state = page.call(
        "Runtime.evaluate",
        expression="""JSON.stringify({
            title: document.title,
            sections: [...document.querySelectorAll('section')].map(s => s.id),
            images: [...document.images].map(i => ({complete: i.complete, w: i.naturalWidth, h: i.naturalHeight})),
            height: document.body.scrollHeight})""",
        returnByValue=True,
    )["result"]["value"]
    seen = json.loads(state)
    shot = base64.b64decode(page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])
    ARTIFACTS.mkdir(exist_ok=True)
    shot_path = ARTIFACTS / "report_html.png"
    shot_path.write_bytes(shot)
    print(f"screenshot of report.html: {shot_path}")

    assert seen["title"] == "Rehearsal report: default.yaml"
    assert "warnings" in seen["sections"] and "chart-sentiment" in seen["sections"]
    assert len(seen["images"]) == 6
    assert all(img["complete"] and img["w"] > 0 and img["h"] > 0 for img in seen["images"]), seen["images"]
    assert seen["height"] > 1000, "the page laid out its tables and charts"
    assert page.errors() == []
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000


def test_the_checks_catch_a_broken_image_and_a_console_error(page: Cdp, tmp_path: Path) -> None:
    """The browser checks above can fail: a corrupt image has naturalWidth 0 and console.error is reported."""
    broken = tmp_path / "broken.html"
    broken.write_text('<img src="data:image/png;base64,AAAA"><script>console.error("boom")</script>')
    for domain in ("Page", "Runtime", "Log"):
        page.call(f"{domain}.enable")
    page.call("Page.navigate", url=broken.as_uri())
    page.wait_for("Page.loadEventFired")
    width = page.call("Runtime.evaluate", expression="document.images[0].naturalWidth", returnByValue=True)
    assert width["result"]["value"] == 0
    assert any("boom" in e for e in page.errors())
