"""Drawn screenshots for the tests: an app's phone screen and a web dashboard, as people upload
them (flat colours, text from edge to edge)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from aytada.providers.textfit import load_font

BRAND = (31, 58, 147)


def phone_screen(
    path: Path, size: tuple[int, int] = (590, 1280), brand: tuple[int, int, int] = BRAND
) -> Path:
    w, h = size
    image = Image.new("RGB", size, (246, 247, 250))
    draw = ImageDraw.Draw(image)
    small, body, title = (
        load_font(round(w * 0.035)),
        load_font(round(w * 0.04)),
        load_font(round(w * 0.06)),
    )
    draw.text((w * 0.06, h * 0.012), "9:41", font=small, fill=(20, 20, 20))
    draw.rectangle((0, h * 0.04, w, h * 0.12), fill=brand)
    draw.text((w * 0.06, h * 0.062), "Stock today", font=title, fill=(255, 255, 255))
    y = h * 0.15
    for item, count in (
        ("Tomatoes", "12 kg"),
        ("Basil", "3 bunches"),
        ("Mozzarella", "8 packs"),
        ("Olive oil", "5 l"),
        ("Flour", "25 kg"),
        ("Eggs", "60"),
    ):
        draw.rounded_rectangle(
            (w * 0.05, y, w * 0.95, y + h * 0.1),
            radius=round(w * 0.03),
            fill=(255, 255, 255),
            outline=(225, 228, 235),
        )
        draw.text((w * 0.1, y + h * 0.033), item, font=body, fill=(30, 30, 40))
        draw.text((w * 0.62, y + h * 0.033), count, font=body, fill=(90, 95, 110))
        y += h * 0.12
    draw.rounded_rectangle(
        (w * 0.1, h * 0.88, w * 0.9, h * 0.94), radius=round(w * 0.05), fill=BRAND
    )
    draw.text((w * 0.3, h * 0.897), "Order what's low", font=body, fill=(255, 255, 255))
    image.save(path)
    return path


def laptop_screen(path: Path, size: tuple[int, int] = (1440, 900)) -> Path:
    w, h = size
    image = Image.new("RGB", size, (250, 250, 252))
    draw = ImageDraw.Draw(image)
    body, title = load_font(round(h * 0.028)), load_font(round(h * 0.045))
    draw.rectangle((0, 0, w * 0.16, h), fill=(24, 30, 48))
    for i, label in enumerate(("Dashboard", "Stock", "Orders", "Suppliers", "Reports")):
        draw.text((w * 0.02, h * (0.1 + i * 0.07)), label, font=body, fill=(220, 225, 240))
    draw.text((w * 0.2, h * 0.05), "This week's waste: down 38%", font=title, fill=(20, 20, 30))
    for i in range(3):
        x0 = w * (0.2 + i * 0.26)
        draw.rounded_rectangle(
            (x0, h * 0.15, x0 + w * 0.23, h * 0.32),
            radius=12,
            fill=(255, 255, 255),
            outline=(220, 223, 230),
        )
        draw.text(
            (x0 + 20, h * 0.18), ("Spoiled", "Counted", "Saved")[i], font=body, fill=(80, 85, 100)
        )
        draw.text((x0 + 20, h * 0.24), ("€ 120", "412 items", "€ 1,940")[i], font=title, fill=BRAND)
    for r in range(9):  # a table
        y = h * (0.38 + r * 0.065)
        draw.line((w * 0.2, y, w * 0.96, y), fill=(228, 230, 236), width=2)
        for c, cell in enumerate(("Tomatoes", "12 kg", "Low", "Tue")):
            draw.text((w * (0.21 + c * 0.19), y + h * 0.015), cell, font=body, fill=(40, 40, 50))
    image.save(path)
    return path
