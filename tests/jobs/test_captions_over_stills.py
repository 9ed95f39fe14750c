"""The stitch does not caption words the scene's still already sets large: a typographic
scene's line (no product photo) or the end card's call to action is not said twice on
screen; every other group is burned, and the subtitle files keep them all."""

from __future__ import annotations

from aytada.jobs.steps import _caption_groups

TIMELINE = [
    {"start": 0.2, "end": 2.6, "text": "Still lose money to spoiled stock?"},
    {"start": 3.2, "end": 6.4, "text": "Count your stock from your phone in ten minutes."},
    {"start": 7.1, "end": 9.6, "text": "Start your free 14-day trial at ledgerly.app."},
]
SCENES = [{"caption": "", "duration": 3.0}, {"caption": "", "duration": 4.0},
          {"caption": "", "duration": 3.0}]  # fmt: skip


def _texts(still_words: list[str]) -> list[str]:
    snap = {"timeline": TIMELINE, "scenes": SCENES, "still_words": still_words}
    return [g.text for g in _caption_groups(snap)]


def test_words_a_still_sets_large_are_not_captioned_again() -> None:
    everything = _texts(["", "", ""])
    assert " ".join(everything).startswith("Still lose money")
    shown = _texts(
        ["Still lose money to spoiled stock?", "", "Start your free 14-day trial ledgerly.app"]
    )
    assert not any("spoiled" in t or "trial" in t or "ledgerly" in t for t in shown), shown
    assert any("phone" in t for t in shown)  # the photo scene keeps its captions
    assert len(shown) < len(everything)


def test_a_still_that_says_something_else_keeps_the_captions() -> None:
    assert _texts(["Grip 0", "Grip 1", "Shop now"]) == _texts(["", "", ""])
