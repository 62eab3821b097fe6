"""A person's wait in the browser, split into the service's share and the UI's: shared by the real-browser test
(tests/ui/test_browser.py) and the benchmark (eval/bench_browser.py).

`ServiceClock` wraps the service's ASGI app and records when each request ran; `Stopwatch` times a browser action
from the moment it is taken to the moment its content is on screen (a condition evaluated in the page every 20 ms)
and asks the clock how much of that window the service was busy. Whatever is left is the UI's: the Streamlit
script, the websocket, the page's rendering.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

POLL_S = 0.02  # WebDriverWait polls every 0.5 s by default: too coarse for a 0.5 s target
MAX_SPANS = 20_000  # a walk makes a few hundred requests; the clock never grows without bound


class ServiceClock:
    """ASGI middleware that keeps (start, end) of every HTTP request on `time.perf_counter`'s clock."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.spans: deque[tuple[float, float, str]] = deque(maxlen=MAX_SPANS)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.spans.append((started, time.perf_counter(), f"{scope['method']} {scope['path']}"))

    def busy(self, start: float, end: float) -> float:
        """Seconds within [start, end] during which at least one request was being served (overlaps counted once)."""
        clipped = sorted((max(a, start), min(b, end)) for a, b, _ in list(self.spans) if b > start and a < end)
        total, reach = 0.0, start
        for a, b in clipped:
            if b > reach:
                total += b - max(a, reach)
                reach = b
        return total

    def calls(self, start: float, end: float) -> list[str]:
        """The requests served within [start, end], with their milliseconds: what an action cost the service."""
        return [f"{what} {1000 * (b - a):.0f} ms" for a, b, what in list(self.spans) if b > start and a < end]


@dataclass
class Timing:
    action: str
    total_s: float
    service_s: float
    calls: list[str]

    @property
    def ui_s(self) -> float:
        return max(self.total_s - self.service_s, 0.0)


class Stopwatch:
    """Times browser actions against the service's clock; `timings` keeps them in order."""

    def __init__(self, browser: Any, clock: ServiceClock | None, timeout_s: float = 90.0) -> None:
        self.browser = browser
        self.clock = clock
        self.timeout_s = timeout_s
        self.timings: list[Timing] = []

    def time(self, action: str, act: Callable[[], None], shown: str | Callable[[Any], bool]) -> Timing:
        """Run `act`, then wait until `shown` (JavaScript returning a truthy value, or a predicate on the browser)."""
        started = time.perf_counter()
        act()
        self.wait(shown)
        ended = time.perf_counter()
        busy, calls = (self.clock.busy(started, ended), self.clock.calls(started, ended)) if self.clock else (0.0, [])
        timing = Timing(action, ended - started, busy, calls)
        self.timings.append(timing)
        return timing

    def wait(self, shown: str | Callable[[Any], bool]) -> None:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            try:
                done = self.browser.execute_script(shown) if isinstance(shown, str) else shown(self.browser)
            except Exception:  # noqa: BLE001 - an element replaced while it was read: look again
                done = False
            if done:
                return
            time.sleep(POLL_S)
        raise TimeoutError(f"not on screen within {self.timeout_s:.0f} s: {shown if isinstance(shown, str) else 'predicate'}")


def summary(timings: list[Timing]) -> dict[str, Any]:
    """Per action kind (the part of its name before «#»): n, p50 and max of the wait, p50 of the service's share."""
    kinds: dict[str, list[Timing]] = {}
    for t in timings:
        kinds.setdefault(t.action.split("#")[0], []).append(t)
    return {
        kind: {
            "n": len(ts),
            "p50_s": round(statistics.median(t.total_s for t in ts), 3),
            "max_s": round(max(t.total_s for t in ts), 3),
            "service_p50_s": round(statistics.median(t.service_s for t in ts), 3),
            "ui_p50_s": round(statistics.median(t.ui_s for t in ts), 3),
        }
        for kind, ts in kinds.items()
    }


def table(timings: list[Timing]) -> str:
    lines = [f"{'action':<28} {'n':>3} {'p50 s':>7} {'max s':>7} {'service p50':>12} {'UI p50':>8}"]
    for kind, row in summary(timings).items():
        lines.append(f"{kind:<28} {row['n']:>3} {row['p50_s']:>7.3f} {row['max_s']:>7.3f} {row['service_p50_s']:>12.3f} {row['ui_p50_s']:>8.3f}")
    return "\n".join(lines)


def save(timings: list[Timing], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summary(timings), "timings": [asdict(t) | {"ui_s": round(t.ui_s, 4)} for t in timings]},
                               indent=1, ensure_ascii=False))


# -- what «on screen» means, in the page's own terms --------------------------------------------------------
ANSWER_SHOWN = """
const n = arguments[0];
const replies = [...document.querySelectorAll("[data-testid='stChatMessage']")]
  .filter(m => m.querySelector("[data-testid='stChatMessageAvatarAssistant']"));
const r = replies[n - 1];
return !!r && (r.innerText.includes('Nguồn trích dẫn') || r.innerText.includes('Chưa tìm thấy'));
"""


def answers_shown(n: int) -> Callable[[Any], bool]:
    return lambda b: bool(b.execute_script(ANSWER_SHOWN, n))


def text_shown(text: str, selector: str = "body") -> str:
    return f"const e = document.querySelector({json.dumps(selector)}); return !!e && e.innerText.includes({json.dumps(text)});"


def element_shown(selector: str) -> str:
    return f"return !!document.querySelector({json.dumps(selector)});"
