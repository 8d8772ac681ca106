"""Draw a petition's default link preview card (PNG, with Pillow and DejaVu) and the favicon."""

import io
import os
import tempfile
from pathlib import Path

CARD_SIZE = (1200, 630)  # what Facebook, X and messengers show best
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
BLUE, INK, GREY, WHITE = "#0b57a4", "#1c1f24", "#4a5260", "#ffffff"
MARGIN = 80


def font(size, bold=False):
    """Return DejaVu Sans at size; Pillow's own font where DejaVu is not installed."""
    from PIL import ImageFont  # Pillow is imported when a card is drawn, not at every CLI start

    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def wrap(draw, text, face, width):
    """Split text into lines no wider than width (a word longer than a line gets its own)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=face) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def fitted_title(draw, title, width, height):
    """Return the largest title font (72 down to 36 px) whose lines fit the box, and the lines."""
    for size in range(72, 35, -6):
        face = font(size, bold=True)
        lines = wrap(draw, title, face, width)
        if len(lines) * line_height(face) <= height:
            return face, lines
    fits = max(1, height // line_height(face))
    return face, [*lines[: fits - 1], lines[fits - 1] + "…"] if len(lines) > fits else lines


def line_height(face):
    """Return the distance between two lines of a title in face."""
    return int(face.size * 1.22)


def draw_card(title, organization, call, host):
    """Return PNG bytes of a card: organization, title, a call to sign and our host."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", CARD_SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 24, CARD_SIZE[1]], fill=BLUE)
    width = CARD_SIZE[0] - 2 * MARGIN
    top = MARGIN
    if organization:
        draw.text((MARGIN, top), organization.upper(), font=font(32, bold=True), fill=GREY)
        top += 64
    bottom = CARD_SIZE[1] - MARGIN
    face, lines = fitted_title(draw, title, width, bottom - 72 - 40 - top)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height(face)), line, font=face, fill=INK)
    button = font(36, bold=True)
    left, _, right, _ = draw.textbbox((0, 0), call, font=button)
    draw.rounded_rectangle(
        [MARGIN, bottom - 72, MARGIN + right - left + 64, bottom], radius=12, fill=BLUE
    )
    draw.text((MARGIN + 32, bottom - 36), call, font=button, fill=WHITE, anchor="lm")
    draw.text((CARD_SIZE[0] - MARGIN, bottom - 36), host, font=font(28), fill=GREY, anchor="rm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def cached_card(folder, name, make, replaces=""):
    """Return the card stored as folder/name, drawing it with make() the first time.

    A new card deletes the older ones its `replaces` glob names (a petition's past revisions).
    """
    path = Path(folder) / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: another worker never reads half a card.
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(temporary, path)
    for old in path.parent.glob(replaces) if replaces else ():
        if old.name != name:
            old.unlink(missing_ok=True)
    return data


def draw_favicon():
    """Return a 32 px ICO of our mark: a white tick on the widget's blue."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, 63, 63], radius=12, fill=BLUE)
    draw.line([(16, 34), (28, 46), (48, 20)], fill=WHITE, width=8, joint="curve")
    out = io.BytesIO()
    image.save(out, "ICO", sizes=[(32, 32), (16, 16)])
    return out.getvalue()
