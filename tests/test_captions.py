"""The caption grouping rule (`aytada.captions`): at most six words a group, never across a
sentence or a line, timed to the voice (the engine's word times, or the line's time shared by
word length), every group inside its line."""

from __future__ import annotations

import pytest

from aytada import captions as cap
from aytada.captions import CaptionGroup, caption_groups, group_line

LONG = (
    "Still lose money to spoiled stock every single week? Meet the fridge that tells you "
    "first, before anything goes bad."
)
LINES = [
    {"start": 0.2, "end": 4.1, "text": "Tired of dull skin by noon? GlowCo Glow Serum hydrates."},
    {"start": 5.0, "end": 11.3, "text": LONG},
    {"start": 11.5, "end": 13.0, "text": "Claim 20% off today."},
]


def _words(groups: list[CaptionGroup]) -> list[str]:
    return [w.text for g in groups for w in g.words]


def _check_groups(groups: list[CaptionGroup], lines: list[dict]) -> None:
    """The rule's invariants: ≤ 6 words and ≤ 32 characters a group (a longer single word
    alone), in order, inside their line, back to back within it, its whole time covered."""
    assert groups
    for g in groups:
        assert 1 <= len(g.words) <= cap.MAX_GROUP_WORDS, g.text
        assert len(g.words) == 1 or len(g.text) <= cap.MAX_GROUP_CHARS, g.text
        assert g.start < g.end
    for a, b in zip(groups, groups[1:], strict=False):
        assert a.end <= b.start + 1e-9  # in order, never overlapping
    for line in lines:
        inside = [g for g in groups if line["start"] <= g.start < line["end"]]
        assert inside, line
        assert all(g.end <= line["end"] + 1e-9 for g in inside)  # never past the line's end
        assert inside[0].start == pytest.approx(line["start"], abs=1e-3)
        assert inside[-1].end == pytest.approx(line["end"], abs=1e-3)
        for a, b in zip(inside, inside[1:], strict=False):
            assert a.end == pytest.approx(b.start, abs=1e-3)  # no blink inside a line
        assert " ".join(w.text for g in inside for w in g.words) == " ".join(line["text"].split())


def test_groups_without_engine_timings_follow_the_rule_and_the_timeline() -> None:
    groups = caption_groups(LINES)
    _check_groups(groups, LINES)
    assert all(g.timed for g in groups)
    # a group never spans two sentences
    texts = [g.text for g in groups]
    assert "Tired of dull skin by noon?" in texts
    assert not any("noon? GlowCo" in t or "week? Meet" in t for t in texts)
    # a long sentence breaks at its comma, and never after "to"/"the"/"your"
    assert any(t.endswith("first,") for t in texts)
    assert not any(t.split()[-1].lower() in ("to", "the", "your", "of") for t in texts)


def test_the_line_time_is_shared_by_word_length_with_pauses_at_punctuation() -> None:
    (line,) = group_line("Go hydrated, beautifully soft.", 1.0, 5.0)
    words = line.words
    length = {w.text: w.end - w.start for w in words}
    assert length["Go"] < length["soft."] < length["hydrated,"] < length["beautifully"]
    # a pause after the comma: the next word starts later than the comma word ends
    comma = next(i for i, w in enumerate(words) if w.text == "hydrated,")
    assert words[comma + 1].start - words[comma].end > 0.1
    assert words[0].start == 1.0 and words[-1].end == 5.0
    # the spoken word: back to back over the group, in order, the last until the group's end
    spans = line.spoken()
    assert [i for i, _, _ in spans] == list(range(len(words)))
    assert spans[0][1] == line.start and spans[-1][2] == line.end
    for (_, _, until), (_, start, _) in zip(spans, spans[1:], strict=False):
        assert until == pytest.approx(start, abs=1e-3)


def test_digits_signs_and_addresses_take_the_time_they_take_to_say() -> None:
    (group,) = group_line("Save 20% now", 0.0, 3.0)
    save, pct, now = group.words
    assert pct.end - pct.start > save.end - save.start  # "twenty percent" vs "save"
    (group,) = group_line("Visit lumi.shop/glow", 0.0, 3.0)
    visit, address = group.words
    # "lumi dot shop slash glow": longer than its 12 letters alone would take
    assert (address.end - address.start) / (visit.end - visit.start) > (12 + 1) / (5 + 1) + 0.5


def test_engine_word_times_are_used_when_they_match_the_words() -> None:
    text = "Meet the fridge that tells you first, before anything goes bad."
    said = text.split()
    times = [[w, 2.0 + 0.3 * i, 2.0 + 0.3 * i + 0.25] for i, w in enumerate(said)]
    groups = caption_groups([{"start": 1.9, "end": 6.0, "text": text, "words": times}])
    _check_groups(groups, [{"start": 1.9, "end": 6.0, "text": text}])
    by_word = {w.text: (w.start, w.end) for g in groups for w in g.words}
    assert by_word["fridge"] == (pytest.approx(2.6), pytest.approx(2.85))
    # each group after the first starts when its first word is said; the first at the line
    assert groups[0].start == 1.9
    for g in groups[1:]:
        assert g.start == g.words[0].start
    # the spoken word changes when the engine says the next word starts
    first = groups[0]
    starts = [a for _, a, _ in first.spoken()]
    assert starts == [1.9, *(w.start for w in first.words[1:])]


def test_engine_times_are_clamped_into_the_line_and_kept_in_order() -> None:
    words = [["Shop", 0.5, 1.0], ["now.", 0.8, 9.0]]  # starts early, ends after the line
    (group,) = caption_groups([{"start": 1.0, "end": 2.0, "text": "Shop now.", "words": words}])
    assert [(w.start, w.end) for w in group.words] == [(1.0, 1.0), (1.0, 2.0)]
    assert (group.start, group.end) == (1.0, 2.0)


def test_engine_times_that_do_not_match_the_words_are_estimated_instead() -> None:
    text = "Claim 20% off today."
    bad = [["Claim", 0.0, 0.4], ["twenty", 0.4, 0.8]]  # fewer words than written
    given = caption_groups([{"start": 0.0, "end": 2.0, "text": text, "words": bad}])
    estimated = caption_groups([{"start": 0.0, "end": 2.0, "text": text}])
    assert given == estimated
    # a dash or an emoji is no word the engine says: it takes the time between its neighbours
    times = [["Fresh", 0.0, 0.4], ["fast", 0.5, 0.9]]
    (group,) = caption_groups([{"start": 0, "end": 1, "text": "Fresh — fast 🚀", "words": times}])
    assert [w.text for w in group.words] == ["Fresh —", "fast", "🚀"]
    assert group.words[1].start == 0.5


def test_a_sentence_longer_than_six_words_is_cut_in_similar_parts() -> None:
    text = "one two three four five six seven"
    groups = group_line(text, 0.0, 7.0)
    assert [len(g.words) for g in groups] in ([4, 3], [3, 4])  # never 6 + 1
    long_word = "x" * 50
    (alone,) = group_line(long_word, 0.0, 1.0)
    assert alone.text == long_word


def test_lines_that_overlap_never_show_two_groups_at_once() -> None:
    groups = caption_groups(
        [
            {"start": 0.0, "end": 2.0, "text": "First line here."},
            {"start": 1.5, "end": 3.0, "text": "Second one."},
        ]
    )
    for a, b in zip(groups, groups[1:], strict=False):
        assert a.end <= b.start


def test_bad_rows_are_skipped() -> None:
    groups = caption_groups(
        [
            {"start": 2.0, "end": 1.0, "text": "backwards"},
            {"start": "x", "end": 1.0, "text": "not a number"},
            {"end": 1.0, "text": "no start"},
            {"start": float("nan"), "end": 1.0, "text": "nan"},
            {"start": 0.0, "end": 1.0, "text": "   "},
            "not a row",
            {"start": 0.0, "end": 1.0, "text": "kept", "words": [["kept", "?", None]]},
        ]
    )
    assert [g.text for g in groups] == ["kept"]


def test_scene_captions_are_whole_untimed_groups() -> None:
    groups = cap.scene_groups([(0.0, 5.0, "Grip that holds"), (5.0, 9.0, "  "), (9.0, 12.0, "Go")])
    assert [(g.start, g.end, g.text, g.timed) for g in groups] == [
        (0.0, 5.0, "Grip that holds", False), (9.0, 12.0, "Go", False)]  # fmt: skip
    assert groups[0].spoken() == []  # no word is highlighted
