"""Offline default providers: they need no API key and no network, and produce real files.

* :class:`OfflineWriter` writes ideas, scripts, scenes, ad copy and jingle lyrics from the
  campaign brief. It is deterministic: every choice comes from a SHA-256 of the brief's fields,
  so the same brief always gives the same text, and changing the awareness stage, the creative
  style, the persuasion trigger, ... changes it.
* :class:`PillowImages` draws brand-coloured compositions with the shipped font.
* :class:`FfmpegMotionClips`, :class:`EspeakVoice`, :class:`SynthMusic` and
  :class:`LocalStitcher` render video, speech, music and the final MP4 with ffmpeg.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    AdCopy,
    AudioResult,
    Brief,
    Idea,
    ImageRequest,
    ProviderError,
    Scene,
    Script,
    ScriptLine,
    SegmentRequest,
)
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS

WORDS_PER_SECOND = 2.5
"""Speaking pace the writer budgets for (espeak-ng speaks ~2.9 words/s, so lines fit)."""

MIN_SCENE_SECONDS = 2

# ============================================================================================
# deterministic choices


class _Dice:
    """Deterministic choices keyed by a fingerprint and a label (SHA-256, never ``hash()``)."""

    def __init__(self, *parts: object) -> None:
        self._key = "\x1f".join(str(part) for part in parts)

    def number(self, label: str) -> int:
        digest = hashlib.sha256(f"{self._key}\x1e{label}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def pick(self, label: str, options: Sequence[str]) -> str:
        return options[self.number(label) % len(options)]

    def shuffled(self, label: str, options: Sequence[str]) -> list[str]:
        return sorted(options, key=lambda option: self.number(f"{label}|{option}"))


def _fingerprint(brief: Brief) -> str:
    """Every field of the brief, so any change to the campaign changes the choices."""
    return repr(dataclasses.astuple(brief))


# ============================================================================================
# the brief, normalised

STAGES = tuple(AWARENESS_STAGES)
STYLES = CREATIVE_STYLES
TRIGGERS = PERSUASION_TRIGGERS


def _squash(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def normalize_stage(stage: str) -> str:
    """Map free spellings ("Problem aware", "problem-aware") to one of :data:`STAGES`."""
    key = _squash(stage)
    for known in STAGES:
        if _squash(known) == key:
            return known
    return "problem_aware"


def normalize_style(style: str) -> str:
    """Map free spellings ("ugc", "problem solution") to one of :data:`STYLES`, else keep it."""
    key = _squash(style)
    for known in STYLES:
        if _squash(known) == key or (key and _squash(known).startswith(key)):
            return known
    if key.startswith("ugc"):
        return "UGC Style"
    if "humour" in key:
        return "Humor"
    return style.strip() or "Direct Response"


def normalize_trigger(trigger: str) -> str:
    key = _squash(trigger)
    if not key:
        return ""
    for known in TRIGGERS:
        squashed = _squash(known)
        if squashed == key or squashed.startswith(key) or key in squashed:
            return known
    return ""


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _first_clause(text: str, max_words: int) -> str:
    """The first sentence/clause of ``text``, at most ``max_words`` words, no end punctuation."""
    text = _clean(text)
    if not text:
        return ""
    clause = re.split(r"(?<=[.!?;])\s|\s[-–—]\s|\n", text)[0]
    words = clause.split()[:max_words]
    return " ".join(words).rstrip(".,;:!?-–— ")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short_audience(audience: str) -> str:
    text = _clean(audience)
    if not text:
        return "you"
    text = re.split(r",|;|\(| who | that | aged | with | in | looking ", f"{text} ")[0]
    words = text.split()[:4]
    return _lower_first(" ".join(words)) or "you"


_CTA_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("sign up", "signup", "register", "subscribe", "newsletter", "lead"),
     "Sign up today", "Sign up free"),
    (("download", "install", "app"), "Download {product} today", "Download now"),
    (("demo",), "Book your free demo today", "Book a demo"),
    (("book", "appointment", "reservation", "consult"), "Book your spot today", "Book now"),
    (("visit", "store", "traffic", "website", "footfall"), "Visit {brand} today", "Visit us"),
    (("buy", "sale", "sell", "purchase", "order", "shop", "revenue", "conversion", "roas"),
     "Shop {product} now", "Shop now"),
    (("awareness", "reach", "brand", "launch"), "Discover {brand} today", "Learn more"),
)  # fmt: skip


def _cta(goals: str) -> tuple[str, str]:
    """(spoken call to action, short button text) from the campaign goals."""
    text = goals.lower()
    for keywords, spoken, button in _CTA_RULES:
        if any(re.search(rf"\b{re.escape(word)}", text) for word in keywords):
            return spoken, button
    return "Try {product} today", "Try it today"


def _facts(brief: Brief) -> dict[str, str]:
    """Placeholders for the templates; empty facts are left out so templates needing them skip."""
    product = _clean(brief.product_name) or _clean(brief.name) or "our product"
    brand = _clean(brief.brand_name) or product
    benefit = (
        _first_clause(brief.messaging, 9)
        or _first_clause(brief.product_description, 9)
        or "Made to make every day easier"
    )
    category = _lower_first(_first_clause(brief.industry or brief.business_type, 3))
    cta_spoken, cta_button = _cta(brief.goals)
    facts = {
        "product": product,
        "brand": brand,
        "audience": _short_audience(brief.audience),
        "Audience": _upper_first(_short_audience(brief.audience)),
        "benefit": _lower_first(benefit),
        "Benefit": _upper_first(benefit),
        "category": category,
        "tone": _clean(brief.tone_of_voice).lower(),
    }
    facts["cta"] = cta_spoken.format(**facts)
    facts["cta_button"] = cta_button
    return {key: value for key, value in facts.items() if value}


def _fill(templates: Sequence[str], facts: Mapping[str, str]) -> list[str]:
    """The templates whose placeholders are all known, filled in."""
    filled = []
    for template in templates:
        names = re.findall(r"{(\w+)}", template)
        if all(name in facts for name in names):
            filled.append(template.format(**{name: facts[name] for name in names}))
    return filled


def _words(text: str) -> int:
    return len(text.split())


def _fit_words(text: str, budget: int) -> str:
    """``text`` cut to ``budget`` words (whole sentences first), ending with punctuation."""
    if _words(text) <= budget:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        candidate = f"{kept} {sentence}".strip()
        if _words(candidate) > budget:
            break
        kept = candidate
    if not kept:
        kept = " ".join(text.split()[: max(1, budget)]).rstrip(",;:-–—") + "."
    return kept


def _choose(
    dice: _Dice, label: str, templates: Sequence[str], facts: Mapping[str, str], budget: int
) -> str:
    """A template picked by the dice among those that fit ``budget`` words."""
    options = _fill(templates, facts)
    if not options:
        return ""
    fitting = [option for option in options if _words(option) <= budget]
    if fitting:
        return dice.pick(label, fitting)
    return _fit_words(min(options, key=_words), budget)


# ============================================================================================
# writing material

# Hooks by awareness stage: (angle, idea title, hook templates: the first one that can be
# filled is used). Unaware viewers get curiosity, problem-aware ones their pain, solution-aware
# ones a comparison, product-aware ones proof, most-aware ones the offer.
_HOOKS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "unaware": (
        ("Curiosity gap", "The thing nobody tells you",
         ("Here's something nobody tells you about your routine.",)),
        ("Day in the life", "A day like yours",
         ("Be honest: how does your day really start?",)),
        ("Hidden habit", "The everyday blind spot",
         ("Most of us get this wrong every day.",)),
        ("Big question", "One extra hour",
         ("What would you do with one extra hour?",)),
        ("Story opening", "Until it wasn't",
         ("It was a normal day, until it wasn't.",)),
        ("Pattern break", "Made for {audience}",
         ("{Audience}, this one is for you.", "This one is for you.")),
    ),
    "problem_aware": (
        ("Pain point", "Tired of settling",
         ("Tired of {category} that never quite works?", "Tired of settling for less?")),
        ("Agitation", "It doesn't have to be this hard",
         ("That frustrating moment? It doesn't have to happen.",)),
        ("Why question", "Why is this still so hard?",
         ("Why is this still so hard?",)),
        ("Empathy", "If this keeps happening",
         ("If this keeps happening to you, stay with me.",)),
        ("Hidden cost", "The real cost",
         ("This small problem costs you more than you think.",)),
        ("Relief", "Never again",
         ("Imagine never dealing with that again.",)),
    ),
    "solution_aware": (
        ("Comparison", "Not the usual fix",
         ("You've tried the usual fixes. This is different.",)),
        ("Myth buster", "Half the story",
         ("Everything you've heard about {category} is half true.",
          "The usual advice only gets you halfway.")),
        ("Smarter way", "A simpler way",
         ("There's a smarter way, and it's simpler.",)),
        ("Buyer's checklist", "What to look for",
         ("Three things to check before you choose.",)),
        ("Us vs them", "Not built the same",
         ("Not every {category} solution is built the same.",
          "Not every solution is built the same.")),
        ("Switch story", "Why people switch",
         ("Here's why people are switching to {brand}.",)),
    ),
    "product_aware": (
        ("Reminder", "Still thinking about it",
         ("Still thinking about {product}? Let's settle it.",)),
        ("Objection", "The big question",
         ("The one question everyone asks about {product}.",)),
        ("Proof", "What it actually does",
         ("Here's what {product} actually does.",)),
        ("Behind the scenes", "How it's made",
         ("How {brand} makes it different.",)),
        ("Head to head", "Versus the rest",
         ("{product} versus the rest, honestly compared.",)),
        ("Demo", "Watch it work",
         ("Watch {product} do its thing.",)),
    ),
    "most_aware": (
        ("Offer", "The offer is here",
         ("The {product} offer you've been waiting for.",)),
        ("Last call", "Last call",
         ("Last call: {product} at its best price.",)),
        ("Loyalty", "More of what you love",
         ("You already love {brand}. Here's more.",)),
        ("New drop", "Something new",
         ("Something new from {brand}, just for you.",)),
        ("Bundle", "More for less",
         ("More {product} for less, this week only.",)),
        ("Don't miss it", "Don't let it slip",
         ("Don't let this {product} deal slip by.",)),
    ),
}  # fmt: skip

# Opening words that give each creative style its voice.
_FRAMES: dict[str, tuple[str, ...]] = {
    "Direct Response": ("Stop scrolling.", "Listen up."),
    "UGC Style": ("Okay, real talk:", "Honest review time:"),
    "Cinematic": ("Picture this.", "Close your eyes."),
    "Storytelling": ("Let me tell you something.", "It starts like this:"),
    "Problem-Solution": ("Problem first:", "Here's the problem."),
    "Testimonial": ("I didn't believe it either.", "My honest take:"),
    "Educational": ("Quick lesson:", "Fact worth knowing:"),
    "Humor": ("Plot twist:", "Warning: mild jealousy ahead."),
    "Luxury": ("For those who expect more.", "Refined, by design."),
    "Minimalist": ("Simply put:", "One thing:"),
}

_APPROACHES: dict[str, str] = {
    "Direct Response": "Fast cuts and a clear offer: hook, benefit, proof, then a direct ask.",
    "UGC Style": "Selfie-style, first-person phone footage that feels like a friend's tip.",
    "Cinematic": "Slow, polished shots with mood lighting that build to the product reveal.",
    "Storytelling": "A short story with a relatable character, a turning point and a payoff.",
    "Problem-Solution": "Name the problem, feel it, then show the product solving it.",
    "Testimonial": "A customer tells it in their own words, with their before and after.",
    "Educational": "Teach one useful thing, with the product as the practical answer.",
    "Humor": "An exaggerated, playful take on the problem with a witty payoff.",
    "Luxury": "Elegant close-ups, rich textures and few words: desire over discount.",
    "Minimalist": "Clean frames, lots of space, one idea per scene.",
}

_STAGE_STRATEGY: dict[str, str] = {
    "unaware": "viewers who don't know they have the problem, so lead with curiosity",
    "problem_aware": "viewers who feel the problem, so start from their pain",
    "solution_aware": "viewers comparing solutions, so show what makes this one different",
    "product_aware": "viewers who know the product, so answer doubts with proof",
    "most_aware": "viewers ready to buy, so lead with the offer and make acting easy",
}

# The middle of the script by awareness stage: the roles in narrative order, and the order in
# which they are kept when there are few scenes. The persuasion trigger's line ("proof") comes
# right before the call to action whenever there are four scenes or more.
_STAGE_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unaware": (
        ("story", "problem", "reveal", "benefit", "how", "benefit2", "objection"),
        ("reveal", "benefit", "problem", "story", "how", "benefit2", "objection"),
    ),
    "problem_aware": (
        ("problem", "agitate", "solution", "benefit", "how", "benefit2", "objection"),
        ("solution", "problem", "benefit", "agitate", "how", "benefit2", "objection"),
    ),
    "solution_aware": (
        ("compare", "solution", "difference", "benefit", "how", "objection", "benefit2"),
        ("difference", "solution", "compare", "benefit", "how", "objection", "benefit2"),
    ),
    "product_aware": (
        ("reminder", "benefit", "difference", "objection", "how", "benefit2", "offer"),
        ("objection", "benefit", "reminder", "offer", "difference", "how", "benefit2"),
    ),
    "most_aware": (
        ("offer", "benefit", "reminder", "benefit2", "how", "objection", "urgency"),
        ("offer", "urgency", "benefit", "reminder", "benefit2", "how", "objection"),
    ),
}

_STYLE_VOICE: dict[str, str] = {
    "UGC Style": "first_person",
    "Testimonial": "first_person",
    "Cinematic": "story",
    "Storytelling": "story",
    "Humor": "playful",
    "Educational": "expert",
    "Luxury": "refined",
    "Minimalist": "minimal",
}

_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "default": {
        "story": ("It starts the same way every time.", "We've all been there, more than once."),
        "problem": (
            "You try everything, and nothing quite works.",
            "The usual options cost time, money and patience.",
            "Most {category} options promise more than they deliver.",
        ),
        "agitate": (
            "And every day it gets a little more frustrating.",
            "Meanwhile, the hours and the money keep slipping away.",
        ),
        "reveal": ("Then there's a better way: {product}.", "That's where {product} comes in."),
        "compare": (
            "You've compared the options. You know the trade-offs.",
            "Other options make you choose. You shouldn't have to.",
        ),
        "reminder": (
            "You've seen {product}. Now see what it really does.",
            "Remember {product}? It's better than you think.",
        ),
        "solution": (
            "Meet {product}, made for {audience}.",
            "Meet {product} from {brand}.",
            "That's why {brand} made {product}.",
        ),
        "difference": ("The difference? {Benefit}.", "What sets {product} apart: {benefit}."),
        "benefit": ("{Benefit}. Every single time.", "The result: {benefit}.",
                    "{Benefit}, without the hassle."),
        "benefit2": ("Simple to start, easy to love, made to last.",
                     "Less effort, better results, every day."),
        "how": ("It's simple: start in minutes and feel the difference.",
                "No learning curve. Just start and enjoy."),
        "objection": ("Worried it's not for you? It was made for {audience}.",
                      "No risk, no pressure. See for yourself."),
        "offer": ("Right now, {product} comes with our best offer yet.",
                  "This week only, get more when you choose {product}."),
        "urgency": ("This won't last long, so don't wait.", "When it's gone, it's gone."),
    },
    "first_person": {
        "story": ("So this happened to me last week.", "Okay, so here's my story."),
        "problem": ("I tried everything, and nothing really worked for me.",),
        "agitate": ("Honestly? It was getting really frustrating.",),
        "reveal": ("Then a friend told me about {product}.", "Then I found {product}, and wow."),
        "solution": ("Then I tried {product}, and it just clicked.",),
        "benefit": ("Now? {Benefit}. I'm obsessed.", "{Benefit}. I noticed it right away."),
        "how": ("I just use it every day. That's it.",),
        "objection": ("I was skeptical too. I'm not anymore.",),
        "reminder": ("I kept seeing {product}, so I finally tried it.",),
        "compare": ("I've tried the others. This one is different.",),
    },
    "story": {
        "story": ("The light comes in. Another day begins.", "Every day begins with a choice."),
        "problem": ("But something was always missing.",),
        "agitate": ("And the days started to feel the same.",),
        "reveal": ("Then came {product}.", "And then, {product}."),
        "solution": ("Then came {product}, from {brand}.",),
        "benefit": ("{Benefit}. A new kind of everyday.",),
        "how": ("One small change, and everything flows.",),
        "benefit2": ("Moments that feel lighter, brighter, yours.",),
    },
    "playful": {
        "problem": ("Your current routine called. It wants a vacation.",),
        "agitate": ("Honestly, it's been rough for everyone involved.",),
        "reveal": ("Enter {product}. Cue the dramatic music.",),
        "solution": ("Enter {product}. Cue the dramatic music.",),
        "benefit": ("{Benefit}. Yes, really. No, we're not kidding.",),
        "objection": ("Side effects may include smiling way too much.",),
        "how": ("So easy your cat could do it. Almost.",),
    },
    "expert": {
        "problem": ("Here's the thing: most fixes treat symptoms, not causes.",),
        "agitate": ("That's why the same problem keeps coming back.",),
        "solution": ("{product} is designed to tackle the cause.",),
        "reveal": ("That's the idea behind {product}.",),
        "how": ("Step one: start small. Step two: stay consistent.",),
        "benefit": ("The outcome: {benefit}.",),
        "difference": ("The key difference: {benefit}.",),
    },
    "refined": {
        "problem": ("Some things should never be compromised.",),
        "agitate": ("Ordinary is never quite enough.",),
        "solution": ("{product}, crafted by {brand}.",),
        "reveal": ("Introducing {product}.",),
        "benefit": ("{Benefit}. Effortless, and unmistakable.",),
        "how": ("Every detail considered. Nothing left to chance.",),
        "benefit2": ("Quiet confidence, in every moment.",),
    },
    "minimal": {
        "story": ("Every day. Same routine.",),
        "problem": ("Too much noise.",),
        "agitate": ("Too many compromises.",),
        "reveal": ("Then, {product}.",),
        "solution": ("Just {product}.",),
        "benefit": ("{Benefit}.",),
        "benefit2": ("Nothing extra.",),
        "how": ("Simple. Clear. Done.",),
        "objection": ("No compromise.",),
    },
}

_TRIGGER_LINES: dict[str, tuple[str, ...]] = {
    "Reciprocity": ("Start with a free gift from {brand}, on us.",
                    "Try it free first. We think you'll stay."),
    "Commitment & Consistency": ("Start small: one step today, real change by next month.",
                                 "You care about doing it right. {product} keeps you on track."),
    "Social Proof": ("Join the people already switching to {product}.",
                     "There's a reason people keep talking about {brand}."),
    "Authority": ("Developed with experts who know {category} inside out.",
                  "Built on research, not hype."),
    "Liking": ("Made by people like you, for people like you.",
               "We built what we wanted for ourselves."),
    "Scarcity": ("Stock is limited, and this run won't last.", "This offer ends soon."),
    "": ("See the difference for yourself.", "Once you try it, you'll get it."),
}  # fmt: skip

_TRIGGER_CAPTIONS: dict[str, str] = {
    "Reciprocity": "A free gift, on us",
    "Commitment & Consistency": "One small step today",
    "Social Proof": "People are switching",
    "Authority": "Backed by experts",
    "Liking": "Made for people like you",
    "Scarcity": "Limited stock",
    "": "See for yourself",
}

_CTA_TAILS: dict[str, tuple[str, ...]] = {
    "unaware": ("{cta}, and see what you've been missing.", "{cta}."),
    "problem_aware": ("{cta}, and feel the difference.", "{cta}. You deserve better."),
    "solution_aware": ("{cta}, and compare for yourself.", "{cta}. Make the smart switch."),
    "product_aware": ("{cta}. You've waited long enough.", "{cta}, and see it yourself."),
    "most_aware": ("{cta} while the offer lasts.", "{cta}, before it's gone."),
}

_ROLE_CAPTIONS: dict[str, tuple[str, ...]] = {
    "story": ("Sound familiar?",),
    "problem": ("Sound familiar?", "Still struggling?"),
    "agitate": ("It adds up fast",),
    "reveal": ("Meet {product}",),
    "solution": ("Meet {product}",),
    "compare": ("Not all options are equal",),
    "reminder": ("Remember {product}?",),
    "difference": ("The {brand} difference",),
    "benefit2": ("Simple. Easy. Lasting.",),
    "how": ("Easy from day one",),
    "objection": ("Made for {audience}", "No risk, no pressure"),
    "offer": ("Our best offer yet",),
    "urgency": ("Don't wait",),
}

_STYLE_LOOK: dict[str, str] = {
    "Direct Response": "bold, high-contrast framing with the product front and centre",
    "UGC Style": "handheld smartphone footage, natural window light, authentic home setting",
    "Cinematic": "cinematic wide shot, shallow depth of field, golden-hour light, slow dolly",
    "Storytelling": "warm, candid scene with a relatable character, soft natural light",
    "Problem-Solution": "split-screen contrast between the frustration and the fix",
    "Testimonial": "real customer speaking to camera in a cosy, well-lit room",
    "Educational": "clean explainer set-up with simple on-screen diagrams",
    "Humor": "playful, exaggerated staging with bright colours and comic timing",
    "Luxury": "elegant close-up, dark marble and soft gold accents, slow motion",
    "Minimalist": "minimal set, plain background, lots of negative space",
}

_ROLE_VISUALS: dict[str, str] = {
    "hook": "Opening shot that stops the scroll: {audience} in an eye-catching moment",
    "story": "Relatable everyday moment of {audience} starting their day",
    "problem": "{Audience} visibly frustrated by the everyday problem",
    "agitate": "Close-up of the frustration building: clock ticking, sighs, clutter",
    "reveal": "Product reveal: {product} enters the frame",
    "solution": "Hero shot of {product}, clearly branded {brand}",
    "compare": "Side-by-side of the usual options and {product}",
    "reminder": "{product} on a familiar everyday surface, inviting a second look",
    "difference": "Detail shot showing what makes {product} different",
    "benefit": "{Audience} enjoying the result of {product}, relaxed and smiling",
    "benefit2": "Quick montage of small wins with {product}",
    "how": "Hands using {product} step by step, easy and quick",
    "proof": "Happy customers and glowing feedback around {product}",
    "objection": "Reassuring close-up of {audience} trying {product} with confidence",
    "offer": "{product} with a bold offer badge",
    "urgency": "Countdown feel: {product} with a limited-time tag",
    "cta": "End card: {brand} logo, {product} and the call to action",
}

_JINGLE_COUPLETS: tuple[tuple[str, str], ...] = (
    ("{brand}, {brand}, here for you,", "making every day feel new."),
    ("When the day gets long and slow,", "{product} is the way to go."),
    ("Say it loud and say it true,", "{brand} was made for you."),
    ("Morning light or late at night,", "{product} gets it right."),
    ("Every time you need a lift,", "{brand} is the perfect gift."),
    ("Don't wait, the time is now,", "{product} will show you how."),
    ("Simple, easy, bright and clear,", "{brand} is always here."),
    ("Take a breath and feel the glow,", "{product}, the one you know."),
)


# ============================================================================================
# the writer


def scene_count(length_s: int) -> int:
    """Scenes for a video length: 15 s → 3, 30 s → 6, 60 s → 10 (each at least 2 s)."""
    length = max(1, int(length_s))
    per_scene = 5 if length <= 30 else 6
    count = round(length / per_scene)
    return max(1, min(10, length // MIN_SCENE_SECONDS, count))


def split_seconds(length_s: int, weights: Sequence[float]) -> list[int]:
    """Whole seconds proportional to ``weights``, each ≥ 2, summing exactly to ``length_s``."""
    count = len(weights)
    length = int(length_s)
    if count == 0:
        return []
    floor = MIN_SCENE_SECONDS if length >= MIN_SCENE_SECONDS * count else 0
    spare = length - floor * count
    total = sum(max(0.0, float(w)) for w in weights) or float(count)
    shares = [spare * (max(0.0, float(w)) / total if total else 1 / count) for w in weights]
    seconds = [floor + int(share) for share in shares]
    leftover = length - sum(seconds)
    order = sorted(range(count), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:leftover]:
        seconds[i] += 1
    return seconds


def _even_seconds(length_s: int, count: int) -> list[int]:
    """An even split; the extra seconds go to the middle scenes, then the hook."""
    base, extra = divmod(int(length_s), count)
    seconds = [base] * count
    middle = list(range(1, count - 1)) or list(range(count))
    for k in range(extra):
        seconds[middle[k % len(middle)]] += 1
    return seconds


def _roles(stage: str, count: int) -> list[str]:
    """The role of each script line / scene: hook first, call to action last."""
    if count <= 1:
        return ["hook"]
    middle_count = count - 2
    sequence, priority = _STAGE_ROLES[stage]
    if middle_count == 0:
        return ["hook", "cta"]
    if middle_count == 1:
        return ["hook", priority[0], "cta"]
    keep = set(priority[: middle_count - 1])
    middle = [role for role in sequence if role in keep]
    return ["hook", *middle, "proof", "cta"]


def _budget(seconds: float) -> int:
    return max(2, math.floor(seconds * WORDS_PER_SECOND))


class OfflineWriter:
    """Deterministic copywriter driven by the campaign brief (no network, no randomness)."""

    name = "offline"
    model = "offline-writer-1"

    # ----------------------------------------------------------------------------------------
    def _context(self, brief: Brief) -> tuple[_Dice, dict[str, str], str, str, str]:
        stage = normalize_stage(brief.awareness_stage)
        style = normalize_style(brief.creative_style)
        trigger = normalize_trigger(brief.persuasion_trigger)
        return _Dice(_fingerprint(brief)), _facts(brief), stage, style, trigger

    def _hook(
        self, dice: _Dice, facts: Mapping[str, str], style: str, templates: Sequence[str],
        budget: int, label: str,
    ) -> str:  # fmt: skip
        core = _fill(templates, facts)[0]
        frames = list(_FRAMES.get(style, ()))
        if not frames:
            return _fit_words(core, budget)
        if ":" in core:  # no "Frame: core: ..." double colons when avoidable
            frames = [f for f in frames if not f.endswith(":")] or frames
        first = dice.pick(label, frames)
        for frame in [first, *sorted(frames, key=_words)]:
            if _words(frame) + _words(core) <= budget:
                return f"{frame} {core}"
        # keep the style's opening words even when the core must be shortened
        shortest = min(frames, key=_words)
        return f"{shortest} {_fit_words(core, max(1, budget - _words(shortest)))}"

    def ideas(
        self, brief: Brief, *, count: int = 3, length_s: int = 30, variant: int = 0
    ) -> list[Idea]:
        """``count`` distinct concepts; another ``variant`` re-rolls them."""
        if count < 1:
            return []
        dice, facts, stage, style, _trigger = self._context(brief)
        entries = _HOOKS[stage]
        n_entries = len(entries)
        per_cycle = max(1, n_entries // count)
        cycle, slot = divmod(max(0, int(variant)), per_cycle)
        order = dice.shuffled(f"ideas|cycle{cycle}", [str(i) for i in range(n_entries)])
        first_seconds = _even_seconds(length_s, scene_count(length_s))[0]
        budget = _budget(first_seconds)
        approach_base = _APPROACHES.get(
            style, f"A {style} treatment that keeps the brand front and centre."
        )
        ideas: list[Idea] = []
        seen: set[str] = set()
        for i in range(count):
            angle, title, templates = entries[int(order[(slot * count + i) % n_entries])]
            hook = self._hook(
                dice, facts, style, templates, budget, f"frame|{variant}|{i}"
            )
            title_text = (_fill((title,), facts) or [title])[0]
            repeat = 2
            while hook in seen or title_text in seen:  # more ideas asked than angles exist
                title_text = f"{(_fill((title,), facts) or [title])[0]} (take {repeat})"
                hook = _fit_words(f"{hook.rstrip('.!?')}, take {repeat}.", budget + 2)
                repeat += 1
            seen.update((hook, title_text))
            approach = (
                f"{approach_base} Angle: {angle.lower()}, for {_STAGE_STRATEGY[stage]}. "
                f"{int(length_s)} seconds, ending on \u201c{facts['cta']}\u201d."
            )
            ideas.append(Idea(title=title_text, angle=angle, hook=hook, approach=approach))
        return ideas

    # ----------------------------------------------------------------------------------------
    def _line(
        self, dice: _Dice, facts: Mapping[str, str], style: str, trigger: str, stage: str,
        role: str, budget: int,
    ) -> str:  # fmt: skip
        if role == "proof":
            templates = _TRIGGER_LINES.get(trigger, _TRIGGER_LINES[""])
        elif role == "cta":
            templates = _CTA_TAILS[stage]
        else:
            voice = _STYLE_VOICE.get(style, "default")
            templates = _LINES.get(voice, {}).get(role) or _LINES["default"][role]
            if not _fill(templates, facts):
                templates = _LINES["default"][role]
        line = _choose(dice, f"line|{role}", templates, facts, budget)
        return line or _fit_words(facts["cta"] + ".", budget)

    def script(self, brief: Brief, idea: Idea, *, length_s: int) -> Script:
        """Hook, body and call to action, one timed line per scene; fits ~2.5 words/second."""
        dice, facts, stage, style, trigger = self._context(brief)
        dice = _Dice(_fingerprint(brief), idea.title, idea.hook)
        count = scene_count(length_s)
        seconds = _even_seconds(length_s, count)
        roles = _roles(stage, count)
        texts: list[str] = []
        for role, secs in zip(roles, seconds, strict=True):
            budget = _budget(secs)
            if role == "hook":
                text = _fit_words(_clean(idea.hook) or _clean(idea.title), budget)
            else:
                text = self._line(dice, facts, style, trigger, stage, role, budget)
            texts.append(text)
        if count == 1:  # a very short spot: hook and call to action share the line
            texts[0] = _fit_words(f"{texts[0]} {facts['cta']}.", _budget(seconds[0]))
        lines = tuple(
            ScriptLine(text=text, seconds=float(secs))
            for text, secs in zip(texts, seconds, strict=True)
        )
        return Script(
            hook=texts[0],
            body=" ".join(texts[1:-1]) if count > 2 else "",
            call_to_action=texts[-1] if count > 1 else facts["cta"] + ".",
            voiceover=" ".join(texts),
            lines=lines,
        )

    # ----------------------------------------------------------------------------------------
    def _caption(
        self, facts: Mapping[str, str], stage: str, style: str, trigger: str, role: str,
        line: str,
    ) -> str:  # fmt: skip
        if role == "hook":
            return _hook_caption(line, stage, style, facts)
        if role == "cta":
            return _caption_from(facts["cta"])
        if role == "proof":
            return _TRIGGER_CAPTIONS.get(trigger, _TRIGGER_CAPTIONS[""])
        if role == "benefit":
            return _caption_from(facts["Benefit"])
        options = _fill(_ROLE_CAPTIONS.get(role, ()), facts)
        fitting = [option for option in options if _words(option) <= 7]
        return fitting[0] if fitting else _caption_from(line)

    def scenes(self, brief: Brief, script: Script, *, length_s: int) -> list[Scene]:
        """One scene per script line; durations are whole seconds summing exactly to length_s."""
        _dice, facts, stage, style, trigger = self._context(brief)
        count = scene_count(length_s)
        lines = [line for line in script.lines if _clean(line.text)]
        if len(lines) == count:
            texts = [_clean(line.text) for line in lines]
            hinted = [line.seconds for line in lines]
            if all(float(s).is_integer() and s >= MIN_SCENE_SECONDS for s in hinted) and (
                sum(hinted) == int(length_s)
            ):
                seconds = [int(s) for s in hinted]
            else:
                seconds = split_seconds(length_s, [max(1, _words(t)) for t in texts])
        else:
            texts = _split_text(_clean(script.voiceover) or _clean(script.hook), count)
            seconds = split_seconds(length_s, [max(1, _words(t)) + 2 for t in texts])
        roles = _roles(stage, count)
        look = _STYLE_LOOK.get(style, f"{style} look")
        colors = ", ".join(brief.brand_colors) if brief.brand_colors else "brand colours"
        scenes = []
        for index, (role, text, secs) in enumerate(zip(roles, texts, seconds, strict=True)):
            subject = (_fill((_ROLE_VISUALS[role],), facts) or [_ROLE_VISUALS[role]])[0]
            visual = f"{subject}. {_upper_first(look)}. Brand colours {colors}. 9:16 framing."
            scenes.append(
                Scene(
                    index=index,
                    visual=visual,
                    caption=self._caption(facts, stage, style, trigger, role, text),
                    voiceover=text,
                    duration=float(secs),
                )
            )
        return scenes

    # ----------------------------------------------------------------------------------------
    def ad_copy(self, brief: Brief, *, kind: str) -> AdCopy:
        """Headline, subline and button text for a banner (short) or a flyer (fuller)."""
        dice, facts, stage, style, trigger = self._context(brief)
        dice = _Dice(_fingerprint(brief), kind)
        headline_budget = 7 if kind == "banner" else 10
        cores = [templates for _angle, _title, templates in _HOOKS[stage]]
        options = [text for t in cores for text in _fill(t, facts)[:1]]
        headline = _choose(dice, "headline", options, facts, headline_budget).rstrip(".")
        if kind == "banner":
            subline = _fit_words(f"{facts['Benefit']}.", 12)
        else:
            proof = _choose(dice, "proof", _TRIGGER_LINES.get(trigger, _TRIGGER_LINES[""]),
                            facts, 14)
            made_for = f"Made for {facts['audience']}." if facts["audience"] != "you" else ""
            subline = " ".join(part for part in (f"{facts['Benefit']}.", made_for, proof) if part)
            subline = _fit_words(subline, 28)
        return AdCopy(headline=headline, subline=subline, call_to_action=facts["cta_button"])

    def lyrics(self, brief: Brief, *, seconds: int) -> str:
        """Short rhyming jingle lyrics: about one line per 4 seconds, ending on the brand."""
        dice, facts, _stage, _style, _trigger = self._context(brief)
        couplets = max(1, round(int(seconds) / 8))
        order = dice.shuffled("jingle", [str(i) for i in range(len(_JINGLE_COUPLETS))])
        verses = []
        for key in order[:couplets]:
            first, second = _JINGLE_COUPLETS[int(key)]
            verses.append(first.format(**facts))
            verses.append(_upper_first(second.format(**facts)))
        verses.append(f"{facts['brand']}! {_caption_from(facts['Benefit'], 6)}!")
        return "\n".join(verses)


_TRAILING_WEAK = {
    "a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "by", "in", "on", "at",
    "than", "more", "your", "my", "our", "is", "are", "that", "this", "so", "as", "from",
}  # fmt: skip


def _trim_phrase(words: list[str], max_words: int) -> str:
    """At most ``max_words`` words, never ending on a dangling little word."""
    kept = words[:max_words]
    while len(kept) > 2 and kept[-1].lower().strip(",;:") in _TRAILING_WEAK:
        kept.pop()
    return " ".join(kept).rstrip(",;:-–—")


def _caption_from(text: str, max_words: int = 7, skip: Sequence[str] = ()) -> str:
    """A short on-screen caption from a spoken line: a whole sentence or clause if one is
    short enough (the longest such), else the start of the line without a dangling word."""
    text = _clean(text)
    for prefix in skip:
        if prefix and text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :].strip()
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    clauses = [c.strip() for s in sentences for c in re.split(r"[,;:]\s+|\s[-–—]\s", s)]
    for group in (sentences, clauses):
        short = [c for c in group if 2 <= _words(c) <= max_words]
        if short:
            return max(short, key=_words).rstrip(".,;:")
    if not text:
        return ""
    return _trim_phrase(text.split(), max_words).rstrip(".!?")


def _hook_caption(hook: str, stage: str, style: str, facts: Mapping[str, str]) -> str:
    """The idea's title when the hook is one of ours (it reads as a headline), else a phrase
    of the hook without the style's opening words."""
    for stages in (stage, *STAGES):
        for _angle, title, templates in _HOOKS[stages]:
            if any(core in hook for core in _fill(templates, facts)):
                filled = _fill((title,), facts)
                if filled and _words(filled[0]) <= 7:
                    return filled[0]
    return _caption_from(hook, skip=_FRAMES.get(style, ()))


def _split_text(text: str, count: int) -> list[str]:
    """Split a voiceover into ``count`` chunks of whole sentences (or words), balanced."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    if len(sentences) < count:
        words = text.split()
        if len(words) < count:
            pieces = words + [""] * (count - len(words))
            return pieces
        sentences = words
    target = sum(_words(s) for s in sentences) / count
    chunks: list[str] = []
    current: list[str] = []
    for i, sentence in enumerate(sentences):
        current.append(sentence)
        remaining_sentences = len(sentences) - i - 1
        remaining_chunks = count - len(chunks) - 1
        size = sum(_words(s) for s in current)
        if remaining_chunks and (size >= target or remaining_sentences == remaining_chunks):
            chunks.append(" ".join(current))
            current = []
    chunks.append(" ".join(current))
    return chunks + [""] * (count - len(chunks))


# ============================================================================================
# images


def _rgb(color: str, fallback: tuple[int, int, int]) -> tuple[int, int, int]:
    try:
        value = ImageColor.getrgb(color.strip())
    except (ValueError, AttributeError):
        return fallback
    return value[0], value[1], value[2]


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _luma(color: tuple[int, int, int]) -> float:
    return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]


class PillowImages:
    """Brand-coloured compositions: gradient, soft shapes varied by seed, typeset text."""

    name = "offline"
    model = "pillow-composition"

    def image(self, request: ImageRequest, out_path: Path) -> Path:
        width, height = int(request.width), int(request.height)
        if width < 8 or height < 8:
            raise ProviderError(f"image size too small: {width}×{height}")
        dice = _Dice(request.seed, request.prompt, request.title, tuple(request.colors))
        palette = [_rgb(c, (31, 58, 147)) for c in request.colors] or [(31, 58, 147)]
        if len(palette) == 1:
            palette.append(_mix(palette[0], (0, 0, 0), 0.55))
        start, end = palette[0], palette[1]
        accent = palette[2] if len(palette) > 2 else _mix(end, (255, 255, 255), 0.35)

        canvas = self._gradient(width, height, start, end, dice.number("angle") % 360)
        canvas = self._shapes(canvas, dice, accent, end)
        draw = ImageDraw.Draw(canvas)
        self._text(draw, width, height, request.title, request.caption, start, end)

        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.stem}.partial.png")
        canvas.convert("RGB").save(partial, format="PNG", compress_level=1)
        partial.replace(out)
        return out

    @staticmethod
    def _gradient(
        width: int, height: int, start: tuple[int, int, int], end: tuple[int, int, int], angle: int
    ) -> Image.Image:
        # a diagonal-ish gradient: the 256-step ramp rotated (within ±35° of vertical) and
        # stretched over the canvas
        mask = Image.linear_gradient("L").rotate(
            (angle % 70) - 35, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=None
        )
        mask = mask.crop((40, 40, 216, 216)).resize((width, height), Image.Resampling.BICUBIC)
        return Image.composite(Image.new("RGB", (width, height), end),
                               Image.new("RGB", (width, height), start), mask).convert("RGBA")

    @staticmethod
    def _shapes(
        canvas: Image.Image, dice: _Dice, accent: tuple[int, int, int],
        end: tuple[int, int, int],
    ) -> Image.Image:  # fmt: skip
        width, height = canvas.size
        scale = 4  # draw small, blur, scale up: soft shapes for little CPU
        small = (max(2, width // scale), max(2, height // scale))
        layer = Image.new("RGBA", small, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        sw, sh = small
        unit = min(sw, sh)
        white = (255, 255, 255)
        for i in range(3 + dice.number("circles") % 4):  # soft "bokeh" circles
            x = dice.number(f"cx{i}") % sw
            y = dice.number(f"cy{i}") % sh
            r = unit * (0.12 + (dice.number(f"cr{i}") % 100) / 260)
            color = accent if i % 2 else white
            alpha = 40 + dice.number(f"ca{i}") % 50
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*color, alpha))
        style = dice.number("style") % 3
        if style == 0:  # a diagonal band
            offset = (dice.number("band") % 60) / 100 * sh
            band = [
                (0, offset), (sw, offset - sw * 0.5), (sw, offset - sw * 0.2),
                (0, offset + sw * 0.3),
            ]
            draw.polygon(band, fill=(*white, 34))
        elif style == 1:  # a large ring
            r = unit * 0.42
            cx, cy = sw * 0.5, sh * (0.35 + (dice.number("ring") % 30) / 100)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*accent, 120),
                         width=max(2, unit // 28))
        else:  # stacked rounded cards
            for k in range(3):
                x0 = sw * (0.12 + 0.06 * k)
                y0 = sh * (0.28 + 0.05 * k)
                draw.rounded_rectangle((x0, y0, x0 + sw * 0.6, y0 + sh * 0.22),
                                       radius=max(2, unit // 14),
                                       fill=(*_mix(end, white, 0.3 + 0.2 * k), 46))
        # blur and scale with premultiplied alpha, so the shapes get no dark fringe
        soft = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(max(1, unit // 90)))
        soft = soft.resize((width, height), Image.Resampling.BICUBIC).convert("RGBA")
        return Image.alpha_composite(canvas, soft)

    @staticmethod
    def _text(
        draw: ImageDraw.ImageDraw, width: int, height: int, title: str, caption: str,
        start: tuple[int, int, int], end: tuple[int, int, int],
    ) -> None:  # fmt: skip
        unit = min(width, height * 0.75)
        title = _clean(title)
        caption = _clean(caption)
        if title:
            size = max(10, round(unit * 0.095))
            lines, font = _wrap_to_box(title, size, width * 0.84, max_lines=3)
            line_h = font.size * 1.18
            y = height * 0.16
            shadow = max(1, font.size // 18)
            for line in lines:
                w = font.getlength(line)
                x = (width - w) / 2
                draw.text((x + shadow, y + shadow), line, font=font, fill=(0, 0, 0, 110))
                draw.text((x, y), line, font=font, fill=(255, 255, 255, 255))
                y += line_h
        if caption:
            size = max(8, round(unit * 0.05))
            lines, font = _wrap_to_box(caption, size, width * 0.74, max_lines=3)
            line_h = font.size * 1.25
            pad = font.size * 0.7
            box_w = max(font.getlength(line) for line in lines) + 2 * pad
            box_h = line_h * len(lines) + pad * 1.2
            top = height * 0.58
            left = (width - box_w) / 2
            dark = start if _luma(start) < _luma(end) else end
            draw.rounded_rectangle(
                (left, top, left + box_w, top + box_h), radius=box_h * 0.25 if len(lines) > 1
                else box_h / 2, fill=(*_mix(dark, (0, 0, 0), 0.4), 200),
            )
            y = top + pad * 0.6
            for line in lines:
                w = font.getlength(line)
                draw.text(((width - w) / 2, y), line, font=font, fill=(255, 255, 255, 255))
                y += line_h


def _wrap_to_box(
    text: str, size: int, max_width: float, *, max_lines: int
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Wrap ``text`` with the shipped font, shrinking it until it fits in ``max_lines``."""
    while True:
        font = ImageFont.truetype(str(ff.FONT_PATH), size)
        lines = ff.balanced_wrap(text, font, max_width)
        if len(lines) <= max_lines or size <= 10:
            break
        size = max(10, int(size * 0.88))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines, font


# ============================================================================================
# video, voice, music, stitching


class FfmpegMotionClips:
    """A gentle zoom or pan over the scene image, caption burned in (ffmpeg zoompan)."""

    name = "offline"
    model = "ffmpeg-zoompan"

    def segment(self, request: SegmentRequest, out_path: Path) -> Path:
        return ff.render_segment_from_still(
            request.still,
            out_path,
            seconds=request.seconds,
            width=request.width,
            height=request.height,
            caption=request.caption,
            seed=request.seed,
        )


_VOICE_ALIASES: dict[str, str] = {
    "": "en-us",
    "default": "en-us",
    "en": "en-us",
    "english": "en-us",
    "american": "en-us",
    "us": "en-us",
    "british": "en-gb",
    "uk": "en-gb",
    "female": "en-us+f3",
    "woman": "en-us+f3",
    "male": "en-us+m3",
    "man": "en-us+m3",
}
_ESPEAK_VOICE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]{1,12})?$")
SILENT_NOTICE = "espeak-ng is not installed: the voiceover is a silent track"


def espeak_voice(voice: str) -> str:
    """Map a voice setting to an espeak-ng voice name (default ``en-us``)."""
    key = voice.strip().lower()
    if key in _VOICE_ALIASES:
        return _VOICE_ALIASES[key]
    return key if _ESPEAK_VOICE_RE.match(key) else "en-us"


class EspeakVoice:
    """espeak-ng speech as a 48 kHz mono WAV; a silent track (with a notice) without it."""

    name = "offline"
    speed_wpm = 165

    def __init__(self) -> None:
        self.model = "espeak-ng" if shutil.which("espeak-ng") else "silence"

    def speak(self, text: str, out_path: Path, *, voice: str = "") -> AudioResult:
        text = _clean(text)
        exe = shutil.which("espeak-ng")
        out = Path(out_path)
        if not text:
            return AudioResult(path=self._write(None, out, seconds=0.5))
        if exe is None:
            self.model = "silence"
            seconds = max(1.0, _words(text) / WORDS_PER_SECOND)
            return AudioResult(path=self._write(None, out, seconds=seconds), notice=SILENT_NOTICE)
        self.model = "espeak-ng"
        with tempfile.TemporaryDirectory(prefix="aytada-voice-") as tmp:
            textfile = Path(tmp) / "line.txt"
            textfile.write_text(text, encoding="utf-8")
            raw = Path(tmp) / "raw.wav"
            chosen = espeak_voice(voice)
            for name in dict.fromkeys([chosen, "en-us"]):
                cmd = [exe, "-v", name, "-s", str(self.speed_wpm), "-w", str(raw)]
                cmd += ["-f", str(textfile)]
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    raise ProviderError(f"espeak-ng failed: {exc}") from exc
                if proc.returncode == 0 and raw.is_file() and raw.stat().st_size > 44:
                    break
            else:
                raise ProviderError(f"espeak-ng failed: {ff.last_line(proc.stderr)}")
            return AudioResult(path=self._write(raw, out, seconds=None))

    @staticmethod
    def _write(raw: Path | None, out: Path, *, seconds: float | None) -> Path:
        """Convert ``raw`` (or silence of ``seconds``) to ``out``: WAV unless its suffix says."""
        codec = list(ff.WAV_ARGS) if out.suffix.lower() in (".wav", "") else []
        fmt = ["-f", "wav"] if out.suffix == "" else []
        with ff.atomic_output(out) as part:
            if raw is None:
                samples = round(float(seconds or 0.5) * ff.AUDIO_RATE)
                source = ["-f", "lavfi", "-i", f"anullsrc=r={ff.AUDIO_RATE}:cl=mono",
                          "-filter:a", f"atrim=end_sample={samples}"]
            else:
                source = ["-i", str(raw), "-filter:a",
                          f"aresample={ff.AUDIO_RATE},aformat=channel_layouts=mono"]
            ff.run_ffmpeg([*source, *codec, *fmt, str(part)], what="writing the voiceover")
        return out


# Chord progressions in semitones from the key's root (I–V–vi–IV and friends).
_PROGRESSIONS: tuple[tuple[tuple[int, int, int], ...], ...] = (
    ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)),  # I V vi IV
    ((0, 4, 7), (9, 12, 16), (5, 9, 12), (7, 11, 14)),  # I vi IV V
    ((9, 12, 16), (5, 9, 12), (0, 4, 7), (7, 11, 14)),  # vi IV I V
    ((0, 4, 7), (5, 9, 12), (9, 12, 16), (7, 11, 14)),  # I IV vi V
)
_KEYS_HZ = (261.63, 293.66, 246.94, 220.00, 196.00)  # C4, D4, B3, A3, G3
_SYNTH_RATE = 16_000  # plenty for a bed low-passed at 3.2 kHz; resampled to 48 kHz after


class SynthMusic:
    """A soft synthesized bed: pad chords, a bass note and a light arpeggio, with fades."""

    name = "offline"
    model = "synth"

    def compose(self, prompt: str, seconds: float, out_path: Path) -> AudioResult:
        seconds = float(seconds)
        if seconds <= 0:
            raise ProviderError("music length must be positive")
        dice = _Dice("music", _clean(prompt).lower())
        root = _KEYS_HZ[dice.number("key") % len(_KEYS_HZ)]
        progression = _PROGRESSIONS[dice.number("progression") % len(_PROGRESSIONS)]
        bar = 2.0 if dice.number("tempo") % 2 else 2.4  # seconds per chord
        step = bar / 8  # arpeggio eighth notes

        def freq(semitones: int) -> float:
            return root * 2 ** (semitones / 12)

        def select(values: Sequence[float]) -> str:
            expr = f"{values[-1]:.3f}"
            for index in range(len(values) - 2, -1, -1):
                expr = f"if(eq(ld(0),{index}),{values[index]:.3f},{expr})"
            return expr

        chord_tones = [select([freq(chord[k]) for chord in progression]) for k in range(3)]
        bass = select([freq(chord[0]) / 2 for chord in progression])
        arp_notes = [
            select([freq(chord[k % 3] + 12 * (k // 3)) for chord in progression])
            for k in (0, 1, 2, 3)
        ]
        # av_expr has ten variables: 0 chord index, 1 time in the bar, 2 chord envelope,
        # 3 arpeggio step, 4 time in the step, 5 arpeggio note, 6-8 chord tones, 9 bass
        expr = (
            f"st(0,mod(floor(t/{bar}),4));"
            f"st(1,mod(t,{bar}));"
            f"st(2,min(1,ld(1)/0.35)*min(1,({bar}-ld(1))/0.45));"
            f"st(3,mod(floor(t/{step}),4));"
            f"st(4,mod(t,{step}));"
            f"st(5,if(eq(ld(3),0),{arp_notes[0]},if(eq(ld(3),1),{arp_notes[1]},"
            f"if(eq(ld(3),2),{arp_notes[2]},{arp_notes[3]}))));"
            f"st(6,{chord_tones[0]});st(7,{chord_tones[1]});st(8,{chord_tones[2]});"
            f"st(9,{bass});"
            "ld(2)*("
            + "+".join(f"0.11*sin(2*PI*ld({v})*t)+0.05*sin(2*PI*ld({v})*1.003*t)"
                       for v in (6, 7, 8))
            + "+0.16*sin(2*PI*ld(9)*t))"
            f"+0.07*exp(-7*ld(4))*min(1,ld(4)*80)*min(1,({step}-ld(4))*40)"
            "*sin(2*PI*ld(5)*2*t)"
        )
        fade_out = min(1.5, seconds / 3)
        samples = round(seconds * ff.AUDIO_RATE)
        # the progression is periodic: synthesize one cycle (the expression is the costly part)
        # and loop it; each chord's envelope is silent at the bar line, so the loop is seamless
        cycle = 4 * bar
        cycle_samples = round(cycle * _SYNTH_RATE)
        chain = ",".join((
            f"aloop=loop=-1:size={cycle_samples}",
            "lowpass=f=3200",
            "aecho=0.8:0.6:90|170:0.22|0.14",
            f"aresample={ff.AUDIO_RATE}",
            f"afade=t=in:d={min(1.0, seconds / 4):.3f}",
            f"afade=t=out:st={seconds - fade_out:.3f}:d={fade_out:.3f}",
            f"apad=whole_len={samples}",
            f"atrim=end_sample={samples}",
        ))  # fmt: skip
        source = f"aevalsrc='{expr}':s={_SYNTH_RATE}:c=mono:d={cycle:.3f}"
        out = Path(out_path)
        with ff.atomic_output(out) as part:
            ff.run_ffmpeg(
                ["-f", "lavfi", "-i", source, "-filter:a", chain, *ff.WAV_ARGS, str(part)],
                what="synthesizing music",
            )
        return AudioResult(path=out)


class LocalStitcher:
    """Joins the segments with ``-c:v copy`` and mixes voice over ducked music (local ffmpeg)."""

    name = "local"
    model = "ffmpeg"

    def stitch(
        self, segments: list[Path], voice: Path | None, music: Path | None, out_path: Path
    ) -> Path:
        return ff.stitch_local(segments, voice, music, out_path)
