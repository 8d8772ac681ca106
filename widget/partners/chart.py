"""Draw signatures per day as a small SVG bar chart on the server, every text escaped."""

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 400, 160, 22
COLORS = {"counted": "#1d5fa8", "unconfirmed": "#9ab6d8"}


def bar_chart(days, label):
    """Return an inline SVG of stacked bars: days is [(day, counted, unconfirmed), ...]."""
    top = max((counted + unconfirmed for _, counted, unconfirmed in days), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(days), 1)
    scale = (HEIGHT - 2 * PAD) / top
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="{escape(label)}">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"'
        ' stroke="#5a6472" stroke-width="1"/>',
        f'<text x="{PAD}" y="{PAD - 8}" font-size="13" fill="#3b4350">{top}</text>',
    ]
    for index, (day, counted, unconfirmed) in enumerate(days):
        x = PAD + index * step + step * 0.1
        base = HEIGHT - PAD
        for kind, value in (("counted", counted), ("unconfirmed", unconfirmed)):
            height = value * scale
            base -= height
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{step * 0.8:.1f}"'
                    f' height="{height:.1f}" fill="{COLORS[kind]}">'
                    f"<title>{escape(day)}: {value} {escape(kind)}</title></rect>"
                )
    if days:
        for text, anchor, x in ((days[0][0], "start", PAD), (days[-1][0], "end", WIDTH - PAD)):
            parts.append(
                f'<text x="{x}" y="{HEIGHT - 6}" font-size="13" text-anchor="{anchor}"'
                f' fill="#3b4350">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every interpolated text is escaped above)
