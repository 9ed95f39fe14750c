"""The offline copywriter: ideas, scripts, scenes, ad copy, strategy drafts and jingle lyrics,
every line built from the campaign's own words.

Where each line comes from (:mod:`aytada.providers.offline.brief_reading` reads the brief):

* the **hook** from the audience's struggle or wish, their phrases turned to "you" ("Still do
  inventory on paper?"), or from the benefit, the proof or the offer, by awareness stage;
* the **benefit** from Messaging; the **reason to believe** from the product description;
* the **proof** (ratings, counts, endorsements) from Goals, Messaging and the description;
* the **offer**, the **deadline** and the **call to action** from Goals; the **destination**
  from the campaign.

Industry, business type, stage, style and trigger choose the structure (what comes first, the
rhythm, the call to action's verb, which proof leads) and never add a pain, a setting, a habit
or a claim the brief does not state. Where the brief is thin the ad says less.

Deterministic: every choice comes from a SHA-256 of the brief's fields (and the project seed),
and lines are chosen whole (sentences and standalone clauses) to fit ~2.5 words per second:
nothing is truncated.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from aytada.providers.base import (
    AdCopy,
    Brief,
    Idea,
    Scene,
    Script,
    ScriptLine,
    Strategy,
    split_layout,
)
from aytada.providers.offline.brief_reading import (
    DEFAULT_CTA,
    Goals,
    Trait,
    audience_traits,
    call_to_action,
    offer_text,
    read_goals,
    short_audience,
    shorter,
    spoken_destination,
    without_destination,
)
from aytada.providers.offline.common import (
    WORDS_PER_SECOND,
    _clean,
    _Dice,
    _words,
    as_sentence,
    clauses,
    ends_whole,
    fits_caption,
    sentences,
)
from aytada.standards import MIN_SCENE_SECONDS, scene_count, spoken_words
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS

HOOK_WORDS = 8
"""A hook is at most this many words (craft sheet), the style's opening words included."""
HEADLINE_WORDS = 8
"""A banner or flyer headline is at most this many words (vocabulary.COPY_WORD_LIMITS)."""
CAPTION_WIDTH = 32
CAPTION_ROWS = 2


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


def scene_layout(visual: str) -> str:
    """The composition role the writer put on :attr:`Scene.visual` ("" when there is none)."""
    return split_layout(visual)[0]


# ============================================================================================
# what the campaign says (and so all the copy may say)

_BUSINESS_NAMES = {
    "physicalproduct": "product", "saas": "saas", "service": "service",
    "ecommercebrand": "ecommerce", "ecommerce": "ecommerce", "mobileapp": "app", "app": "app",
    "localbusiness": "local", "courseinfoproduct": "course", "agency": "agency",
    "marketplace": "marketplace", "subscriptionbox": "subscription", "nonprofit": "nonprofit",
}  # fmt: skip

# How a business type's product is seen in use (scene pictures only; never spoken).
_IN_USE = {
    "product": "in someone's hands", "saas": "on a laptop screen", "app": "on a phone screen",
    "ecommerce": "just unboxed", "subscription": "in its box, just opened",
    "course": "on a laptop screen", "marketplace": "on a phone screen",
}  # fmt: skip

# Businesses sold under the brand's name ("Book with Bright Smile Dental", not its service).
_BRAND_LED = frozenset({"local", "service", "agency", "nonprofit"})


def _business(brief: Brief) -> str:
    key = _squash(brief.business_type)
    named = _BUSINESS_NAMES.get(key)
    if named:
        return named
    for squashed, name in _BUSINESS_NAMES.items():
        if key and (key in squashed or squashed in key):
            return name
    return "saas" if "saas" in _squash(brief.industry) else "generic"


@dataclass
class _Campaign:
    """What the writer knows about the campaign, read once from the brief."""

    product: str
    brand: str
    named: str  # what the ad calls it: the brand for a local business or service
    audience: str  # a short noun phrase ("" when the audience text has none)
    business: str
    traits: list[Trait]
    benefits: list[str]  # whole sentences of Messaging
    reasons: list[str]  # whole sentences of the product description
    goals: Goals
    cta: str  # the spoken call to action, a whole sentence, destination included
    cta_core: str  # the call to action's verb phrase, no destination, no end punctuation
    cta_button: str
    destination: str

    @property
    def pains(self) -> list[Trait]:
        return [t for t in self.traits if t.kind == "pain"]

    @property
    def wants(self) -> list[Trait]:
        return [t for t in self.traits if t.kind == "want"]


def _read(brief: Brief) -> _Campaign:
    product = _clean(brief.product_name) or _clean(brief.name) or "our product"
    brand = _clean(brief.brand_name) or product
    business = _business(brief)
    named = brand if business in _BRAND_LED else product
    goals = read_goals(brief.goals, brief.messaging, brief.product_description)
    stated = {s.lower() for s in (*goals.proof, *goals.authority, *goals.offers)}

    def own(text: str) -> list[str]:
        out = []
        for sentence in sentences(text):
            if sentence.lower() not in stated and not offer_text(sentence)[0]:
                out.append(sentence)
        return out

    benefits = own(brief.messaging)
    reasons = [s for s in own(brief.product_description) if s not in benefits]
    core, button = call_to_action(brief.goals, business)
    core = core.format(product=named, brand=brand)
    destination = _clean(getattr(brief, "destination", ""))
    where = spoken_destination(destination)
    joiner = "" if where[:1] in (".", ":") else " "
    cta = as_sentence(f"{core}{joiner}{where}" if where else core)
    return _Campaign(
        product=product,
        brand=brand,
        named=named,
        audience=short_audience(brief.audience),
        business=business,
        traits=audience_traits(brief.audience),
        benefits=benefits,
        reasons=reasons,
        goals=goals,
        cta=cta,
        cta_core=core,
        cta_button=button.format(product=named, brand=brand),
        destination=destination,
    )


def _budget(seconds: float) -> int:
    return max(2, math.floor(seconds * WORDS_PER_SECOND))


def _units(texts: Sequence[str]) -> list[str]:
    """Each sentence, then its standalone clauses (a shorter whole option)."""
    out: list[str] = []
    for sentence in texts:
        for unit in (sentence, *clauses(sentence)):
            if unit not in out:
                out.append(unit)
    return out


def _lower_first(text: str, keep: Sequence[str] = ()) -> str:
    """``text`` with its first letter lowered (after a colon), unless it starts with a name."""
    if any(name and text.startswith(name) for name in keep):
        return text
    if text.startswith(("I ", "I'")):
        return text
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


_PLAIN = frozenset(
    """a an the of for to with and or but so in on at by from into as than your you my i me
    it its is are was were be been has have had do does did not no still used that this
    what when who meet then there here just""".split()
)


def _gist(text: str) -> frozenset[str]:
    """The content words of a line (to tell one thing said twice in other words)."""
    words = re.findall(r"[\w%$€£'’-]+", text.lower())
    return frozenset(w.strip("'’-") for w in words if w not in _PLAIN)


def _said(text: str, used: Sequence[frozenset[str]], names: frozenset[str] = frozenset()) -> bool:
    """True when most of what ``text`` says is already in one line said before (the product's
    and the brand's names are who it is about, not what it says)."""
    gist = _gist(text) - names
    if not gist:
        return False
    return any(len(gist & before) >= 0.6 * len(gist) for before in used)


# ============================================================================================
# voices: how a creative style speaks (its words are few and state nothing)


@dataclass(frozen=True)
class _Style:
    """How a creative style speaks and looks."""

    frames: tuple[str, ...]  # opening words a hook may take (a hook is at most 8 words)
    approach: str  # the narrative approach of an idea
    look: str  # the look of the scene pictures
    voice: str = "default"  # how the product is introduced and who speaks
    statement_frames: bool = False  # its frames only lead statements, never questions


_STYLES: dict[str, _Style] = {  # by creative style (:data:`STYLES`)
    "Direct Response": _Style(
        (),
        "Fast cuts and a clear ask: hook, benefit, reason to believe, then act.",
        "bold, high-contrast framing with the product front and centre",
    ),
    "UGC Style": _Style(
        ("Real talk:", "Okay, so:"),
        "Selfie-style, first-person phone footage that feels like a friend's tip.",
        "handheld smartphone look, natural window light",
        "tip",
    ),
    "Cinematic": _Style(
        ("Picture this:",),
        "Slow, polished shots with mood lighting that build to the product reveal.",
        "cinematic light, shallow depth of field, golden-hour glow, slow dolly",
        "cinematic",
        statement_frames=True,
    ),
    "Storytelling": _Style(
        ("True story:",),
        "A short story with a relatable character, a turning point and a payoff.",
        "warm, candid framing with soft natural light",
        "story",
        statement_frames=True,
    ),
    "Problem-Solution": _Style(
        ("The problem?",),
        "Name the problem, feel it, then show the product solving it.",
        "split contrast between the problem and the fix",
        "fix",
        statement_frames=True,
    ),
    "Testimonial": _Style(
        ("Honestly?",),
        "One person tells it in their own words, with their before and after.",
        "a person speaking to camera in a well-lit room",
        "first_person",
    ),
    "Educational": _Style(
        ("Worth knowing:",),
        "Teach one useful thing, with the product as the practical answer.",
        "clean explainer set-up with simple on-screen diagrams",
        "expert",
        statement_frames=True,
    ),
    "Humor": _Style(
        ("Plot twist:",),
        "A playful take on the problem with a witty payoff.",
        "playful staging with bright colours and comic timing",
        "playful",
        statement_frames=True,
    ),
    "Luxury": _Style(
        (),
        "Elegant close-ups, rich textures and few words: desire over discount.",
        "elegant close-up, dark marble and soft gold accents, slow motion",
        "refined",
    ),
    "Minimalist": _Style(
        (),
        "Clean frames, lots of space, one idea per scene.",
        "minimal set, plain background, lots of negative space",
        "minimal",
    ),
}


def _unknown_style(name: str) -> _Style:
    """A style the writer has no table for: no frames, a generic approach and look."""
    approach = f"A {name} treatment that keeps the product front and centre."
    return _Style(frames=(), approach=approach, look=f"{name} look")


# How each voice brings the product in ({product} is what the ad calls it).
_INTRO: dict[str, tuple[str, ...]] = {
    "default": ("Meet {product}.",),
    "first_person": ("Then I found {product}.", "That's when I found {product}."),
    "tip": ("My tip: {product}.", "Try {product}."),  # a friend's tip, after a "you" hook
    "story": ("Then came {product}.",),
    "cinematic": ("And then, {product}.",),
    "fix": ("The fix: {product}.",),
    "expert": ("That's why there's {product}.",),
    "playful": ("Enter {product}.",),
    "refined": ("Introducing {product}.",),
    "minimal": ("{product}.",),
}

_STAGE_STRATEGY: dict[str, str] = {
    "unaware": "viewers who don't know they have the problem, so it opens on their day",
    "problem_aware": "viewers who feel the problem, so it starts from their struggle",
    "solution_aware": "viewers comparing solutions, so it leads with what this one does",
    "product_aware": "viewers who know the product, so it leads with proof",
    "most_aware": "viewers ready to act, so it leads with the offer and makes acting easy",
}

# The script's middle by awareness stage: roles in narrative order, and the order in which
# they are kept when there are few scenes. A role with nothing in the brief is skipped.
_STAGE_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unaware": (
        ("pain", "want", "intro", "benefit", "reason", "proof", "offer", "urgency"),
        ("intro", "benefit", "pain", "proof", "offer", "reason", "want", "urgency"),
    ),
    "problem_aware": (
        ("pain", "want", "intro", "benefit", "reason", "proof", "offer", "urgency"),
        ("intro", "benefit", "proof", "pain", "offer", "reason", "want", "urgency"),
    ),
    "solution_aware": (
        ("intro", "benefit", "reason", "proof", "want", "offer", "urgency"),
        ("intro", "benefit", "proof", "reason", "offer", "want", "urgency"),
    ),
    "product_aware": (
        ("proof", "intro", "benefit", "reason", "offer", "urgency"),
        ("proof", "benefit", "offer", "intro", "reason", "urgency"),
    ),
    "most_aware": (
        ("offer", "urgency", "intro", "benefit", "proof", "reason"),
        ("offer", "proof", "urgency", "benefit", "intro", "reason"),
    ),
}

# The persuasion trigger moves the role that carries it to the front of what is kept.
_TRIGGER_ROLE = {
    "Social Proof": "proof", "Authority": "proof", "Scarcity": "urgency",
    "Reciprocity": "offer", "Commitment & Consistency": "offer", "Liking": "want",
}  # fmt: skip

# Hooks by awareness stage: the angles in the order the stage prefers them. Each angle makes
# its hooks from one part of the brief (see :meth:`OfflineWriter._angle_hooks`).
_HOOK_ANGLES: dict[str, tuple[str, ...]] = {
    "unaware": ("struggle", "reason", "call_out", "benefit", "wish", "product", "named"),
    "problem_aware": (
        "question", "struggle", "wish", "call_out", "benefit", "product", "named"
    ),
    "solution_aware": ("benefit", "wish", "reason", "question", "proof", "product", "named"),
    "product_aware": ("proof", "named", "benefit", "reason", "offer", "product"),
    "most_aware": ("offer", "proof", "deadline", "benefit", "named", "product"),
}  # fmt: skip
# The angle a voice opens on when the brief gives it one (else the stage's order holds).
_VOICE_ANGLE = {
    "first_person": ("struggle", "wish"), "story": ("struggle",), "cinematic": ("struggle",),
    "expert": ("reason",), "refined": ("named",), "fix": ("question",),
}  # fmt: skip
_ANGLE_NAMES = {
    "struggle": "Their day", "question": "Pain point", "wish": "What they want",
    "call_out": "Call-out", "benefit": "The benefit", "reason": "How it works",
    "proof": "Proof", "offer": "The offer", "deadline": "Deadline", "product": "Introduction",
    "named": "Name and claim",
}  # fmt: skip


def _offer_on(offer: str, named: str) -> str:
    """An amount off said with what it is off ("20% off." → "20% off Lumi Glow Serum."); any
    other offer as it is."""
    bare = offer.rstrip(".")
    if re.search(r"\boff$", bare, re.IGNORECASE) and named.lower() not in bare.lower():
        return f"{bare} {named}."
    return offer


def _first_person(trait: Trait) -> str:
    """A trait told by someone who had it ("You lose money to spoiled stock." → "I used to lose
    money to spoiled stock."), or "" when it cannot be said that way."""
    phrase = trait.verb_phrase
    if not phrase:
        return ""
    mine = re.sub(r"\byour\b", "my", phrase)
    mine = re.sub(r"\byourself\b", "myself", mine)
    mine = re.sub(r"\byou\b", "me", mine)
    first, _, rest = mine.partition(" ")
    if first in {"want", "need", "wish"}:
        return as_sentence(f"I {first}ed {rest}")
    if first == "are":
        return as_sentence(f"I was {rest}")
    if first in {"can't", "cannot", "don't", "never", "still", "have", "had"} or (
        trait.kind == "fact"
    ):
        return as_sentence(f"I {mine}")
    return as_sentence(f"I used to {mine}")


# ============================================================================================
# timing


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


def _spoken_seconds(text: str) -> int:
    """Whole seconds needed to say ``text`` at the budgeted pace (at least a scene's minimum)."""
    return max(MIN_SCENE_SECONDS, math.ceil(spoken_words(text) / WORDS_PER_SECOND))


def timed_seconds(length_s: int, texts: Sequence[str], *, end_card: bool = True) -> list[int]:
    """Whole seconds per line following its spoken length, each ≥ 2, summing to ``length_s``.

    Every line first gets the time it needs to be said; the spare seconds are shared in
    proportion to that need, and the end card (the last line) gets at least 3 s when there is
    room. When the lines cannot all fit, the time is shared in proportion to need (the caller
    reports the overflow; nothing is cut here).
    """
    length = int(length_s)
    if not texts:
        return []
    need = [_spoken_seconds(text) for text in texts]
    if sum(need) > length:
        return split_seconds(length, need)
    seconds = list(need)
    if end_card and len(seconds) > 1 and seconds[-1] < 3 and sum(seconds) < length:
        seconds[-1] += 1
    spare = length - sum(seconds)
    if spare:
        extra = split_seconds(spare, need) if spare >= 2 * len(need) else None
        if extra is None:  # a few seconds left: to the longest lines first
            extra = [0] * len(need)
            order = sorted(range(len(need)), key=lambda i: (-need[i], i))
            for k in range(spare):
                extra[order[k % len(order)]] += 1
        seconds = [a + b for a, b in zip(seconds, extra, strict=True)]
    return seconds


def _even_seconds(length_s: int, count: int) -> list[int]:
    """An even split; the extra seconds go to the middle scenes, then the hook."""
    base, extra = divmod(int(length_s), count)
    seconds = [base] * count
    middle = list(range(1, count - 1)) or list(range(count))
    for k in range(extra):
        seconds[middle[k % len(middle)]] += 1
    return seconds


def _layouts(count: int) -> list[str]:
    """The composition of each scene: the hook opens on the product (on screen from 0 s), the
    middle scenes alternate detail and in-context shots, the last one is the end card."""
    if count <= 1:
        return ["hero"]
    middle = ["detail" if k % 2 == 0 else "context" for k in range(count - 2)]
    return ["hero", *middle, "end_card"]


# ============================================================================================
# edited scripts: the fields are the source of truth


def _norm_words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^\w%'’$€£-]+", " ", text.lower()).split() if w.strip("-'’")]


def _find(needle: str, haystack: str) -> tuple[int, int] | None:
    """Word span of ``needle`` inside ``haystack`` (case and punctuation ignored), or None."""
    small, big = _norm_words(needle), _norm_words(haystack)
    if not small or len(small) > len(big):
        return None
    for start in range(len(big) - len(small) + 1):
        if big[start : start + len(small)] == small:
            return start, start + len(small)
    return None


def _spoken_text(script: Script) -> tuple[str, str, str]:
    """(full spoken text, hook, call to action) of a script as the user left it.

    The voiceover is the starting point. A field the user changed after the script was written
    (told by ``script.lines``, the script as first written) replaces its old wording inside the
    voiceover; a field whose words are not in the voiceover is added where it belongs (hook
    first, call to action last, body before the call to action). So editing only the hook, only
    the voiceover, or everything, always reaches the scenes; stale ``lines`` are never spoken.
    """
    hook, body, cta = _clean(script.hook), _clean(script.body), _clean(script.call_to_action)
    voiceover = _clean(script.voiceover)
    old = [_clean(line.text) for line in script.lines if _clean(line.text)]
    old_fields = {
        "hook": old[0] if old else "",
        "call_to_action": old[-1] if len(old) > 1 else "",
        "body": " ".join(old[1:-1]) if len(old) > 2 else "",
    }
    if not voiceover:
        return " ".join(p for p in (hook, body, cta) if p), hook, cta
    text = voiceover
    for name, new in (("hook", hook), ("call_to_action", cta), ("body", body)):
        if not new or _find(new, text):
            continue
        previous = old_fields[name]
        if previous == new:
            continue  # untouched since the script was written: the voiceover decides
        if previous and previous in text:
            text = text.replace(previous, new, 1)
        elif name == "hook":
            text = f"{new} {text}"
        elif name == "call_to_action":
            text = f"{text} {new}"
        else:
            at = _find(cta, text) if cta else None
            words = text.split()
            if at and at[0] > 0:
                text = " ".join([*words[: at[0]], new, *words[at[0] :]])
            else:
                text = f"{text} {new}"
    return _clean(text), hook, cta


def _scene_lines(script: Script, count: int) -> list[str]:
    """The spoken line of each scene: the hook's sentences first, the call to action's last,
    the rest as balanced groups of whole sentences in between (never a split sentence)."""
    text, hook, cta = _spoken_text(script)
    old = [_clean(line.text) for line in script.lines if _clean(line.text)]
    if old and " ".join(old) == text and len(old) <= max(count, 1):
        return old  # nothing was edited: the script's own lines, one per scene
    units = sentences(text)
    if not units:
        return []
    # sentence index of each word, to map the hook / CTA spans onto whole sentences
    owner = [i for i, unit in enumerate(units) for _ in _norm_words(unit)]
    head = 1
    span = _find(hook, text) if hook else None
    if span and span[0] == 0 and owner:
        head = owner[min(span[1], len(owner)) - 1] + 1
    tail = len(units) - 1
    span = _find(cta, text) if cta else None
    if span and owner and span[1] == len(owner):
        tail = owner[span[0]]
    tail = max(tail, head) if len(units) > head else len(units)
    first = " ".join(units[:head])
    last = " ".join(units[tail:])
    middle = units[head:tail]
    if count <= 1 or not last:
        return [" ".join(units)]
    slots = max(0, count - 2)
    if not middle or slots == 0:
        return [first, *([" ".join(middle)] if middle else []), last]
    slots = min(slots, len(middle))
    target = sum(_words(u) for u in middle) / slots
    groups: list[list[str]] = []
    current: list[str] = []
    for i, unit in enumerate(middle):
        current.append(unit)
        units_left = len(middle) - i - 1
        groups_left = slots - len(groups) - 1
        size = sum(_words(u) for u in current)
        if groups_left and (size >= 0.85 * target or units_left == groups_left):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return [first, *(" ".join(g) for g in groups), last]


# ============================================================================================
# captions


def _strip_frame(text: str, frames: Sequence[str]) -> str:
    for frame in sorted(frames, key=len, reverse=True):
        if frame and text.startswith(frame) and len(text) > len(frame) + 1:
            rest = text[len(frame) :].strip()
            return rest[:1].upper() + rest[1:]
    return text


def _caption_text(text: str) -> str:
    return text.rstrip(". ") if not text.endswith("...") else text


def _lead_phrases(sentence: str) -> list[str]:
    """The sentence up to a clause boundary (", and", ", so", " while", ";", …) when what
    comes before stands whole: "Our mechanics check brakes, gears and tyres"."""
    out = []
    boundary = r"[;:]\s|\s[-–—]\s|,\s+(?:and|so|but|or|then)\s|\s(?:while|because|so that|when)\s"
    for match in re.finditer(boundary, sentence):
        head = sentence[: match.start()].strip()
        if _words(head) >= 3 and ends_whole(head):
            out.append(head)
    return out


def _caption(
    line: str, frames: Sequence[str] = (), *, prefer_first: bool = False, name: str = ""
) -> str:
    """A caption made of whole phrases of the scene's spoken ``line``: the whole line when it
    fits two rows of ~32 characters, else its longest sentence that fits (the first one for
    an end card; one that says ``name``, the product, before any other), else its longest
    standalone clause; never a cut phrase."""
    text = _strip_frame(_clean(line), frames)
    if not text:
        return ""

    def best(options: Sequence[str]) -> str:
        said = name.lower()
        return max(options, key=lambda o: (bool(said) and said in o.lower(), len(o)))

    if prefer_first:  # an end card shows the call to action itself: "Claim 20% off"
        first = (sentences(text) or [text])[0]
        for phrase in (*_lead_phrases(first), first):
            if fits_caption(_caption_text(phrase), CAPTION_WIDTH, CAPTION_ROWS):
                return _caption_text(phrase)
    if fits_caption(_caption_text(text), CAPTION_WIDTH, CAPTION_ROWS):
        return _caption_text(text)
    units = sentences(text)
    # an aside ("Honestly?", "What got me?", "That's the key.") says nothing on its own
    # beside a longer sentence: the caption is the rest (a short line naming the product stays)
    said = [u for u in units if _words(u) > 3 or (name and name.lower() in u.lower())]
    said = said or units
    if len(said) < len(units):
        units, rest = said, " ".join(said)
        if fits_caption(_caption_text(rest), CAPTION_WIDTH, CAPTION_ROWS):
            return _caption_text(rest)
    fitting = [u for u in units if fits_caption(_caption_text(u), CAPTION_WIDTH, CAPTION_ROWS)]
    if fitting:
        return _caption_text(fitting[0] if prefer_first else best(fitting))
    parts = [c for u in units for c in (*clauses(u), *_lead_phrases(u))]
    fitting = [c for c in parts if fits_caption(_caption_text(c), CAPTION_WIDTH, CAPTION_ROWS)]
    if fitting:
        return _caption_text(fitting[0] if prefer_first else best(fitting))
    loose = [u for u in units if fits_caption(_caption_text(u), CAPTION_WIDTH + 4, CAPTION_ROWS)]
    if loose:  # "~32 characters": a whole sentence a little over is better than a cut one
        return _caption_text(best(loose))
    heads = [u.split(",")[0].strip() for u in units if "," in u]  # last resort: "Meet X"
    fitting = [h for h in heads if _words(h) >= 2 and ends_whole(h) and fits_caption(h)]
    if fitting:
        return _caption_text(fitting[0] if prefer_first else max(fitting, key=len))
    return _caption_text(min(units or [text], key=len))


# ============================================================================================
# the writer


@dataclass
class _Ctx:
    campaign: _Campaign
    stage: str
    manner: _Style  # the creative style's frames, approach, look and voice
    trigger: str
    dice: _Dice


def _join_frame(frame: str, core: str, names: Sequence[str]) -> str:
    """ "Frame: core" with the core's first letter lowered after a colon (not for names)."""
    if frame.endswith(":"):
        core = _lower_first(core, names)
    return f"{frame} {core}"


class OfflineWriter:
    """Deterministic copywriter driven by the campaign brief (no network, no randomness)."""

    name = "offline"
    model = "offline-writer-2"

    # ----------------------------------------------------------------------------------------
    def _ctx(self, brief: Brief, *salt: object) -> _Ctx:
        style = normalize_style(brief.creative_style)
        return _Ctx(
            campaign=_read(brief),
            stage=normalize_stage(brief.awareness_stage),
            manner=_STYLES.get(style) or _unknown_style(style),
            trigger=normalize_trigger(brief.persuasion_trigger),
            dice=_Dice(_fingerprint(brief), *salt),
        )

    # ----------------------------------------------------------------------------------------
    # material: whole lines from the brief, by what they do

    def _material(self, ctx: _Ctx, role: str) -> list[str]:
        """Whole lines for a script role, each from the brief, in preference order."""
        campaign = ctx.campaign
        first_person = ctx.manner.voice == "first_person"
        if role == "pain":
            lines = [_first_person(t) if first_person else t.you for t in campaign.pains]
            facts = [t for t in campaign.traits if t.kind == "fact"]
            lines += [_first_person(t) if first_person else t.you for t in facts]
            return [line for line in lines if line]
        if role == "want":
            lines = [_first_person(t) if first_person else t.you for t in campaign.wants]
            return [line for line in lines if line]
        if role == "intro":
            templates = _INTRO.get(ctx.manner.voice, _INTRO["default"])
            intros = [t.format(product=campaign.named) for t in templates]
            described = [
                r for r in campaign.reasons if re.match(r"(An?|The) ", r) and _words(r) <= 12
            ]
            if described and ctx.manner.voice in ("default", "refined"):
                appositive = _lower_first(described[0]).rstrip(".!")
                both = f"{intros[0].rstrip('.')}, {appositive}."
                if fits_caption(both.rstrip("."), CAPTION_WIDTH, CAPTION_ROWS):
                    intros.insert(0, both)
            return intros
        if role == "benefit":
            return _units(campaign.benefits)
        if role == "reason":
            return _units(campaign.reasons)
        if role == "proof":
            stated = (
                [*campaign.goals.authority, *campaign.goals.proof]
                if ctx.trigger == "Authority"
                else [*campaign.goals.proof, *campaign.goals.authority]
            )
            return _units(stated)
        if role == "offer":  # whole statements: "Buy two, get one free" is not "Get one free"
            cta = _gist(campaign.cta)
            return [o for o in campaign.goals.offers if not _gist(o) <= cta]
        if role == "urgency":
            return list(campaign.goals.deadline)
        return []

    def _roles(self, ctx: _Ctx, slots: int) -> list[str]:
        """The middle roles with something to say, at most ``slots``, in narrative order."""
        sequence, priority = _STAGE_ROLES[ctx.stage]
        lead = _TRIGGER_ROLE.get(ctx.trigger)
        if lead in priority:
            priority = (lead, *[r for r in priority if r != lead])
        kept = [role for role in priority if self._material(ctx, role)][: max(0, slots)]
        return [role for role in sequence if role in kept]

    # ----------------------------------------------------------------------------------------
    # ideas and hooks

    def _angle_hooks(self, ctx: _Ctx, angle: str) -> list[str]:
        """Hooks of ≤ 8 words an angle makes from the brief (none when the brief is silent)."""
        campaign = ctx.campaign
        first_person = ctx.manner.voice == "first_person"
        out: list[str] = []
        if angle == "question":
            for trait in campaign.pains:
                question = trait.question()
                if _words(question) > HOOK_WORDS:  # said shorter, or not asked
                    short = shorter(trait.verb_phrase, HOOK_WORDS - 1) if trait.verb_phrase else ""
                    question = trait.__class__(trait.kind, "", short).question() if short else ""
                if question:
                    out.append(question)
        elif angle in ("struggle", "wish"):
            traits = campaign.pains if angle == "struggle" else campaign.wants
            for trait in traits:
                if angle == "wish" and not first_person:
                    question = trait.question()
                    if question and _words(question) <= HOOK_WORDS:
                        out.append(question)
                        continue
                line = _first_person(trait) if first_person else trait.you
                if line and _words(line) > HOOK_WORDS and trait.verb_phrase:
                    short = shorter(trait.verb_phrase, HOOK_WORDS - 2)
                    line = (
                        _first_person(Trait(trait.kind, "", short))
                        if first_person
                        else as_sentence(f"You {short}")
                    ) if short else ""  # fmt: skip
                if line:
                    out.append(line)
        elif angle == "call_out":
            if campaign.audience:
                out.append(as_sentence(f"{campaign.audience.capitalize()}, meet {campaign.named}"))
                out.append(as_sentence(f"{campaign.named}, for {campaign.audience}"))
        elif angle in ("benefit", "reason", "proof", "offer", "deadline"):
            source = {
                "benefit": campaign.benefits,
                "reason": campaign.reasons,
                "proof": [*campaign.goals.proof, *campaign.goals.authority],
                "offer": campaign.goals.offers,
                "deadline": campaign.goals.deadline,
            }[angle]
            units = source if angle in ("offer", "deadline") else _units(source)
            if angle == "offer":  # "20% off." says what, not on what: the product named
                units = [_offer_on(u, campaign.named) for u in units]
            out.extend(u for u in units if _words(u) <= HOOK_WORDS)
        elif angle == "named":  # the name, then one thing the brief says of it
            for unit in _units([*campaign.benefits, *campaign.reasons]):
                if not unit.startswith(campaign.named):
                    out.append(f"{campaign.named}: {_lower_first(unit, (campaign.named,))}")
        elif angle == "product":
            out.append(f"Meet {campaign.named}.")
            if campaign.brand != campaign.named and _words(campaign.brand) <= 3:
                out.append(f"{campaign.named}, from {campaign.brand}.")
            out.append(f"This is {campaign.named}.")
        return [hook for hook in out if _words(hook) <= HOOK_WORDS]

    def _framed(self, ctx: _Ctx, hook: str, label: str) -> str:
        """The hook in the style's opening words when they fit (and suit a question)."""
        frames = ctx.manner.frames
        if not frames or ":" in hook or (ctx.manner.statement_frames and hook.endswith("?")):
            return hook
        names = (ctx.campaign.product, ctx.campaign.brand, ctx.campaign.named)
        for frame in ctx.dice.shuffled(label, list(frames)):
            text = _join_frame(frame, hook, names)
            if _words(text) <= HOOK_WORDS:
                return text
        return hook

    def _hook_pool(self, ctx: _Ctx) -> list[tuple[str, str]]:
        """Every (angle, hook) the brief allows, in the stage's order, each hook once."""
        pool: list[tuple[str, str]] = []
        seen: set[str] = set()
        angles = list(_HOOK_ANGLES[ctx.stage])
        for lead in reversed(_VOICE_ANGLE.get(ctx.manner.voice, ())):
            if lead in angles:
                angles.remove(lead)
                angles.insert(0, lead)
        if ctx.stage == "problem_aware" and "question" in angles:  # its hallmark stays first
            angles.remove("question")
            angles.insert(0, "question")
        for angle in angles:
            for hook in self._angle_hooks(ctx, angle):
                if hook.lower() not in seen:
                    seen.add(hook.lower())
                    pool.append((angle, hook))
        return pool

    def ideas(
        self, brief: Brief, *, count: int = 3, length_s: int = 30, variant: int = 0,
        seed: int = 0,
    ) -> list[Idea]:  # fmt: skip
        """``count`` distinct concepts. ``variant`` counts the project's earlier runs: run
        after run walks through every hook the brief allows before any comes back; ``seed``
        (e.g. the project id) gives another project of the same campaign other first ideas."""
        if count < 1:
            return []
        ctx = self._ctx(brief, "ideas", int(seed))
        pool = self._hook_pool(ctx)
        best = pool[: max(1, len(pool) // 2)] if seed else pool
        start = ctx.dice.number("start") % len(best) if seed and len(best) > 1 else 0
        order = pool[start:] + pool[:start]
        n = len(order)
        ideas: list[Idea] = []
        seen: set[str] = set()
        position = max(0, int(variant)) * count
        for step in range(n):
            if len(ideas) >= count:
                break
            angle, hook = order[(position + step) % n]
            text = self._framed(ctx, hook, f"frame|{hook}")
            if text in seen:
                continue
            seen.add(text)
            title = hook.rstrip(".?!") if _words(hook) <= 6 else _ANGLE_NAMES[angle]
            approach = (
                f"{ctx.manner.approach} Angle: {_ANGLE_NAMES[angle].lower()}, for "
                f"{_STAGE_STRATEGY[ctx.stage]}. {int(length_s)} seconds, ending on "
                f"\u201c{ctx.campaign.cta}\u201d"
            )
            ideas.append(Idea(title=title, angle=_ANGLE_NAMES[angle], hook=text, approach=approach))
        cta = ctx.campaign.cta
        if len(ideas) < count and cta not in seen and _words(cta) <= HOOK_WORDS:
            approach = f"{ctx.manner.approach} Angle: straight to the ask."
            ideas.append(Idea(title=cta.rstrip("."), angle="The ask", hook=cta, approach=approach))
        repeat = 2
        while len(ideas) < count:  # more ideas asked than the brief has hooks: say it again
            base = ideas[(len(ideas) - repeat + 1) % len(ideas)]
            ideas.append(dataclasses.replace(base, title=f"{base.title} (take {repeat})"))
            repeat += 1
        return ideas

    # ----------------------------------------------------------------------------------------
    def _pick(
        self, ctx: _Ctx, options: Sequence[str], budget: int, used: list[frozenset[str]]
    ) -> str:
        """The first whole option within ``budget`` words that says something not said yet."""
        campaign = ctx.campaign
        names = _gist(f"{campaign.product} {campaign.brand} {campaign.named}")
        for text in options:
            if _words(text) > budget or _said(text, used, names):
                continue
            used.append(_gist(text))
            return text
        return ""

    def script(self, brief: Brief, idea: Idea, *, length_s: int) -> Script:
        """Hook, body and call to action, one timed line per scene; fits ~2.5 words/second.

        The body says, in the stage's order, what the brief gives: the audience's struggle,
        the product's introduction, the benefits (Messaging), the reasons (description), the
        proof and the offer (Goals). A role the brief is silent on is left out, so a thin brief
        gives a shorter script rather than a generic one. Seconds follow spoken length."""
        ctx = self._ctx(brief, "script", idea.title, idea.hook)
        campaign = ctx.campaign
        count = scene_count(length_s)
        budgets = [_budget(s) for s in _even_seconds(length_s, count)]
        hook = _clean(idea.hook) or as_sentence(idea.title)
        if _words(hook) > budgets[0] and len(sentences(hook)) > 1:
            hook = min(sentences(hook), key=_words)  # someone else's long hook: a short part
        hook = as_sentence(hook)
        cta = campaign.cta
        if count == 1:
            both = f"{hook} {cta}"
            text = both if _words(both) <= budgets[0] else cta
            return Script(hook=text, body="", call_to_action=cta, voiceover=text,
                          lines=(ScriptLine(text, float(length_s)),))  # fmt: skip
        used = [_gist(hook), _gist(cta)]
        roles = self._roles(ctx, count - 2)
        middle: list[str] = []
        carry = max(0, budgets[0] - _words(hook))  # words a short line leaves to the next
        middle_budgets = budgets[1:-1] or [budgets[0]]
        for k, role in enumerate(roles):
            budget = middle_budgets[min(k, len(middle_budgets) - 1)]
            allowed = budget + min(carry, budget // 2)
            line = self._pick(ctx, self._material(ctx, role), allowed, used)
            if line:
                middle.append(line)
            carry = max(0, carry + budget - _words(line))
        spare = count - 2 - len(middle)
        sequence = _STAGE_ROLES[ctx.stage][0]
        for role in [r for r in ("benefit", "reason", "pain", "proof") if r in sequence]:
            while spare > 0:
                line = self._pick(ctx, self._material(ctx, role), middle_budgets[-1], used)
                if not line:
                    break
                at = max((i for i, r in enumerate(roles) if r == role), default=len(middle) - 1)
                middle.insert(min(at + 1, len(middle)), line)
                roles.insert(min(at + 1, len(roles)), role)
                spare -= 1
        texts = [hook, *middle, cta]
        seconds = timed_seconds(length_s, texts)
        lines = tuple(
            ScriptLine(text=t, seconds=float(s)) for t, s in zip(texts, seconds, strict=True)
        )
        return Script(
            hook=hook,
            body=" ".join(middle),
            call_to_action=cta,
            voiceover=" ".join(texts),
            lines=lines,
        )

    # ----------------------------------------------------------------------------------------
    def _visual(self, ctx: _Ctx, layout: str, caption: str, colors: str) -> str:
        """The picture of a scene: the product, the composition and the style's look; a
        person only when the brief names its audience, never a setting it does not state."""
        campaign = ctx.campaign
        product = campaign.product
        in_use = _IN_USE.get(campaign.business, "")
        people = f", with {campaign.audience} in the picture" if campaign.audience else ""
        if layout == "hero":
            subject = (
                f"Hero shot: {product} large and sharp, front and centre; the opening line on "
                f"screen: \u201c{caption}\u201d"
            )
        elif layout == "detail":
            subject = f"Close-up of {product}; on screen: \u201c{caption}\u201d"
        elif layout == "context":
            where = f" {in_use}" if in_use else " in use"
            subject = f"{product}{where}{people}; on screen: \u201c{caption}\u201d"
        else:
            subject = (
                f"End card: {campaign.brand} logo, {product} and the call to action "
                f"\u201c{caption}\u201d"
            )
        look = ctx.manner.look
        return f"[{layout}] {subject}. {look[:1].upper()}{look[1:]}. Brand colours {colors}."

    def scenes(self, brief: Brief, script: Script, *, length_s: int) -> list[Scene]:
        """Scenes spoken from the script's fields as edited (hook, body, call to action and
        voiceover; the stale ``lines`` are never read for text): the hook scene first, the
        call to action last, whole sentences in between. Durations are whole seconds that
        follow each line's spoken length and add up exactly to ``length_s``.

        Each :attr:`Scene.visual` starts with its composition role in brackets — ``[hero]``,
        ``[detail]``, ``[context]`` or ``[end_card]`` (read it with :func:`scene_layout`)."""
        ctx = self._ctx(brief, "scenes")
        length = int(length_s)
        lines = _scene_lines(script, scene_count(length)) or [ctx.campaign.cta]
        limit = max(1, length // MIN_SCENE_SECONDS)
        while len(lines) > limit:  # too short a spot for so many lines: join the middle ones
            k = len(lines) // 2
            lines[k - 1 : k + 1] = [f"{lines[k - 1]} {lines[k]}"]
        seconds = timed_seconds(length, lines)
        layouts = _layouts(len(lines))
        colors = ", ".join(brief.brand_colors) if brief.brand_colors else "brand colours"
        frames = ctx.manner.frames
        scenes = []
        for index, (text, secs, layout) in enumerate(zip(lines, seconds, layouts, strict=True)):
            shown = text  # the end card draws the destination itself
            if layout == "end_card":
                shown = without_destination(text, ctx.campaign.destination)
            caption = _caption(shown, frames if index == 0 else (),
                               prefer_first=layout == "end_card",
                               name=ctx.campaign.named)  # fmt: skip
            scenes.append(
                Scene(
                    index=index,
                    visual=self._visual(ctx, layout, caption, colors),
                    caption=caption,
                    voiceover=text,
                    duration=float(secs),
                )
            )
        return scenes

    # ----------------------------------------------------------------------------------------
    def _headlines(self, ctx: _Ctx) -> list[str]:
        """Headline options (≤ 8 words, from the brief) in the stage's order."""
        campaign = ctx.campaign
        out: list[str] = []
        offers = [u for u in campaign.goals.offers if _words(u) <= HEADLINE_WORDS]
        if ctx.stage in ("most_aware", "product_aware") or ctx.trigger in (
            "Reciprocity",
            "Scarcity",
        ):
            out.extend(offers)
        for angle in _HOOK_ANGLES[ctx.stage]:
            if angle in ("struggle", "product") and ctx.stage != "unaware":
                continue
            out.extend(self._angle_hooks(ctx, angle))
        out.extend(offers)
        out.append(campaign.named)
        unique: list[str] = []
        for headline in out:
            if headline.lower() not in {u.lower() for u in unique}:
                unique.append(headline)
        return unique

    def ad_copy(self, brief: Brief, *, kind: str, take: int = 0) -> AdCopy:
        """Headline, supporting line and button for a banner (short) or a flyer (fuller).

        The headline follows the stage (the struggle, the benefit, the proof or the offer);
        the subline carries the benefit and the proof; the flyer adds the reason and the offer.
        ``take`` > 0 asks for other words (a "new take"): the next headline the brief allows.
        """
        ctx = self._ctx(brief, "ad_copy", kind)
        campaign = ctx.campaign
        options = self._headlines(ctx)
        headline = options[max(0, int(take)) % len(options)].rstrip(".")
        said = {headline.lower()}
        limit = 18 if kind == "banner" else 32
        parts: list[str] = []

        def add(options: Sequence[str]) -> None:
            for unit in options:
                key = unit.lower().rstrip(".!?")
                if any(key in s or s in key for s in said):
                    continue
                if _words(" ".join([*parts, unit])) <= limit:
                    parts.append(unit)
                    said.add(key)
                    return

        add([*_units(campaign.benefits), *_units(campaign.reasons)])
        proof = _units([*campaign.goals.proof, *campaign.goals.authority])
        if kind == "flyer":
            add(_units(campaign.reasons))
            add(proof)
            button = _gist(campaign.cta_button)
            add([o for o in campaign.goals.offers if not _gist(o) <= button])
        else:
            add(proof)
        return AdCopy(
            headline=headline,
            subline=" ".join(parts),
            call_to_action=campaign.cta_button,
        )

    # ----------------------------------------------------------------------------------------
    def strategy(self, brief: Brief) -> Strategy:
        """Audience, Messaging and Goals drafted from the product description and what is
        already typed: statements of the user's own facts, sharpened; never instructions to a
        writer and never a pain, number or offer the text does not state."""
        campaign = _read(brief)
        stage = normalize_stage(brief.awareness_stage)
        names = (campaign.product, campaign.brand)
        description = sentences(brief.product_description)
        audience = sentences(brief.audience)
        if audience:  # the user's words stand; the stage adds where they are
            said = _STAGE_AUDIENCE[stage].format(who="They", product=campaign.named)
            audience.append(said.replace("They who ", "They "))
        else:
            who = _who(brief) or "People"
            audience.append(_STAGE_AUDIENCE[stage].format(who=who, product=campaign.named))
        messaging = sentences(brief.messaging)
        if description:  # what the product is, in the description's words
            first = description[0]
            if re.match(r"(An?|The) ", first):
                first = f"{campaign.named} is {_lower_first(first, names)}"
            elif not any(name.lower() in first.lower() for name in names):
                first = f"{campaign.named}: {_lower_first(first, names)}"
            more = [s for s in description[1:3] if not offer_text(s)[0]]
            for sentence in [as_sentence(first), *([] if messaging else more)]:
                if not _said(sentence, [_gist(m) for m in messaging]):
                    messaging.append(sentence)
        tone = _clean(brief.tone_of_voice).rstrip(".")
        if tone and not brief.messaging:
            messaging.append(f"The voice is {_lower_first(tone)}.")
        goals = sentences(brief.goals)
        core = campaign.cta_core
        if offer_text(brief.goals)[0]:  # "claim 15% off your first order" is not an action
            core = DEFAULT_CTA.get(campaign.business, DEFAULT_CTA["generic"])[0]
            core = core.format(product=campaign.named, brand=campaign.brand)
        action = re.sub(r"\s+(today|now)$", "", core)
        goals.append(f"More people {_lower_first(action, names)}.")  # the action that counts
        if not brief.goals:
            offer = offer_text(brief.product_description)[0]
            if offer:
                goals.append(as_sentence(f"The offer: {offer}"))
            proof = read_goals("", brief.product_description).proof
            goals.extend(proof[:1])
        return Strategy(
            audience=" ".join(audience),
            messaging=" ".join(messaging),
            goals=" ".join(goals),
        )

    # ----------------------------------------------------------------------------------------
    def lyrics(self, brief: Brief, *, seconds: int) -> str:
        """Short jingle lyrics from the brief: the name, the benefits in short whole lines, the
        offer, then the name and the call to action. About one line per 4 seconds."""
        campaign = self._ctx(brief, "lyrics").campaign
        lines = max(2, round(int(seconds) / 4))
        short = [
            u.rstrip(".")
            for u in _units([*campaign.benefits, *campaign.reasons, *campaign.goals.offers])
            if _words(u) <= 7
        ]
        chorus = f"{campaign.brand}, {campaign.brand}!"
        verses = [chorus]
        unique = [line for k, line in enumerate(short) if line not in short[:k]]
        k = 0
        while unique and len(verses) < lines - 1:  # a jingle repeats its lines, as a chorus
            verses.append(unique[k % len(unique)])
            k += 1
            if k % len(unique) == 0 and len(verses) < lines - 1:
                verses.append(chorus)
        verses.append(f"{campaign.named}! {campaign.cta_core}!")
        return "\n".join(verses)


_STAGE_AUDIENCE = {
    "unaware": "{who} who don't yet see it as a problem.",
    "problem_aware": "{who} who feel the problem but haven't found a fix they trust.",
    "solution_aware": "{who} who know fixes exist and are comparing their options.",
    "product_aware": "{who} who have heard of {product} but haven't decided yet.",
    "most_aware": "{who} who know {product} and are ready to act.",
}

_PEOPLE = re.compile(
    r"\b(people|teams?|parents|mums|moms|dads|runners|founders|professionals|women|men"
    r"|students|owners|riders|cyclists|families|athletes|beginners|developers|engineers"
    r"|managers|marketers|designers|creators|travell?ers|commuters|gamers|homeowners"
    r"|businesses|companies|startups|freelancers|workers|nurses|teachers|seniors|adults"
    r"|customers|clients|users|lovers|fans|enthusiasts|shoppers|cooks|chefs|drivers"
    r"|learners|readers|makers|gardeners|hikers|climbers|swimmers|golfers|restaurants"
    r"|cafés|cafes|shops|walkers|patients|kids|teens|teenagers)$",
    re.IGNORECASE,
)


def _who(brief: Brief) -> str:
    """The people the description names ("… for busy founders." → "Busy founders"), else ""
    (never an invented age, job or habit)."""
    text = " ".join((brief.product_description, brief.name))
    for match in re.finditer(r"\bfor ([a-z][\w' -]{2,48}?)(?=[.,;:!?)]|\s(?:who|that|with"
                             r"|to|and|in|on|at)\b|$)", text, re.IGNORECASE):  # fmt: skip
        phrase = _clean(match.group(1))
        words = phrase.split()
        if 1 <= len(words) <= 5 and _PEOPLE.search(phrase):
            if words[0].lower() in {"a", "an", "the", "your", "our", "every", "all"}:
                phrase = " ".join(words[1:])
            if phrase:
                return phrase[:1].upper() + phrase[1:]
    return ""
