"""Screenshots shown as devices: a phone around a tall screenshot, a laptop under a wide one.

A campaign for an app or a web service often has screenshots rather than product photos. Cut out
like a bottle, a screenshot falls apart into floating words; shown as a bare card it reads as a
picture of a page. :func:`screenshot_kind` tells a screenshot from a photo (a screen's aspect
ratio, flat colours, and detail spread across its whole width and height, where a product photo's
detail is one shape in the middle), and :func:`mock_up` draws the device around it (RGBA, the
device's own shape, ready for a drop shadow).
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw, ImageStat

PHONE_ASPECT = 1.7  # a portrait screenshot at least this tall for its width is a phone's
LAPTOP_ASPECTS = (1.4, 1.85)  # a landscape screenshot this wide for its height is a laptop's
_GRID = (6, 10)  # columns × rows the detail is looked for in (rows × columns when landscape)
_DETAIL = 10.0  # a cell's grey-level spread above this has content (text, icons, pictures)
_FLAT = 0.4  # at least this share of neighbouring pixels are the same colour (UI, not a photo)
BEZEL = (17, 18, 22)
BODY = (198, 201, 208)  # the laptop's base


def _flatness(image: Image.Image) -> float:
    """The share of horizontally neighbouring pixels within 2 grey levels of each other."""
    grey = image.convert("L")
    grey.thumbnail((240, 240), Image.Resampling.NEAREST)
    if grey.width < 2:
        return 0.0
    left = grey.crop((0, 0, grey.width - 1, grey.height))
    right = grey.crop((1, 0, grey.width, grey.height))
    same = ImageChops.difference(left, right).point(lambda v: 255 if v <= 2 else 0)
    return ImageStat.Stat(same).mean[0] / 255


def _spread(image: Image.Image, columns: int, rows: int) -> tuple[float, float]:
    """(share of columns, share of rows) of a ``columns`` × ``rows`` grid with content."""
    grey = image.convert("L").resize((columns * 16, rows * 16), Image.Resampling.BOX)
    busy = [
        [ImageStat.Stat(grey.crop((c * 16, r * 16, c * 16 + 16, r * 16 + 16))).stddev[0] > _DETAIL
         for c in range(columns)]
        for r in range(rows)
    ]  # fmt: skip
    cols = sum(1 for c in range(columns) if sum(busy[r][c] for r in range(rows)) >= 2) / columns
    rows_with = sum(1 for r in range(rows) if any(busy[r])) / rows
    return cols, rows_with


def screenshot_kind(image: Image.Image) -> str:
    """ "phone" or "laptop" when ``image`` looks like a screenshot of one, else ""."""
    w, h = image.size
    if w < 8 or h < 8:
        return ""
    if h / w >= PHONE_ASPECT:
        kind, columns, rows = "phone", *_GRID
    elif LAPTOP_ASPECTS[0] <= w / h <= LAPTOP_ASPECTS[1]:
        kind, columns, rows = "laptop", _GRID[1], _GRID[0]
    else:
        return ""
    if _flatness(image) < _FLAT:
        return ""
    across, down = _spread(image, columns, rows)
    return kind if across >= 0.8 and down >= 0.6 else ""


def _rounded(size: tuple[int, int], radius: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius, fill=255)
    return mask


def mock_up(screenshot: Image.Image, kind: str) -> Image.Image:
    """``screenshot`` on the screen of a ``kind`` ("phone" or "laptop") device, RGBA."""
    shot = screenshot.convert("RGB")
    w, h = shot.size
    if kind == "phone":
        bezel = max(4, round(w * 0.035))
        outer = (w + 2 * bezel, h + 2 * bezel)
        device = Image.new("RGBA", outer, (0, 0, 0, 0))
        device.paste((*BEZEL, 255), (0, 0), _rounded(outer, round(outer[0] * 0.13)))
        device.paste(shot, (bezel, bezel), _rounded((w, h), round(w * 0.1)))
        pill_w, pill_h = round(w * 0.26), max(3, round(w * 0.055))  # the camera's island
        top = bezel + round(w * 0.03)
        ImageDraw.Draw(device).rounded_rectangle(
            ((outer[0] - pill_w) // 2, top, (outer[0] + pill_w) // 2, top + pill_h),
            pill_h // 2, fill=(*BEZEL, 255),
        )  # fmt: skip
        return device
    if kind != "laptop":
        raise ValueError(f"unknown device {kind!r}")
    bezel = max(4, round(w * 0.025))
    screen = (w + 2 * bezel, h + 2 * bezel + round(w * 0.012))  # a thicker chin
    base_h = max(4, round(w * 0.035))
    overhang = round(w * 0.07)
    outer = (screen[0] + 2 * overhang, screen[1] + base_h)
    device = Image.new("RGBA", outer, (0, 0, 0, 0))
    lid = _rounded(screen, round(w * 0.03))
    lid.paste(255, (0, screen[1] // 2, screen[0], screen[1]))  # square bottom corners
    device.paste((*BEZEL, 255), (overhang, 0), lid)
    device.paste(shot, (overhang + bezel, bezel))
    draw = ImageDraw.Draw(device)
    draw.rounded_rectangle((0, screen[1], outer[0] - 1, outer[1] - 1), base_h // 2,
                           fill=(*BODY, 255))  # fmt: skip
    notch = round(w * 0.16)  # the finger groove to open the lid
    draw.rounded_rectangle(((outer[0] - notch) // 2, screen[1], (outer[0] + notch) // 2,
                            screen[1] + max(2, base_h // 3)), max(1, base_h // 6),
                           fill=(150, 153, 160, 255))  # fmt: skip
    return device
