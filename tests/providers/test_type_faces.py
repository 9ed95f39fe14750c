"""Type: each creative style's pairing, and every script set in a face that draws it (Chinese,
Japanese and Korean in Noto Sans CJK; what no face draws left out, never drawn as boxes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.providers import caption_track, textfit
from aytada.providers.base import CaptionStyle, ImageRequest
from aytada.providers.offline.images import PillowImages
from aytada.providers.type_pairing import PAIRINGS, face_of
from aytada.vocabulary import CREATIVE_STYLES

SIZE = (540, 960)


def _compose(layout: str, **more: object):  # type: ignore[no-untyped-def]
    request = {"prompt": "p", "width": SIZE[0], "height": SIZE[1], "title": "Ledgerly",
               "brand_name": "Ledgerly", "caption": "Still lose money to spoiled stock?",
               "colors": ("#1F3A93", "#F5B041"), "seed": 3, "layout": layout,
               "call_to_action": "Start your free 14-day trial",
               "destination": "ledgerly.app"}  # fmt: skip
    request.update(more)
    return PillowImages().compose(ImageRequest(**request))  # type: ignore[arg-type]


def _boxes(text: str, face: str) -> int:
    """How many of ``text``'s characters ``face`` draws as its missing-glyph box."""
    font = textfit.load_font(40, face)
    missing = font.getmask("\U0010fffd")
    missing_sig = (missing.size, bytes(missing))
    return sum(
        1
        for ch in text
        if not ch.isspace() and (font.getmask(ch).size, bytes(font.getmask(ch))) == missing_sig
    )


def test_every_face_is_installed() -> None:
    # scripts/system-packages.sh installs them (CI runs it): a missing one would set every ad in
    # the shipped font and leave Chinese, Japanese and Korean out
    assert textfit.missing_faces() == []


def test_every_style_has_a_pairing_of_two_faces() -> None:
    for style in CREATIVE_STYLES:
        display, text = face_of("line", style), face_of("kicker", style)
        assert display in textfit.FACES and text in textfit.FACES
        assert (display, text) in PAIRINGS.values()
    assert face_of("cta", "Direct Response") == "league-spartan-bold"
    assert face_of("destination", "Luxury") == "lato-bold"


@pytest.mark.parametrize(
    ("style", "line", "kicker"),
    [("Direct Response", "league-spartan-bold", "inter-semibold"),
     ("Educational", "inter-extrabold", "inter-semibold"),
     ("Luxury", "lato-black", "lato-bold"),
     ("", "", "")],
)  # fmt: skip
def test_a_still_sets_its_line_and_kicker_in_the_styles_pairing(
    style: str, line: str, kicker: str
) -> None:
    hero = _compose("hero", style=style)
    assert hero.text_layers["line"].face == line
    assert hero.text_layers["kicker"].face == kicker
    end = _compose("end_card", style=style)
    assert end.text_layers["cta"].face == line
    assert end.texts["cta"] == "Start your free 14-day trial"  # every word, in that face
    assert hero.problems == [] and end.problems == []


@pytest.mark.parametrize(
    ("text", "face"),
    [("肌が明るくなる美容液。毎朝30秒だけ。", "cjk-jp"), ("让肌肤焕发光彩的精华液", "cjk-sc"),
     ("빛나는 피부를 위한 세럼", "cjk-kr")],
)  # fmt: skip
def test_chinese_japanese_and_korean_are_set_whole_in_their_face(text: str, face: str) -> None:
    hero = _compose("hero", caption=text, title="Lumi", style="Direct Response")
    layer = hero.text_layers["line"]
    assert layer.face == face
    assert layer.text == text  # nothing left out, no space added
    assert _boxes(text, face) == 0
    fitted = textfit.measure(text, 48, 300, face="league-spartan-bold")
    assert fitted.face == face and fitted.width <= 300  # broken between characters
    assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "。、，" for line in fitted.lines)  # no line starts with a stop
    if face == "cjk-kr":  # Korean breaks between its spaced words
        assert all(" ".join(fitted.lines).count(w) for w in text.split())


def test_a_latin_face_lacking_a_script_gives_way_to_one_that_has_it() -> None:
    for text in ("Привет, мир", "Γεια σου", "שלום", "crème brûlée"):
        face = textfit.face_for(text, "league-spartan-bold")
        assert _boxes(text, face) == 0, (text, face)


def test_what_no_face_draws_is_left_out_with_its_marks() -> None:
    assert textfit.drawable("Glow ✨ serum 🍵") == "Glow ✨ serum 🍵"  # colour emoji are drawn
    assert textfit.drawable("ሰላም ตัวอย่าง") == "ตัวอย่าง"  # Ethiopic: no installed face
    assert textfit.drawable("café e\u0301te") == "café e\u0301te"


def test_a_japanese_caption_is_drawn_in_the_japanese_face() -> None:
    words = ["毎朝30秒だけ。"]
    assert caption_track._face(words) == "cjk-jp"
    band = caption_track.Band(y=0, width=540, height=160, font_px=40, text_width=480,
                              anchor="center")  # fmt: skip
    drawing = caption_track.draw_group(words, band, CaptionStyle(style="outline"))
    ink = drawing.getchannel("A").getbbox()
    assert ink is not None and (ink[2] - ink[0]) > 150  # the whole group, not an empty band
    assert _boxes(words[0], "") > 0  # the shipped font would have drawn boxes


def test_a_still_in_japanese_is_saved_with_its_text(tmp_path: Path) -> None:
    still = PillowImages().image(
        ImageRequest(prompt="p", width=SIZE[0], height=SIZE[1], title="ルミ グロウ セラム",
                     brand_name="Lumi", caption="肌が明るくなる美容液", layout="hero",
                     style="Luxury"),
        tmp_path / "jp.png",
    )  # fmt: skip
    from aytada.providers.typography import drawn_texts

    assert drawn_texts(still)["line"] == "肌が明るくなる美容液"


@pytest.mark.parametrize("size", [(1080, 1080), (1200, 628), (300, 250)])
def test_banners_are_set_in_the_styles_pairing_and_japanese_in_its_face(
    size: tuple[int, int],
) -> None:
    from aytada.providers.layout import plan_layout

    words = {"subline": "Count stock in minutes, not hours.", "product_name": "Ledgerly",
             "call_to_action": "Start your free 14-day trial",
             "destination": "ledgerly.app"}  # fmt: skip
    plan = plan_layout(width=size[0], height=size[1], headline="Still lose money to spoiled stock?",
                       style="Direct Response", **words)  # fmt: skip
    assert plan.texts["headline"].face == "league-spartan-bold"
    assert plan.texts["cta"].face == "league-spartan-bold"
    if "subline" in plan.texts:
        assert plan.texts["subline"].face == "inter-semibold"
    jp = plan_layout(width=size[0], height=size[1], headline="肌が明るくなる美容液",
                     style="Direct Response", **words)  # fmt: skip
    assert jp.texts["headline"].face == "cjk-jp"
    assert textfit.join_lines(jp.texts["headline"].lines) == "肌が明るくなる美容液"


@pytest.mark.parametrize(
    ("text", "script_face"),
    [("Ledgerly ช่วยลดของเสียในครัว 30%", "thai"),
     ("Ledgerly से रसोई का कचरा 30% कम करें", "devanagari")],
)  # fmt: skip
def test_thai_or_hindi_among_latin_words_is_drawn_run_by_run_in_faces_that_have_them(
    text: str, script_face: str
) -> None:
    assert textfit.drawable(text) == text  # nothing left out
    face = textfit.face_for(text, "league-spartan-bold")
    assert face == "mix:league-spartan-bold"
    font = textfit.load_font(48, face)
    runs = font.runs(text)  # type: ignore[attr-defined]
    assert "".join(run for run, _ in runs) == text
    assert {f for _, f in runs} == {"league-spartan-bold", script_face}
    for run, run_face in runs:
        assert _boxes(run, run_face) == 0, (run, run_face)  # every letter in a face that has it
    # measured as drawn: the runs side by side
    assert font.getlength(text) == pytest.approx(
        sum(textfit.load_font(48, f).getlength(r) for r, f in runs)
    )
    hero = _compose("hero", caption=text, style="Direct Response")
    assert hero.text_layers["line"].face == face and hero.texts["line"] == text
    assert hero.problems == []
    # drawn on one baseline: the Latin and the script runs share their bottom line
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (1400, 140), 0)
    textfit.draw_text(ImageDraw.Draw(canvas), (10, 10), text, font, fill=255)
    assert canvas.getbbox() is not None
    latin_end = round(textfit.load_font(48, runs[0][1]).getlength("Ledgerly"))
    latin = canvas.crop((10, 0, 10 + latin_end, 140)).getbbox()
    assert latin is not None and 40 < latin[3] < 110


def _no_boxes(text: str, face: str) -> bool:
    """Every character of ``text`` drawn by a face that has it (run by run for a mix)."""
    if face.startswith(textfit.MIXED):
        runs = textfit.load_font(40, face).runs(text)  # type: ignore[attr-defined]
        return all(_boxes(run, run_face) == 0 for run, run_face in runs)
    return _boxes(text, face) == 0


def _emoji_pixels(picture, box) -> int:  # type: ignore[no-untyped-def]
    """How many of ``box``'s pixels are the sparkles' yellow (no brand colour or text is)."""
    raw = picture.convert("RGB").crop(box).tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 200 and 150 < g < 230 and b < 90)


LINES = ["Glow ✨ serum, 20% off 🚀", "肌が明るくなる ✨", "مرحبا بكم ✨", "שלום ✨ Glow"]


@pytest.mark.parametrize("text", LINES)
def test_latin_arabic_hebrew_cjk_and_emoji_are_drawn_in_every_text_path(text: str) -> None:
    from aytada.providers.layout import plan_layout

    # a still's line, and the end card's call to action
    hero = _compose("hero", caption=text, style="Direct Response")
    line = hero.text_layers["line"]
    assert line.text == text and _no_boxes(text, line.face)
    x0, y0, x1, y1 = line.box
    assert _emoji_pixels(hero.image, (x0, y0 - 10, x1, y1 + 10)) > 20  # the sparkles, in colour
    end = _compose("end_card", call_to_action=text, style="Luxury")
    assert end.texts["cta"] == text and _no_boxes(text, end.text_layers["cta"].face)
    # a banner's headline
    plan = plan_layout(width=1080, height=1080, headline=text, product_name="Lumi",
                       call_to_action="Shop now", style="Educational")  # fmt: skip
    headline = plan.texts["headline"]
    assert textfit.join_lines(headline.lines) == text and _no_boxes(text, headline.face)
    # a caption group
    words = text.split()
    face = caption_track._face(words)
    assert _no_boxes(" ".join(words), face)
    band = caption_track.Band(y=0, width=720, height=200, font_px=44, text_width=640,
                              anchor="center")  # fmt: skip
    drawing = caption_track.draw_group(words, band, CaptionStyle())
    assert _emoji_pixels(drawing, (0, 0, 720, 200)) > 20
