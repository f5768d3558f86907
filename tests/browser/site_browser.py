"""What the browser tests of the site share: a context that keeps every request inside the
site, and axe's serious and critical findings."""

from alliance.assets import asset_path

READY = "body[data-alliance-ready]"


class Offline:
    """A browser context that lets through only requests for the site itself."""

    def __init__(self, browser, base: str, **options):
        self.base = base
        self.leaving: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(accept_downloads=True, **options)
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("blob:") or url.startswith("data:"):
            route.continue_()
        else:
            self.leaving.append(url)
            route.abort()

    def open(self, path: str, ready: bool = True):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.base + path)
        if ready:
            page.wait_for_selector(READY, state="attached", timeout=30_000)
        return page

    def close(self):
        self.context.close()


def axe_violations(page):
    page.add_script_tag(path=str(asset_path("axe.min.js")))
    return page.evaluate(
        """axe.run(document, {resultTypes: ['violations'], preload: false}).then(r => r.violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"""
    )
