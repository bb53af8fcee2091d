"""In a real browser (issue 18, point 10): the Content-Security-Policy blocks nothing the pages
use (no violation reported on the pages each role opens first), the tables' script still runs,
and the decision's print button works without an inline handler."""

from tests.browser.test_sign_in import sign_in

PAGES = {
    "officer": ["/", "/situation/", "/demand/requests/", "/allocation/", "/audit/"],
    "logistics": ["/stock/", "/stock/movements", "/supply/orders"],
    "requester": ["/", "/demand/requests/"],
}


def _collect_violations(violations: list[str]):
    def collect(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    return collect


def test_no_page_breaks_the_policy_and_scripts_still_run(new_page, users):
    for username, paths in PAGES.items():
        web = new_page()
        violations: list[str] = []
        web.on("console", _collect_violations(violations))
        sign_in(web, username)
        for path in paths:
            answer = web.goto(path)
            assert answer is not None and answer.status == 200, (username, path)
            assert "script-src 'self'" in answer.headers["content-security-policy"]
            assert answer.headers["cache-control"] == "no-store"
        assert violations == [], (username, violations)


def test_the_print_button_calls_print_through_the_script_file(new_page, users):
    web = new_page()
    sign_in(web, "officer")
    web.goto("/situation/")
    # The same markup as the decision page's button, handled by static/tables.js.
    web.evaluate(
        """() => {
            window.printed = 0;
            window.print = () => { window.printed += 1; };
            const button = document.createElement("button");
            button.setAttribute("data-print", "");
            document.body.append(button);
        }"""
    )
    web.add_script_tag(url="/static/tables.js")
    web.locator("button[data-print]").click()
    assert web.evaluate("window.printed") == 1
