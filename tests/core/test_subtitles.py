"""Subtitle files from the voice timeline: the caption groups the video shows (the grouping rule
itself: tests/test_captions.py), their times, SRT/VTT format rules."""

from __future__ import annotations

import re

import pytest

from aytada.captions import caption_groups
from aytada.core import subtitles as sub
from aytada.core.subtitles import Cue

SRT_TIME = r"\d{2}:\d{2}:\d{2},\d{3}"
VTT_TIME = r"\d{2}:\d{2}:\d{2}\.\d{3}"


def _parse(text: str, separator: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of an .srt (",") or .vtt (".") file."""
    out = []
    stamp = rf"(\d\d):(\d\d):(\d\d){re.escape(separator)}(\d\d\d)"
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        m = re.fullmatch(rf"{stamp} --> {stamp}", lines[timing])
        assert m, lines[timing]
        g = [int(x) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        out.append((start, end, "\n".join(lines[timing + 1 :])))
    return out


def test_timestamps_use_a_comma_in_srt_and_a_dot_in_vtt() -> None:
    assert sub.srt_timestamp(0) == "00:00:00,000"
    assert sub.srt_timestamp(3723.4567) == "01:02:03,457"
    assert sub.vtt_timestamp(3723.4567) == "01:02:03.457"
    assert sub.srt_timestamp(59.9996) == "00:01:00,000"  # rounding carries into the minute
    assert sub.vtt_timestamp(-1) == "00:00:00.000"


def test_one_short_line_is_one_cue_at_its_spoken_time() -> None:
    cues = sub.cues_from_timeline([{"start": 0.25, "end": 2.4, "text": "Muddy trail, no problem."}])
    assert cues == [Cue(0.25, 2.4, "Muddy trail, no problem.")]
    srt = sub.to_srt(cues)
    assert srt == "1\n00:00:00,250 --> 00:00:02,400\nMuddy trail, no problem.\n"
    vtt = sub.to_vtt(cues)
    assert vtt == "WEBVTT\n\n00:00:00.250 --> 00:00:02.400\nMuddy trail, no problem.\n"


def test_a_long_line_is_cut_into_the_caption_groups_sharing_its_time() -> None:
    text = ("Trailblazer grips where others slip, on wet rocks and roots, every single "
            "morning of the week, rain or shine.")  # fmt: skip
    cues = sub.cues_from_timeline([{"start": 3.0, "end": 9.0, "text": text}])
    assert len(cues) >= 3
    assert cues[0].start == 3.0 and cues[-1].end == 9.0
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.end == pytest.approx(b.start, abs=0.002)  # back to back, no gap, no overlap
    for cue in cues:
        assert "\n" not in cue.text and len(cue.text.split()) <= 6  # a few words at a time
    # every word said once, in order; a longer cue takes longer to say
    assert " ".join(c.text for c in cues) == text
    longest = max(cues, key=lambda c: len(c.text))
    shortest = min(cues, key=lambda c: len(c.text))
    assert longest.end - longest.start > shortest.end - shortest.start


def test_the_files_carry_the_groups_and_times_of_the_burned_captions() -> None:
    """The .srt and .vtt cues are the caption groups the stitch burns in (one rule:
    `aytada.captions.caption_groups`), with the engine's word times and without."""
    text = "Still lose money to spoiled stock every single week? Meet the fridge first."
    timed = [[w, 1.0 + 0.4 * i, 1.3 + 0.4 * i] for i, w in enumerate(text.split())]
    for line in ({"start": 0.8, "end": 7.5, "text": text},
                 {"start": 0.8, "end": 7.5, "text": text, "words": timed}):  # fmt: skip
        groups = caption_groups([line])
        expected = [(g.start, g.end, g.text) for g in groups]
        assert [(c.start, c.end, c.text) for c in sub.cues_from_timeline([line])] == expected
        for body, sep in ((sub.to_srt(sub.cues_from_timeline([line])), ","),
                          (sub.to_vtt(sub.cues_from_timeline([line])), ".")):  # fmt: skip
            assert [(round(a, 3), round(b, 3), t) for a, b, t in _parse(body, sep)] == expected
    # with the engine's times the second group starts when its first word is said
    with_words = sub.cues_from_timeline([{"start": 0.8, "end": 7.5, "text": text,
                                          "words": timed}])  # fmt: skip
    first_of_second = with_words[1].text.split()[0]
    index = text.split().index(first_of_second)
    assert with_words[1].start == pytest.approx(timed[index][1])


def test_cues_never_overlap_and_stay_inside_their_line() -> None:
    cues = sub.cues_from_timeline(
        [
            {"start": 1.0, "end": 1.1, "text": "Go."},  # as short as it is said: the burned
            {"start": 1.3, "end": 2.0, "text": "Now."},  # caption never runs past its line
            {"start": 5.0, "end": 5.2, "text": "Last."},
        ]
    )
    assert [(c.start, c.end) for c in cues] == [(1.0, 1.1), (1.3, 2.0), (5.0, 5.2)]


def test_bad_timeline_rows_are_skipped() -> None:
    cues = sub.cues_from_timeline(
        [
            {"start": 2.0, "end": 1.0, "text": "backwards"},
            {"start": "x", "end": 1.0, "text": "not a number"},
            {"end": 1.0, "text": "no start"},
            {"start": float("nan"), "end": 1.0, "text": "nan"},
            {"start": 0.0, "end": 1.0, "text": "   "},
            {"start": 0.0, "end": 1.0, "text": "kept"},
        ]
    )
    assert [c.text for c in cues] == ["kept"]
    assert sub.to_srt([]) == "" and sub.to_vtt([]) == "WEBVTT\n"


def test_unicode_text_is_kept_as_written() -> None:
    text = "Café crème, 20 % de réduction — 今すぐ 🚀 Ünïcödé!"
    cues = sub.cues_from_timeline([{"start": 0, "end": 3, "text": text}])
    srt = sub.to_srt(cues)
    vtt = sub.to_vtt(cues)
    joined = " ".join(c.text.replace("\n", " ") for c in cues)
    assert joined == text
    for body in (srt, vtt):
        assert "今すぐ 🚀" in body.replace("\n", " ")
        body.encode("utf-8")  # valid UTF-8 throughout


def test_commas_and_markup_characters_are_escaped_per_format() -> None:
    text = "Save 20% <today> & tomorrow, no --> tricks, 1,000 pairs"
    cues = sub.cues_from_timeline([{"start": 0, "end": 4, "text": text}])
    srt, vtt = sub.to_srt(cues), sub.to_vtt(cues)
    # commas in the text stay commas; the timestamps are what use a comma in SRT
    srt_cues = _parse(srt, ",")
    vtt_cues = _parse(vtt, ".")
    assert [(a, b) for a, b, _ in srt_cues] == [(a, b) for a, b, _ in vtt_cues]
    srt_text = " ".join(t.replace("\n", " ") for *_, t in srt_cues)
    vtt_text = " ".join(t.replace("\n", " ") for *_, t in vtt_cues)
    assert srt_text == "Save 20% <today> & tomorrow, no → tricks, 1,000 pairs"
    assert vtt_text == "Save 20% &lt;today&gt; &amp; tomorrow, no --&gt; tricks, 1,000 pairs"
    # exactly one timing line per cue: a "-->" inside the text cannot fake one
    assert srt.count("-->") == len(srt_cues) and vtt.count("-->") == len(vtt_cues)


def test_line_breaks_and_control_characters_cannot_break_a_cue() -> None:
    text = "First line\n\nsecond block\r\nthird\x00part\tend"
    cues = sub.cues_from_timeline([{"start": 0, "end": 2, "text": text}])
    srt = sub.to_srt(cues)
    assert "\x00" not in srt and "\r" not in srt and "\t" not in srt
    blocks = srt.strip().split("\n\n")  # a blank line inside a cue would end it early
    assert len(blocks) == len(cues) and all(b.count("-->") == 1 for b in blocks)
    parsed = _parse(srt, ",")
    assert " ".join(t for *_, t in parsed) == "First line second block third part end"


def test_srt_numbers_cues_from_one_and_vtt_starts_with_its_header() -> None:
    timeline = [{"start": i * 2.0, "end": i * 2.0 + 1.5, "text": f"Line {i}"} for i in range(3)]
    cues = sub.cues_from_timeline(timeline)
    srt = sub.to_srt(cues)
    assert [b.split("\n")[0] for b in srt.strip().split("\n\n")] == ["1", "2", "3"]
    assert re.search(rf"^{SRT_TIME} --> {SRT_TIME}$", srt, re.MULTILINE)
    vtt = sub.to_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n")
    assert re.search(rf"^{VTT_TIME} --> {VTT_TIME}$", vtt, re.MULTILINE)
    assert [c[:2] for c in _parse(srt, ",")] == [(0.0, 1.5), (2.0, 3.5), (4.0, 5.5)]


def test_a_word_longer_than_a_line_is_still_shown_whole() -> None:
    word = "x" * 100
    cues = sub.cues_from_timeline([{"start": 0, "end": 3, "text": word}])
    assert "".join(c.text.replace("\n", "") for c in cues) == word
    assert all(len(line) <= sub.MAX_LINE_CHARS for c in cues for line in c.text.split("\n"))
