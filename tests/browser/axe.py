"""axe-core in the browser tests, from the copy committed under tests/browser/vendor (axe-core
4.10.2, MPL-2.0, fetched once from the npm registry; nothing downloads at run time).

    assert_no_axe_violations(browser)   # every rule, every impact, on the page shown now
"""

from pathlib import Path

import pytest

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def axe_violations(browser):
    """The page's violations of every axe rule (any impact), as axe reports them."""
    if not browser.execute_script("return typeof window.axe !== 'undefined'"):
        browser.execute_script(AXE_SOURCE)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    return result


def assert_no_axe_violations(browser):
    violations = axe_violations(browser)
    if violations:
        lines = []
        for violation in violations:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']} — {targets}")
        pytest.fail(f"axe-core found {len(violations)} violation(s) on {browser.current_url}:\n" + "\n".join(lines))
