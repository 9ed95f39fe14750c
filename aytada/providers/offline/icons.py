"""One simple icon for a typographic scene: a glyph of Google's Material Icons (Apache-2.0, the
Debian package ``fonts-material-design-icons-iconfont``, which ``scripts/system-packages.sh``
installs) chosen by the words of the scene's line, or a vector shape drawn with Pillow when
the font is not on the machine.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

RGB = tuple[int, int, int]
IntBox = tuple[int, int, int, int]

ICON_FONT_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf"),
)
"""Where the icon font is looked for (the Debian package's file), first found wins."""

CODEPOINTS: dict[str, int] = {
    "auto_awesome": 0xE65F, "bolt": 0xEA0B, "schedule": 0xE8B5, "trending_up": 0xE8E5,
    "groups": 0xF233, "lock": 0xE897, "shield": 0xE9E0, "rocket_launch": 0xEB9B,
    "favorite": 0xE87D, "star": 0xE838, "redeem": 0xE8B1, "sell": 0xF05B,
    "shopping_cart": 0xE8CC, "check_circle": 0xE86C, "task_alt": 0xE2E6, "chat": 0xE0B7,
    "calendar_month": 0xEBCC, "touch_app": 0xE913, "water_drop": 0xE798, "eco": 0xEA35,
    "local_cafe": 0xE541, "insights": 0xF092, "savings": 0xE2EB, "thumb_up": 0xE8DC,
    "local_shipping": 0xE558, "restaurant": 0xE56C, "directions_walk": 0xE536,
    "health_and_safety": 0xE1D5, "inventory_2": 0xE1A1, "phone_iphone": 0xE325,
    "speed": 0xE9E4, "spa": 0xEB4C,
}  # fmt: skip
"""Material Icons code points (from the package's scss/_variables.scss)."""

_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sell", ("off", "discount", "deal", "price", "%", "sale", "code")),
    ("redeem", ("free", "gift", "bonus")),
    ("savings", ("save", "saves", "saving", "money", "budget", "cost", "costs", "cheaper")),
    ("bolt", ("fast", "faster", "quick", "quickly", "instant", "instantly", "energy", "boost")),
    ("schedule", ("minute", "minutes", "hour", "hours", "time", "day", "daily", "week",
                  "seconds", "morning", "night", "late", "overnight")),
    ("calendar_month", ("meeting", "meetings", "calendar", "plan", "planning", "deadline")),
    ("task_alt", ("task", "tasks", "done", "notes", "assigned", "organised", "organized",
                  "checklist", "todo")),
    ("groups", ("team", "teams", "people", "founders", "everyone", "together", "community")),
    ("lock", ("secure", "security", "private", "privacy", "password")),
    ("shield", ("safe", "protect", "protects", "protected", "guarantee")),
    ("trending_up", ("grow", "growth", "sales", "revenue", "more", "increase", "profit")),
    ("rocket_launch", ("start", "launch", "try", "begin", "new", "today")),
    ("star", ("rated", "reviews", "review", "stars", "best", "loved", "favourite")),
    ("chat", ("chat", "message", "messages", "talk", "support", "ask", "reply")),
    ("water_drop", ("hydration", "hydrating", "water", "moisture", "serum", "drop")),
    ("spa", ("skin", "glow", "calm", "relax", "gentle", "soothing")),
    ("local_cafe", ("coffee", "tea", "drink", "kombucha", "brew", "cafe")),
    ("eco", ("natural", "organic", "plant", "green", "eco", "vegan")),
    ("shopping_cart", ("shop", "buy", "order", "cart", "store")),
    ("local_shipping", ("delivery", "delivered", "shipping", "ships")),
    ("restaurant", ("kitchen", "restaurant", "food", "meal", "chef")),
    ("directions_walk", ("walk", "walking", "steps")),
    ("inventory_2", ("stock", "inventory", "spoiled", "waste")),
    ("phone_iphone", ("app", "phone", "mobile")),
    ("health_and_safety", ("health", "dentist", "care", "nervous")),
)  # fmt: skip
_FOR_LAYOUT = {"hero": "auto_awesome", "detail": "check_circle", "context": "insights",
               "end_card": "touch_app"}  # fmt: skip


def icon_for(text: str, layout: str = "") -> str:
    """The icon that suits ``text`` (its first word with a meaning in the table), else the
    layout's own."""
    words = re.findall(r"[a-z]+|%", (text or "").lower())
    for word in words:
        for name, keys in _KEYWORDS:
            if word in keys:
                return name
    return _FOR_LAYOUT.get(layout, "check_circle")


@lru_cache(maxsize=1)
def icon_font_path() -> Path | None:
    """The icon font's file, or None when it is not installed."""
    return next((path for path in ICON_FONT_PATHS if path.is_file()), None)


@lru_cache(maxsize=32)
def _icon_font(size: int) -> ImageFont.FreeTypeFont | None:
    path = icon_font_path()
    return ImageFont.truetype(str(path), size) if path else None


def draw_icon(draw: ImageDraw.ImageDraw, name: str, box: IntBox, color: RGB) -> str:
    """Draw icon ``name`` centred in the square ``box`` in ``color``: the font's glyph, or a
    vector shape without the font. Returns how it was drawn ("font" or "shape")."""
    x0, y0, x1, y1 = box
    side = min(x1 - x0, y1 - y0)
    font = _icon_font(max(8, side))
    if font is not None and name in CODEPOINTS:
        glyph = chr(CODEPOINTS[name])
        left, top, right, bottom = font.getbbox(glyph)
        x = (x0 + x1 - (right - left)) / 2 - left
        y = (y0 + y1 - (bottom - top)) / 2 - top
        draw.text((x, y), glyph, font=font, fill=color)
        return "font"
    _shape(draw, name, ((x0 + x1) / 2, (y0 + y1) / 2), side / 2, color)
    return "shape"


def _shape(
    draw: ImageDraw.ImageDraw, name: str, centre: tuple[float, float], r: float, color: RGB
) -> None:
    """A plain vector stand-in: a bolt, a clock, a rising line, a star or a tick in a ring."""
    cx, cy = centre
    width = max(2, round(r * 0.16))
    if name == "bolt":
        points = [(0.15, -0.95), (-0.55, 0.12), (-0.05, 0.12), (-0.2, 0.95), (0.55, -0.18),
                  (0.05, -0.18)]  # fmt: skip
        draw.polygon([(cx + x * r, cy + y * r) for x, y in points], fill=color)
    elif name in ("schedule", "calendar_month"):
        draw.ellipse((cx - r * 0.9, cy - r * 0.9, cx + r * 0.9, cy + r * 0.9), outline=color,
                     width=width)  # fmt: skip
        draw.line((cx, cy, cx, cy - r * 0.55), fill=color, width=width)
        draw.line((cx, cy, cx + r * 0.4, cy + r * 0.25), fill=color, width=width)
    elif name in ("trending_up", "insights", "savings"):
        points = [(-0.9, 0.6), (-0.3, 0.0), (0.1, 0.35), (0.8, -0.4)]
        draw.line([(cx + x * r, cy + y * r) for x, y in points], fill=color, width=width,
                  joint="curve")  # fmt: skip
        tip = [(0.9, -0.55), (0.45, -0.55), (0.9, -0.1)]
        draw.polygon([(cx + x * r, cy + y * r) for x, y in tip], fill=color)
    elif name in ("star", "auto_awesome", "favorite", "thumb_up"):
        points = []
        for i in range(10):
            angle = -math.pi / 2 + i * math.pi / 5
            radius = r * (0.95 if i % 2 == 0 else 0.42)
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        draw.polygon(points, fill=color)
    else:  # a tick in a ring
        draw.ellipse((cx - r * 0.9, cy - r * 0.9, cx + r * 0.9, cy + r * 0.9), outline=color,
                     width=width)  # fmt: skip
        tick = [(-0.42, 0.02), (-0.12, 0.32), (0.45, -0.3)]
        draw.line([(cx + x * r, cy + y * r) for x, y in tick], fill=color, width=width,
                  joint="curve")  # fmt: skip
