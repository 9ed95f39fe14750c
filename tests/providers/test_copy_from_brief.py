"""Copy written from the brief (issue 21): on campaigns whose audience contradicts their
industry's stereotype, every video, banner and flyer says only what its brief says, the offer
and the proof in Goals are said, and the sentences hold together grammatically across every
stage × style × trigger."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest

from aytada.providers.base import AdCopy, Brief, Script
from aytada.providers.offline import STAGES, STYLES, TRIGGERS, OfflineWriter
from tests.providers.briefs import AGAINST_TYPE, GLOWCO, SHAPES

# Words any ad may use without the brief saying them: calls to action, the styles' few opening
# words, and the joints of a sentence. Kept short on purpose: everything else must be the brief's.
GENERIC = set(
    """meet get start claim shop book try download sign visit call order discover learn find
    today now free trial off code use us your first month week then found introducing enter fix
    problem real talk okay plot twist true story picture honestly worth knowing still this here
    there that's why used wanted needed i me my mine more people who ready offer join explore
    subscribe enroll donate support talk touch quote demo now""".split()
)
FUNCTION = set(
    """a an the of for to with and or but so in on at by from into as than is are was were be
    been being has have had do does did not no you it its they their them we our he she his her
    this that these those what when where which while if because before after up out all any
    every each can can't will would should could may might must just also too very how
    one""".split()
)

# Per campaign: the offer and the proof its Goals state, as words an ad must carry.
MUST_SAY = {
    "kora": (r"SUMMER15", r"4\.7 stars"),
    "ledgerly": (r"free (14-day )?trial", r"900 restaurants"),
    "stride": (r"free (14-day )?trial", r"12,000 reviews"),
    "bright_smile": (r"whitening kit", None),
    "grafter": (r"get one free", r"Roofers' Guild|300 hardware stores"),
    "nestegg": (r"first month free|free month", None),
}


def _stem(word: str) -> str:
    word = word.lower().strip("'’-.,:;!?\"“”()")
    for suffix in ("'s", "’s", "ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    words = re.findall(r"[\w@#%$€£'’+.-]*\w", text)
    return [w for w in words if w.lower() not in FUNCTION and not re.fullmatch(r"[\d.,%+]+", w)]


def foreign_share(texts: list[str], brief: Brief) -> tuple[float, list[str]]:
    """The share of content words found neither in the brief nor in :data:`GENERIC`."""
    said = " ".join(str(v) for v in dataclasses.astuple(brief))
    known = {_stem(w) for w in re.findall(r"[\w@#'’.-]*\w", said)} | {_stem(w) for w in GENERIC}
    words = [w for text in texts for w in _content_words(text)]
    foreign = [w for w in words if _stem(w) not in known and w.lower() not in GENERIC]
    return (len(foreign) / len(words) if words else 0.0), foreign


def _video(brief: Brief, length_s: int, idea: int = 0) -> tuple[Script, list[str]]:
    writer = OfflineWriter()
    chosen = writer.ideas(brief, count=3, length_s=length_s)[idea]
    script = writer.script(brief, chosen, length_s=length_s)
    scenes = writer.scenes(brief, script, length_s=length_s)
    return script, [line.text for line in script.lines] + [s.caption for s in scenes]


def _ad(copy: AdCopy) -> list[str]:
    return [copy.headline, copy.subline, copy.call_to_action]


@pytest.mark.parametrize("name", AGAINST_TYPE)
def test_every_asset_says_only_what_its_brief_says(name: str) -> None:
    brief = AGAINST_TYPE[name]
    writer = OfflineWriter()
    assets = {
        f"video {length}s idea {k}": _video(brief, length, k)[1]
        for length in (15, 30, 60)
        for k in range(3)
    }
    assets["banner"] = _ad(writer.ad_copy(brief, kind="banner"))
    assets["flyer"] = _ad(writer.ad_copy(brief, kind="flyer"))
    assets["new take banner"] = _ad(writer.ad_copy(brief, kind="banner", take=1))
    for asset, texts in assets.items():
        share, foreign = foreign_share(texts, brief)
        assert share <= 0.10, f"{name} {asset}: {share:.0%} not from the brief: {foreign}"


@pytest.mark.parametrize("name", AGAINST_TYPE)
def test_the_offer_and_the_proof_in_goals_are_said(name: str) -> None:
    brief = AGAINST_TYPE[name]
    offer, proof = MUST_SAY[name]
    writer = OfflineWriter()
    script, _lines = _video(brief, 30)
    banner = " ".join(_ad(writer.ad_copy(brief, kind="banner")))
    flyer = " ".join(_ad(writer.ad_copy(brief, kind="flyer")))
    for asset, text in (("video", script.voiceover), ("banner", banner), ("flyer", flyer)):
        assert re.search(offer, text, re.IGNORECASE), f"{name} {asset} drops the offer: {text}"
        if proof:
            assert re.search(proof, text), f"{name} {asset} drops the proof: {text}"


def test_the_hook_names_the_audiences_struggle_or_the_product() -> None:
    """A problem-aware hook is the audience's own struggle, said to "you"; never "Does this
    keep happening to you?"."""
    writer = OfflineWriter()
    ledgerly = [i.hook for i in writer.ideas(AGAINST_TYPE["ledgerly"], count=3)]
    assert ledgerly[0] == "Still lose money to spoiled stock?"
    assert "You do inventory on paper on Sunday nights." in ledgerly
    kora = writer.ideas(AGAINST_TYPE["kora"], count=1)[0].hook
    assert kora == "Still hit a slump at 4 pm?"
    for name, brief in AGAINST_TYPE.items():
        for idea in writer.ideas(brief, count=3):
            named = {_stem(w) for w in _content_words(idea.hook)}
            brief_words = {
                _stem(w)
                for w in _content_words(f"{brief.audience} {brief.product_name} {brief.messaging}"
                                        f" {brief.goals} {brief.product_description}")
            }  # fmt: skip
            assert named & brief_words, f"{name}: hook names nothing of the brief: {idea.hook}"


def test_the_destination_ends_the_call_to_action() -> None:
    writer = OfflineWriter()
    ledgerly = AGAINST_TYPE["ledgerly"]
    script, _ = _video(ledgerly, 30)
    assert script.call_to_action == "Start your free 14-day trial at ledgerly.app."
    phone = _video(AGAINST_TYPE["bright_smile"], 30)[0].call_to_action
    assert phone.endswith("call +44 20 7946 0000."), phone
    scenes = writer.scenes(ledgerly, script, length_s=30)
    assert scenes[-1].caption == "Start your free 14-day trial"  # the card draws the address
    without = _video(dataclasses.replace(ledgerly, destination=""), 30)[0].call_to_action
    assert without == "Start your free 14-day trial."


def test_a_thin_brief_says_less_not_something_generic() -> None:
    brief = Brief(name="Untitled", product_name="Widget", industry="Food & Beverage")
    script, texts = _video(brief, 30)
    assert len(script.lines) < 6  # nothing to fill six scenes with
    share, foreign = foreign_share(texts, brief)
    assert share <= 0.10, foreign
    assert not re.search(r"meal|dinner|kitchen|crave|fridge", script.voiceover, re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# grammar over a corpus: every stage × style × trigger, on the fixtures and briefs of other
# shapes (long, short, no offers, singular audiences, "whose", "they")

OTHER_BRIEFS = [GLOWCO, *SHAPES]
CORPUS = [*AGAINST_TYPE.values(), *OTHER_BRIEFS]


def _all_sentences(brief: Brief) -> list[tuple[str, str]]:
    writer = OfflineWriter()
    out: list[tuple[str, str]] = []
    ideas = writer.ideas(brief, count=3, length_s=30)
    out += [("hook", i.hook) for i in ideas]
    script = writer.script(brief, ideas[0], length_s=30)
    out += [("line", line.text) for line in script.lines]
    for kind in ("banner", "flyer"):
        copy = writer.ad_copy(brief, kind=kind)
        out += [("headline", copy.headline), ("subline", copy.subline)]
    draft = writer.strategy(dataclasses.replace(brief, audience="", messaging="", goals=""))
    out += [("strategy", text) for text in dataclasses.astuple(draft)]
    split = [(kind, s) for kind, text in out for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return split


QUESTION_START = re.compile(
    r"^(?:[\w ,]+[:?] )?(still|are|do|does|is|can|want|need|wish|love|what|why|how|who|when"
    r"|where|which|ready|tired|the problem|honestly)\b",
    re.IGNORECASE,
)
BAD_AGREEMENT = re.compile(
    r"\b(you (is|was|has|does|doesn't|isn't|wasn't|hasn't|goes|packs|runs|loses|gets|spends"
    r"|stands|hits|reaches)|i (is|are|has|does|were)|they (is|was|has))\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("stage, style", list(itertools.product(STAGES, STYLES)))
def test_sentences_hold_together(stage: str, style: str) -> None:
    for k, (brief, trigger) in enumerate(itertools.product(CORPUS, TRIGGERS)):
        if k % len(TRIGGERS) != CORPUS.index(brief) % len(TRIGGERS):
            continue  # each brief meets one trigger per stage × style: the whole grid is covered
        brief = dataclasses.replace(
            brief, awareness_stage=stage, creative_style=style, persuasion_trigger=trigger
        )
        for kind, sentence in _all_sentences(brief):
            where = f"{brief.name} {stage} {style} {trigger} {kind}: {sentence!r}"
            if kind != "headline":
                assert sentence[-1] in ".!?", where
            first = sentence.lstrip('“"')[:1]
            assert first.isupper() or first.isdigit() or first in "@#+£$€", where
            assert "  " not in sentence and "{" not in sentence, where
            assert not re.search(r"\b(\w+) \1\b", sentence, re.IGNORECASE) or re.search(
                r"\b(\w+), \1\b", sentence
            ), where
            assert not re.search(r"\ba [aeio]\w", sentence, re.IGNORECASE), where
            assert not re.search(r"\ban [bcdfgjklmnpqrstvwxz]\w", sentence, re.IGNORECASE), where
            assert not BAD_AGREEMENT.search(sentence), where
            if re.search(r"\byou\b", sentence, re.IGNORECASE):  # the audience, spoken to
                assert not re.search(r"\b(their|they|them)\b", sentence), where
            if sentence.endswith("?"):
                assert QUESTION_START.search(sentence), f"not a question: {where}"
            elif QUESTION_START.search(sentence) and re.match(r"(still|are|do)\b", sentence, re.I):
                raise AssertionError(f"a question without a question mark: {where}")


def test_fixture_copy_read_by_a_person() -> None:
    """What a person read and approved for two campaigns (the writer's whole output for the
    default 30 s ad): a change to any of it is a change a person must read again."""
    writer = OfflineWriter()
    ledgerly = AGAINST_TYPE["ledgerly"]
    script, _ = _video(ledgerly, 30)
    assert [line.text for line in script.lines] == [
        "Still lose money to spoiled stock?",
        "You do inventory on paper on Sunday nights.",
        "The fix: Ledgerly.",
        "Count your stock from your phone in ten minutes.",
        "Trusted by 900 restaurants.",
        "Start your free 14-day trial at ledgerly.app.",
    ]
    assert writer.ad_copy(ledgerly, kind="banner") == AdCopy(
        "Still lose money to spoiled stock?",
        "Count your stock from your phone in ten minutes. Trusted by 900 restaurants.",
        "Start free trial",
    )
    nestegg = AGAINST_TYPE["nestegg"]
    script, _ = _video(nestegg, 30)
    assert script.lines[0].text == "Okay, so: you spend it all by Friday."
    stride = _video(AGAINST_TYPE["stride"], 30)[0]  # a testimonial speaks in the first person
    assert stride.lines[0].text == "I wanted to walk further without knee pain."
    assert "First month free until 31 January." in script.voiceover
    assert script.call_to_action == "Get your first month free at nestegg.money/start."
