"""axe-core in Chromium: the accessibility checks of the browser tests.

Register with ``pytest_plugins = ["tests.support.axe"]``. The ``axe`` fixture (session) is a
callable ``axe(page) -> list[Violation]``: it injects ``node_modules/axe-core/axe.min.js``
(``make npm`` installs it, pinned in package.json) into the page as it stands and runs it with
the WCAG 2.0 and 2.1 A and AA rules. ``blocking(violations)`` keeps the serious and critical
ones; ``describe(violations)`` turns them into a message that names each rule, its impact, what
to fix and the elements that fail it.

Without axe-core (no npm on the machine) the tests that use the fixture skip, and fail under
HUB_TEST_REQUIRE_ALL=1 (tests/services.py).

The hub's Content-Security-Policy allows only ``script-src 'self'``, so an inline script tag
(Playwright's ``add_script_tag(content=...)``) is refused by the page. The source is evaluated
through the DevTools protocol instead, which the page's policy does not govern; the page keeps
its real CSP (no ``bypass_csp``), so what is checked is what a reader gets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.services import require_service

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

RUN_JS = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : String(t)),
      html: n.html, impact: n.impact, summary: n.failureSummary || "",
    })),
  }));
}"""


@dataclass(frozen=True)
class Node:
    target: tuple[str, ...]  # CSS selectors, outermost frame first
    html: str
    impact: str | None
    summary: str  # axe's "Fix any of the following: ..."


@dataclass(frozen=True)
class Violation:
    id: str
    impact: str | None
    help: str
    help_url: str
    nodes: tuple[Node, ...]


class Axe:
    """Runs axe-core on a Playwright page."""

    def __init__(self, source: str, version: str):
        self.source = source
        self.version = version

    def inject(self, page) -> None:
        if page.evaluate("typeof window.axe === 'object'"):
            return
        # A plain expression, not a function: Playwright evaluates it as a script in the page.
        page.evaluate(self.source)
        injected = page.evaluate("window.axe ? window.axe.version : null")
        assert injected == self.version, f"axe-core {self.version} not injected ({injected})"

    def __call__(self, page, tags: tuple[str, ...] = WCAG_TAGS) -> list[Violation]:
        self.inject(page)
        return [
            Violation(
                id=v["id"],
                impact=v["impact"],
                help=v["help"],
                help_url=v["helpUrl"],
                nodes=tuple(
                    Node(
                        target=tuple(n["target"]),
                        html=n["html"],
                        impact=n["impact"],
                        summary=n["summary"],
                    )
                    for n in v["nodes"]
                ),
            )
            for v in page.evaluate(RUN_JS, list(tags))
        ]


def blocking(violations: list[Violation]) -> list[Violation]:
    """The violations a page may not have: serious and critical ones."""
    return [v for v in violations if v.impact in BLOCKING_IMPACTS]


def describe(violations: list[Violation], *, where: str = "") -> str:
    """One paragraph per rule: id, impact, what to do, and each failing element."""
    lines = [f"{len(violations)} axe violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- {v.id} [{v.impact}] {v.help} ({v.help_url})")
        for node in v.nodes:
            lines.append(f"    at {' '.join(node.target)}")
            lines.append(f"       {node.html[:300]}")
            for line in node.summary.splitlines():
                if line.strip():
                    lines.append(f"       {line.strip()}")
    return "\n".join(lines)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def axe() -> Axe:
    require_service(
        "axe-core",
        AXE_JS.is_file(),
        f"{AXE_JS.relative_to(ROOT)} is missing: install Node.js and npm, then run `make npm`",
    )
    pinned = _read_json(ROOT / "package.json")["devDependencies"]["axe-core"]
    installed = _read_json(AXE_JS.parent / "package.json")["version"]
    require_service(
        "axe-core",
        installed == pinned,
        f"node_modules has {installed}, package.json pins {pinned}: run `make npm`",
    )
    return Axe(AXE_JS.read_text(encoding="utf-8"), installed)
