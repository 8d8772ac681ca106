"""Draw a packet's chart of signatures per day as SVG, on our side (no chart service)."""

from markupsafe import Markup, escape

WIDTH, HEIGHT = 680, 220
LEFT, BOTTOM, TOP = 48, 28, 12


def day_chart(days, label):
    """Return an SVG bar chart of [(day, signatures)], labelled for screen readers."""
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    peak = max((count for _, count in days), default=0) or 1
    slot = plot_width / max(len(days), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="100%" role="img" aria-label="{escape(label)}" class="chart">',
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - 8}" y2="{TOP + plot_height}"'
        ' stroke="#444" stroke-width="1"/>',
    ]
    # Gridlines at 0, half and the peak, each where its whole number is (a peak of 1 has no
    # half: two lines, not a second "0").
    for value in sorted({round(peak * fraction) for fraction in (0, 0.5, 1)}):
        y = TOP + plot_height * (1 - value / peak)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="#ccc"'
            ' stroke-width="0.5"/>'
        )
    for index, (_, count) in enumerate(days):
        height = plot_height * count / peak
        parts.append(
            f'<rect x="{LEFT + index * slot + slot * 0.1:.2f}" y="{TOP + plot_height - height:.2f}"'
            f' width="{max(slot * 0.8, 0.5):.2f}" height="{height:.2f}" fill="#1f5f8b"/>'
        )
    # Up to five dates under the axis: the first, the last and evenly between.
    ticks = sorted({round(i * (len(days) - 1) / 4) for i in range(5)}) if days else []
    for index in ticks:
        x = LEFT + (index + 0.5) * slot
        anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
        x = LEFT if anchor == "start" else WIDTH - 8 if anchor == "end" else x
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
            f"{days[index][0].isoformat()}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- built from numbers and escaped text only
