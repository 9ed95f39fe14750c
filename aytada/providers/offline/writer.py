"""The offline copywriter: ideas, scripts, scenes, ad copy and jingle lyrics from the brief.

Deterministic: every choice comes from a SHA-256 of the brief's fields, so the same brief always
gives the same text, and changing the awareness stage, the creative style or the persuasion
trigger changes it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence

from aytada.providers.base import (
    AdCopy,
    Brief,
    Idea,
    Scene,
    Script,
    ScriptLine,
)
from aytada.providers.offline.common import WORDS_PER_SECOND, _clean, _Dice, _words
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS

MIN_SCENE_SECONDS = 2

# ============================================================================================
# deterministic choices


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


