"""axe-core in the browser tests: the accessibility rules run against the page as Chromium
renders it. ``vendor/axe.min.js`` is axe-core 4.10.3 (MPL-2.0) from the npm registry, kept in
the repository so that nothing is fetched while the tests run."""

import json
from pathlib import Path

AXE_SOURCE = Path(__file__).with_name("vendor") / "axe.min.js"


def axe_violations(browser, *, context=None):
    """Every axe-core violation on the current page (all impacts), as short readable lines."""
    browser.execute_script(AXE_SOURCE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(arguments[0] || document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'error', help: String(e), nodes: []}])));",
        context,
    )
    return [f"{v['impact']}: {v['id']} – {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3] if n.get('target'))})"
            for v in json.loads(result)]


def assert_accessible(browser):
    violations = axe_violations(browser)
    assert not violations, f"axe-core on {browser.current_url}:\n" + "\n".join(violations)
