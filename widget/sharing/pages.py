"""Trim the stylesheet the embedded thank-you page inlines to the rules it can use."""

import re

# Rules for what only the sign form and the full pages show; every other rule is kept, new
# ones included. The embed inlines its stylesheet (one request), and the thank-you page with
# its share step must stay under 10 KB.
NOT_ON_THANKS = re.compile(
    r"^(?:@media [^{]*\{)?(?:\.field|\.row|\.check|\.error|\.notice|\.hp|\.background|\.footnote"
    r"|\.closed|\.links|footer|pre,textarea|\.layout|\.sign\{|\.org|\.target"
    r"|\.statement|\.languages|button\.copy|button\[disabled\]|body\.embed \.statement)"
)


def thanks_css(css):
    """Return the stylesheet's rules (one per line) that a thank-you page may use."""
    return "\n".join(line for line in css.splitlines() if not NOT_ON_THANKS.match(line))
