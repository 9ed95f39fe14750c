"""The offline copywriter: ideas, scripts, scenes, ad copy and jingle lyrics from the brief.

Deterministic: every choice comes from a SHA-256 of the brief's fields (and the project seed),
so the same brief always gives the same text, and changing the awareness stage, the creative
style or the persuasion trigger changes it.

Two rules hold everywhere:

* **Never cut.** Lines are chosen whole (templates, or whole sentences and standalone clauses of
  the campaign's own text) to fit a budget of ~2.5 words per second; nothing is truncated.
* **Never invent.** Offers, prices, numbers, deadlines, gifts, awards and social proof are only
  said when the campaign text states them; the templates themselves claim none of these.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
from aytada.standards import MIN_SCENE_SECONDS, scene_count
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS

HOOK_WORDS = 8
"""A hook is at most this many words (craft sheet), the style's opening words included."""
CAPTION_WIDTH = 32
CAPTION_ROWS = 2

"""Composition roles written as a ``[role] `` prefix of :attr:`Scene.visual` (see
:func:`scene_layout`)."""

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
# what the campaign says (and so what the copy may say)

# Industry vocabulary: what the problem feels like, what winning looks like, where the product
# lives on screen. ``thing`` is a plural noun for the category, ``routine`` a noun that reads
# after "your"; ``use`` (optional) is how a physical product of the category is used, said
# instead of the generic "Unbox it". None of it states an offer, a number or a proof.
_INDUSTRY: dict[str, dict[str, str]] = {
    "skincare": {
        "thing": "skincare products", "routine": "skincare routine",
        "pain_q": "Skin feeling tight by lunchtime?",
        "pain": "Products promise a glow, and your skin still feels tired.",
        "agitate": "And every new jar is another shelf of things that didn't work.",
        "win": "Skin that feels like yours again.",
        "fact_q": "What does your skin really need?",
        "story": "Morning light, a mirror, a few quiet minutes.",
        "setting": "a bright bathroom in soft morning light",
        "detail": "the texture of the product on skin",
        "use": "Smooth it on, and get on with your day.",
    },
    "fitness": {
        "thing": "workout plans", "routine": "training",
        "pain_q": "Training hard but not seeing progress?",
        "pain": "You show up, you put in the work, and progress stalls.",
        "agitate": "And every stalled week makes it harder to keep going.",
        "win": "Training that keeps you moving forward.",
        "fact_q": "What's really holding your progress back?",
        "story": "Alarm, trainers, out the door.",
        "setting": "a sunlit gym floor",
        "detail": "the product in hand mid-workout",
        "use": "Grab it, and get moving.",
    },
    "saas": {
        "thing": "project tools", "routine": "workday",
        "pain_q": "Still chasing updates after every meeting?",
        "pain": "Notes get lost, and nobody is sure who owns what.",
        "agitate": "Every follow-up you chase is time your team doesn't get back.",
        "win": "Less busywork, more real work.",
        "fact_q": "Where does your team's week really go?",
        "story": "Another meeting ends. Heads nod. Nothing moves.",
        "setting": "a bright, busy workspace with laptops open",
        "detail": "the product's screen on a laptop",
    },
    "food": {
        "thing": "quick meals", "routine": "weeknight dinners",
        "pain_q": "Tired of the same few meals?",
        "pain": "Another evening, another meal that's just fine.",
        "agitate": "And just fine gets old fast.",
        "win": "Food you actually crave.",
        "fact_q": "When did a meal last surprise you?",
        "story": "Evening, an open fridge, and no ideas.",
        "setting": "a warm kitchen table set for sharing",
        "detail": "the product, fresh and appetising",
        "use": "Open it up, and enjoy.",
    },
    "fashion": {
        "thing": "wardrobe basics", "routine": "morning outfit hunt",
        "pain_q": "A full wardrobe and nothing to wear?",
        "pain": "Clothes look great on the hanger and wrong on you.",
        "agitate": "And every morning starts with a pile on the bed.",
        "win": "Pieces you reach for again and again.",
        "fact_q": "What do your favourite outfits have in common?",
        "story": "The mirror, the pile of clothes, the clock.",
        "setting": "a bright bedroom with a full-length mirror",
        "detail": "the fabric and stitching of the product",
        "use": "Put it on, and you're set.",
    },
    "wellness": {
        "thing": "wellness routines", "routine": "daily routine",
        "pain_q": "Running on empty by mid-afternoon?",
        "pain": "You do everything right, and still feel run down.",
        "agitate": "And the tired days start to outnumber the good ones.",
        "win": "Days that feel more like you.",
        "fact_q": "When did you last feel truly rested?",
        "story": "Another early start on too little sleep.",
        "setting": "a calm, sunlit living room",
        "detail": "the product in hand",
        "use": "Keep it close, and make it part of your day.",
    },
    "home": {
        "thing": "home products", "routine": "home",
        "pain_q": "Does your home work as hard as you do?",
        "pain": "Clutter, compromises, and a space that never feels finished.",
        "agitate": "And every day you walk past the same small annoyances.",
        "win": "A home that feels like yours.",
        "fact_q": "What's the one thing you'd change at home?",
        "story": "Keys in the bowl, shoes off, finally home.",
        "setting": "a bright, lived-in living room",
        "detail": "the materials and finish of the product",
        "use": "Set it up once, and enjoy it every day.",
    },
    "finance": {
        "thing": "money apps", "routine": "money",
        "pain_q": "Not sure where your money goes?",
        "pain": "Bills, subscriptions and spending that never quite add up.",
        "agitate": "And that uncertainty follows you into every decision.",
        "win": "Clear numbers and calm decisions.",
        "fact_q": "Do you know where your money went?",
        "story": "Payday. By the weekend, it has somehow vanished.",
        "setting": "a calm kitchen table with a phone and a coffee",
        "detail": "the product's screen on a phone",
    },
    "cycling": {
        "thing": "bike shops", "routine": "ride",
        "pain_q": "Gears slipping on every climb?",
        "pain": "A squeaky chain, slipping gears, and brakes you don't quite trust.",
        "agitate": "And every ride you put it off, the wear gets worse.",
        "win": "A bike that rides smooth and quiet again.",
        "fact_q": "When did your bike last get some care?",
        "story": "Saturday morning, the bike is out, and something sounds wrong.",
        "setting": "a bright workshop with bikes on stands",
        "detail": "hands tuning a bike's gears",
        "use": "Fit it once, then just ride.",
    },
    "generic": {
        "thing": "the usual options", "routine": "routine",
        "pain_q": "Tired of making do?",
        "pain": "You try what's out there, and nothing quite fits.",
        "agitate": "And making do gets old fast.",
        "win": "Less hassle, more of what matters.",
        "fact_q": "What would make your day easier?",
        "story": "It starts like any other day.",
        "setting": "a bright everyday setting",
        "detail": "the product",
    },
}  # fmt: skip

_INDUSTRY_NAMES = {
    "beautyskincare": "skincare", "fitness": "fitness", "techsaas": "saas",
    "foodbeverage": "food", "fashion": "fashion", "healthwellness": "wellness",
    "homeliving": "home", "finance": "finance",
}  # fmt: skip

_INDUSTRY_WORDS: tuple[tuple[str, str], ...] = (
    ("cycling", r"\b(bikes?|bicycles?|cycling|cyclists?|e-?bikes?)\b"),
    ("skincare", r"\b(skin\w*|serums?|moisturi[sz]\w*|creams?|spf|cleansers?|beauty)\b"),
    ("fitness", r"\b(fitness|gym|workouts?|training|athletes?|yoga)\b"),
    ("saas", r"\b(saas|software|platform|dashboard|meetings?|workflows?|tasks?|crm|tech)\b"),
    ("food", r"\b(food|beverages?|coffee|snacks?|meals?|drinks?|recipes?|tea|kitchen)\b"),
    ("fashion", r"\b(fashion|clothing|apparel|dress(es)?|shoes?|jackets?|sneakers?|outfits?)\b"),
    ("wellness", r"\b(health|wellness|sleep|supplements?|vitamins?|meditation|stress)\b"),
    ("home", r"\b(home|furniture|decor|cleaning|sofa|bedding|living)\b"),
    ("finance", r"\b(finance|money|bank\w*|budget\w*|invest\w*|insurance|savings?)\b"),
)

# Business type: how the product is bought and used (the "how" line and scene settings).
_BUSINESS: dict[str, dict[str, str]] = {
    "product": {"how": "Unbox it, and it's ready to go.",
                "context": "in everyday use at home"},
    "saas": {"how": "Set it up once, then let it do the work.",
             "context": "on a laptop in a real team setting"},
    "service": {"how": "Tell us what you need, and we take it from there.",
                "context": "with the team at work for a client"},
    "ecommerce": {"how": "Order online, and it comes to your door.",
                  "context": "just unboxed at home"},
    "app": {"how": "Download it, open it, and you're set.",
            "context": "on a phone in someone's hand"},
    "local": {"how": "Drop by, or book a time that suits you.",
              "context": "at the shop counter, with the team at work"},
    "course": {"how": "Learn at your own pace, one lesson at a time.",
               "context": "on a laptop, with a learner taking notes"},
    "agency": {"how": "We do the heavy lifting. You see the results.",
               "context": "on the table, with the team working together"},
    "marketplace": {"how": "Everything you're looking for, in one place.",
                    "context": "on a phone, mid-browse"},
    "subscription": {"how": "It arrives at your door, ready to enjoy.",
                     "context": "in a box just opened at the front door"},
    "nonprofit": {"how": "Every bit of support moves the work forward.",
                  "context": "with volunteers at work in the community"},
    "generic": {"how": "It's simple to start and easy to keep using.",
                "context": "in everyday use"},
}  # fmt: skip

_BUSINESS_NAMES = {
    "physicalproduct": "product", "saas": "saas", "service": "service",
    "ecommercebrand": "ecommerce", "ecommerce": "ecommerce", "mobileapp": "app", "app": "app",
    "localbusiness": "local", "courseinfoproduct": "course", "agency": "agency",
    "marketplace": "marketplace", "subscriptionbox": "subscription", "nonprofit": "nonprofit",
}  # fmt: skip

# (spoken call to action, button) when the goals name no verb, by business type
_DEFAULT_CTA = {
    "saas": ("Try {product} today", "Try it now"),
    "app": ("Download {product} today", "Download now"),
    "local": ("Visit {brand} today", "Visit us"),
    "service": ("Get in touch with {brand} today", "Get in touch"),
    "agency": ("Talk to {brand} today", "Get in touch"),
    "ecommerce": ("Shop {product} now", "Shop now"),
    "product": ("Shop {product} now", "Shop now"),
    "course": ("Enroll in {product} today", "Enroll now"),
    "subscription": ("Subscribe to {product} today", "Subscribe now"),
    "nonprofit": ("Support {brand} today", "Donate now"),
    "marketplace": ("Explore {brand} today", "Explore now"),
    "generic": ("Discover {product} today", "Learn more"),
}

_PROOF_RE = re.compile(
    r"\d[\d,.]*\s*(?:k|m)?\+?\s+(?:happy\s+|satisfied\s+)?(?:customers|users|teams|clients|people"
    r"|members|riders|businesses|companies|downloads|orders)|\b(?:reviews?|rated|ratings?|stars?"
    r"|trusted by|loved by|best-?sell\w*|bestsellers?|#1|testimonials?|favou?rite of)\b",
    re.IGNORECASE,
)
_AUTHORITY_RE = re.compile(
    r"\b(?:dermatologists?|clinically|certified|experts?|awards?|award-winning|doctors?|approved"
    r"|tested|patented|scientists?|research\w*|accredited|licensed|years of experience"
    r"|since \d{4}|mechanics?|specialists?)\b",
    re.IGNORECASE,
)
_DEADLINE_RE = re.compile(
    r"\b(?:ends?|until|till|this (?:week|weekend|month)|today only|limited|last chance"
    r"|while (?:stocks?|supplies) last|only \d+ left|deadline|expires?|before \w+day)\b",
    re.IGNORECASE,
)


@dataclass
class _Campaign:
    """What the writer knows about the campaign, read once from the brief."""

    product: str
    brand: str
    audience: str  # a short noun phrase ("" when the audience text has none)
    industry: str
    business: str
    claims: list[str]  # whole sentences of messaging and description, in that order
    proof: list[str]  # stated social proof sentences
    authority: list[str]  # stated expertise / awards sentences
    deadline: list[str]  # stated deadlines / scarcity
    offer: str  # the offer stated in the goals (or messaging), e.g. "20% off your first order"
    free_thing: str  # e.g. "the free trial", "a free quote" ("" when none is stated)
    cta: str  # spoken call to action, verb first, no end punctuation
    cta_button: str
    vocab: dict[str, str] = field(default_factory=dict)

    @property
    def same_brand(self) -> bool:
        return self.brand.lower() == self.product.lower()

    def slots(self) -> dict[str, str]:
        """Placeholders for templates; empty ones are left out so templates needing them skip."""
        # a service is sold under its brand ("Then there's Spoke & Chain.", not "… tune-up.")
        service = self.business in {"local", "service", "agency", "nonprofit"}
        slots = {
            **self.vocab,
            "product": self.brand if service else self.product,
            "brand": self.brand,
            "audience": self.audience,
            "Audience": self.audience[:1].upper() + self.audience[1:],
            "offer": self.offer,
            "Offer": self.offer[:1].upper() + self.offer[1:],
            "free_thing": self.free_thing,
            "cta": self.cta,
            "how": (self.vocab.get("use") if self.business == "product" else None)
            or _BUSINESS[self.business]["how"],
        }
        if not self.same_brand:
            slots["other_brand"] = self.brand
        return {key: value for key, value in slots.items() if value}


def _short_audience(audience: str) -> str:
    """The head noun phrase of the audience ("busy women 28-40 whose …" → "busy women 28-40"),
    or "" when it has none short enough to say whole."""
    text = _clean(audience)
    if not text:
        return ""
    head = re.split(
        r"[,;:(]|\s[-–—]\s|\s(?:who|whose|that|which|looking|wanting|trying|interested)\s",
        f"{text} ",
    )[0].strip(" .")
    words = head.split()
    if not words or len(words) > 5 or not ends_whole(head):
        return ""
    if words[0].lower() in {"for", "to", "the", "a", "an", "our"}:
        return ""
    if len(head) > 1 and head[0].isupper() and not head[1].isupper():
        head = head[0].lower() + head[1:]
    return head


def _match(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.IGNORECASE)


def _offer(text: str) -> tuple[str, str, str]:
    """(offer phrase, call to action, button) for an offer stated in ``text``, else ("", "", "").

    "20% off first order" → ("20% off your first order", "Claim 20% off your first order",
    "Claim 20% off"); "free trial sign-ups" → ("a free trial", "Start your free trial", ...).
    """
    first = _match(r"\bfirst (order|purchase|box|visit|booking|class|month)\b", text)
    scope = f" your first {first.group(1).lower()}" if first else ""
    pct = _match(r"(\d{1,3}(?:[.,]\d+)?)\s?%\s*(?:off|discount)|(?:save|get)\s+(\d{1,3})\s?%", text)
    if pct:
        amount = f"{pct.group(1) or pct.group(2)}% off"
        return f"{amount}{scope}", f"Claim {amount}{scope}", f"Claim {amount}"
    money = _match(r"([$€£]\s?\d+(?:[.,]\d+)?)\s*off", text)
    if money:
        amount = f"{money.group(1).replace(' ', '')} off"
        return f"{amount}{scope}", f"Claim {amount}{scope}", f"Claim {amount}"
    month = _match(r"\bfirst (month|week) (?:is )?free\b|\b(month|week) free\b", text)
    if month:
        unit = (month.group(1) or month.group(2)).lower()
        return f"your first {unit} free", f"Get your first {unit} free", f"Get a free {unit}"
    trial = _match(r"\b(\d+[- ]day )?free trials?\b|\btry (?:it )?(?:for )?free\b", text)
    if trial:
        days = (trial.group(1) or "").replace(" ", "-")
        return (f"a {days}free trial", f"Start your {days}free trial", "Start free trial")
    shipping = _match(r"\bfree (shipping|delivery)\b", text)
    if shipping:
        kind = shipping.group(1).lower()
        return f"free {kind}", f"Order now with free {kind}", "Order now"
    bogo = _match(r"\bbuy one,? get one(?: free)?\b", text)
    if bogo:
        return bogo.group(0).lower(), "Shop the buy one, get one offer", "Shop now"
    thing = _match(
        r"\bfree (consultation|quote|estimate|demo|sample|class|lesson|check-?up|inspection"
        r"|assessment|session|safety check|tune-?up)\b",
        text,
    )
    if thing:
        noun = thing.group(1).lower()
        verb = "Book" if noun not in {"quote", "estimate", "sample"} else "Get"
        article = "an" if noun[0] in "aeiou" else "a"
        return f"{article} free {noun}", f"{verb} your free {noun}", f"{verb} a free {noun}"
    return "", "", ""


def _cta(goals: str, business: str) -> tuple[str, str]:
    """(spoken call to action, button) whose verb follows the goal; templates with {product}."""
    text = goals.lower()
    _phrase, spoken, button = _offer(goals)
    if spoken:
        return spoken, button
    booked = re.search(r"\bbook(?:ing|ings|ed)?\s+(?:a|an|your)?\s*([a-z-]+(?: [a-z-]+)?)", text)
    rules: tuple[tuple[str, tuple[str, str]], ...] = (
        (r"\bdemos?\b", ("Book a demo of {product}", "Book a demo")),
        (r"\b(sign[ -]?ups?|register\w*|registrations?|leads?|join\w*)\b",
         ("Sign up for {product} today", "Sign up now")),
        (r"\b(subscri\w+|newsletter)\b", ("Subscribe to {product} today", "Subscribe now")),
        (r"\b(download\w*|installs?)\b", ("Download {product} today", "Download now")),
        (r"\b(quotes?|estimates?)\b", ("Get your quote from {brand}", "Get a quote")),
        (r"\b(appointments?|reservations?|bookings?|book|consultations?)\b",
         ("Book with {brand} today", "Book now")),
        (r"\b(enrol\w*|students?)\b", ("Enroll in {product} today", "Enroll now")),
        (r"\b(donat\w+|donors?|fundrais\w*)\b", ("Donate to {brand} today", "Donate now")),
        (r"\b(visits?|store|footfall|foot traffic|walk[ -]ins?)\b",
         ("Visit {brand} today", "Visit us")),
        (r"\b(calls?|phone)\b", ("Call {brand} today", "Call now")),
        (r"\b(buy|sales?|sell\w*|purchases?|orders?|shop\w*|revenue|conversions?|roas)\b",
         ("Shop {product} now", "Shop now")),
        (r"\b(awareness|reach|brand|launch\w*|traffic)\b",
         ("Discover {brand} today", "Learn more")),
    )  # fmt: skip
    if booked and booked.group(1) not in {"now", "today", "online"}:
        thing = booked.group(1).strip()
        thing_words = thing.split()
        while thing_words and thing_words[-1] in {"today", "now", "online", "sessions", "s"}:
            thing_words.pop()
        if thing_words and not any(w in {"demo", "demos"} for w in thing_words):
            thing = " ".join(thing_words)
            if thing.endswith("s") and not thing.endswith("ss"):
                thing = thing[:-1]
            if thing in {"appointment", "appointments", "visit", "spot", "table", "session"} or (
                len(thing) <= 18 and ends_whole(thing)
            ):
                article = "an" if thing[0] in "aeiou" else "a"
                return f"Book your {thing} today", f"Book {article} {thing}"
    for pattern, result in rules:
        if re.search(pattern, text):
            return result
    return _DEFAULT_CTA.get(business, _DEFAULT_CTA["generic"])


def _industry(brief: Brief) -> str:
    named = _INDUSTRY_NAMES.get(_squash(brief.industry))
    text = " ".join((brief.product_name, brief.product_description, brief.messaging, brief.name))
    for key, pattern in _INDUSTRY_WORDS:  # a bike shop filed under "Fitness" is still bikes
        if key == "cycling" and re.search(pattern, text, re.IGNORECASE):
            return key
    if named:
        return named
    for key, pattern in _INDUSTRY_WORDS:
        if re.search(pattern, f"{brief.industry} {brief.business_type} {text}", re.IGNORECASE):
            return key
    return "generic"


def _business(brief: Brief, industry: str) -> str:
    named = _BUSINESS_NAMES.get(_squash(brief.business_type))
    if named:
        return named
    key = _squash(brief.business_type)
    for squashed, name in _BUSINESS_NAMES.items():
        if key and (key in squashed or squashed in key):
            return name
    return "saas" if industry == "saas" else "generic"


def _read(brief: Brief) -> _Campaign:
    product = _clean(brief.product_name) or _clean(brief.name) or "our product"
    brand = _clean(brief.brand_name) or product
    industry = _industry(brief)
    business = _business(brief, industry)
    said = [*sentences(brief.messaging), *sentences(brief.product_description)]
    seen: set[str] = set()
    claims, proof, authority, deadline = [], [], [], []
    for sentence in said:
        key = sentence.lower()
        if key in seen:
            continue
        seen.add(key)
        if _PROOF_RE.search(sentence):
            proof.append(sentence)
        if _AUTHORITY_RE.search(sentence):
            authority.append(sentence)
        if _DEADLINE_RE.search(sentence):
            deadline.append(sentence)
        claims.append(sentence)
    offer_text = brief.goals if _offer(brief.goals)[0] else f"{brief.messaging} {brief.goals}"
    offer, _spoken, _button = _offer(offer_text)
    for clause in re.split(r"[,;]|\s[-–—]\s", brief.goals):
        ends = re.search(r"\b(?:offer )?(ends|until|expires)\s+([\w ]{2,24})", clause, re.I)
        if ends and ends_whole(ends.group(2)):
            deadline.append(as_sentence(f"The offer ends {ends.group(2).strip()}"))
    free = _match(r"\bfree (trial|sample|quote|consultation|demo|class|lesson|check-?up"
                  r"|inspection|assessment|session|shipping|delivery|gift)\b",
                  " ".join((brief.goals, brief.messaging, brief.product_description)))  # fmt: skip
    free_thing = f"the free {free.group(1).lower()}" if free else ""
    cta, button = _cta(brief.goals, business)
    slots = {"product": product, "brand": brand}
    return _Campaign(
        product=product,
        brand=brand,
        audience=_short_audience(brief.audience),
        industry=industry,
        business=business,
        claims=claims,
        proof=proof,
        authority=authority,
        deadline=deadline,
        offer=offer,
        free_thing=free_thing,
        cta=cta.format(**slots),
        cta_button=button.format(**slots),
        vocab=dict(_INDUSTRY[industry]),
    )


def _fill(templates: Sequence[str], slots: Mapping[str, str]) -> list[str]:
    """The templates whose placeholders are all known, filled in."""
    filled = []
    for template in templates:
        names = re.findall(r"{(\w+)}", template)
        if all(name in slots for name in names):
            filled.append(template.format(**{name: slots[name] for name in names}))
    return filled


def _budget(seconds: float) -> int:
    return max(2, math.floor(seconds * WORDS_PER_SECOND))


# ============================================================================================
# writing material (no template states an offer, a number, a deadline or a proof: those come
# only from the campaign's own words through the {offer}, {free_thing} and claim slots)

# Hooks by awareness stage (Schwartz): unaware → a story or a surprising question; problem
# aware → the pain; solution aware → why this kind of solution wins; product aware → proof and
# differentiators; most aware → the offer. Each angle: (angle, title, hook cores; the first
# core whose slots are known and that fits is used).
_HOOKS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "unaware": (
        ("Curiosity gap", "The part nobody mentions",
         ("Nobody mentions this about your {routine}.", "Nobody mentions this part.")),
        ("Surprising question", "The question worth asking", ("{fact_q}",)),
        ("Hidden habit", "The everyday blind spot",
         ("You do this daily without noticing.", "You miss this every day.")),
        ("Story opening", "Until it wasn't", ("A normal day, until it wasn't.",)),
        ("Call-out", "Made for {audience}",
         ("{Audience}, this one's for you.", "This one's for you.")),
        ("Small change", "One small change", ("One small change. A different day.",)),
        ("Scene setter", "A day like yours", ("{story}", "It starts like any day.")),
        ("Second look", "Look again", ("Look again at your {routine}.", "Look again.")),
        ("What if", "What if it just worked?", ("What if your {routine} just worked?",
                                                "What if it just worked?")),
    ),
    "problem_aware": (
        ("Pain point", "Sound familiar?", ("{pain_q}",)),
        ("Tired of settling", "Stop settling",
         ("Tired of {thing} that don't fit?", "Tired of settling?")),
        ("Agitation", "It doesn't have to be this hard", ("It doesn't have to be this hard.",)),
        ("Why question", "Why is this still so hard?",
         ("Why is your {routine} still hard?", "Why is this still hard?")),
        ("Empathy", "If this keeps happening", ("Does this keep happening to you?",)),
        ("Hidden cost", "The real cost", ("This costs more than you think.",)),
        ("Relief", "Never again",
         ("Imagine never dealing with that again.", "Imagine never again.")),
        ("Simple fix", "The fix is simpler", ("The fix is simpler than you think.",)),
        ("You know the feeling", "We've all been there",
         ("You know the feeling.",)),
    ),
    "solution_aware": (
        ("Comparison", "Not the usual fix",
         ("Tried the usual fixes? This is different.", "This isn't the usual fix.")),
        ("Myth buster", "Half the story", ("The usual advice gets you halfway.",)),
        ("Smarter way", "A simpler way", ("There's a simpler way.",)),
        ("Buyer's checklist", "What to look for", ("Check this before you choose.",)),
        ("Us vs them", "Not built the same",
         ("Not all {thing} are equal.", "Not every option is equal.")),
        ("Switch story", "Thinking of a change?", ("Thinking of a change? Watch this.",)),
        ("No trade-offs", "Why settle for a trade-off?", ("Why settle for a trade-off?",)),
        ("Just works", "What if it just worked?", ("What if {thing} just worked?",
                                                   "What if it just worked?")),
        ("Head to head", "The honest comparison",
         ("{product} versus the usual way.", "Versus the usual way.")),
    ),
    "product_aware": (
        ("Reminder", "Still thinking about it", ("Still thinking about {product}?",)),
        ("Objection", "The big question", ("Your question about {product}, answered.",
                                           "Your biggest question, answered.")),
        ("What it does", "What it actually does",
         ("What {product} actually does.", "What it actually does.")),
        ("Behind the scenes", "How it's made different",
         ("How {other_brand} makes it different.", "What makes {product} different.")),
        ("Head to head", "Versus the rest",
         ("{product} versus the rest.", "Versus the rest, honestly.")),
        ("Demo", "Watch it work", ("Watch {product} work.", "Watch it work.")),
        ("Up close", "Up close", ("{product}, up close.", "Up close.")),
        ("Second look", "Take a second look",
         ("A second look at {product}.", "Take a second look.")),
        ("Why it works", "Why it works", ("Why {product} works.",
                                          "Why it works.")),
    ),
    "most_aware": (
        ("Offer", "The offer",
         ("{Offer}. Here's how.", "Ready for {product}? Start here.", "Ready? Start here.")),
        ("Next step", "Your next step", ("You know {product}. Next step?",
                                         "You know it. Next step?")),
        ("Loyalty", "For the fans", ("Love {brand}? {Offer}.", "Love {brand}? This is for you.",
                                      "This one is for the fans.")),
        ("Easy start", "Starting is easy", ("Start with {offer}.", "Starting {product} is easy.",
                                                "Starting is easy.")),
        ("Today's the day", "Today's the day",
         ("Still waiting? {Offer} is here.", "Still waiting? Today's the day.")),
        ("Ask first", "Straight to it", ("{cta}. Here's why.", "Here's why to act.")),
        ("Reminder", "Still on your list?", ("{product} still on your list?",
                                            "Still on your list?")),
        ("Recap", "Everything in one minute", ("{product}, in a nutshell.", "In a nutshell.")),
        ("Ready", "Ready when you are", ("{Offer}. Ready?", "{product}, whenever you're ready.",
                                 "Whenever you're ready.")),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _Style:
    """How a creative style speaks and looks."""

    frames: tuple[str, ...]  # opening words of a hook (short: a hook is at most 8 words)
    approach: str  # the narrative approach of an idea
    look: str  # the look of the scene pictures
    voice: str = "default"  # which role lines of :data:`_LINES` it speaks


_STYLES: dict[str, _Style] = {  # by creative style (:data:`STYLES`)
    "Direct Response": _Style(
        ("Stop scrolling.", "Listen up."),
        "Fast cuts and a clear ask: hook, benefit, reason to believe, then act.",
        "bold, high-contrast framing with the product front and centre",
    ),
    "UGC Style": _Style(
        ("Real talk:", "Okay, so:"),
        "Selfie-style, first-person phone footage that feels like a friend's tip.",
        "handheld smartphone look, natural window light, authentic home setting",
        "first_person",
    ),
    "Cinematic": _Style(
        ("Picture this.", "Imagine this."),
        "Slow, polished shots with mood lighting that build to the product reveal.",
        "cinematic light, shallow depth of field, golden-hour glow, slow dolly",
        "story",
    ),
    "Storytelling": _Style(
        ("Story time:", "True story."),
        "A short story with a relatable character, a turning point and a payoff.",
        "warm, candid scene with a relatable character, soft natural light",
        "story",
    ),
    "Problem-Solution": _Style(
        ("Problem:", "The problem?"),
        "Name the problem, feel it, then show the product solving it.",
        "split contrast between the frustration and the fix",
    ),
    "Testimonial": _Style(
        ("My take:", "Honestly, though:"),
        "One person tells it in their own words, with their before and after.",
        "a person speaking to camera in a cosy, well-lit room",
        "first_person",
    ),
    "Educational": _Style(
        ("Quick lesson:", "Worth knowing:"),
        "Teach one useful thing, with the product as the practical answer.",
        "clean explainer set-up with simple on-screen diagrams",
        "expert",
    ),
    "Humor": _Style(
        ("Plot twist:", "Confession:"),
        "An exaggerated, playful take on the problem with a witty payoff.",
        "playful, exaggerated staging with bright colours and comic timing",
        "playful",
    ),
    "Luxury": _Style(
        ("Refined.", "Exquisite."),
        "Elegant close-ups, rich textures and few words: desire over discount.",
        "elegant close-up, dark marble and soft gold accents, slow motion",
        "refined",
    ),
    "Minimalist": _Style(
        ("Simply:", "One thing."),
        "Clean frames, lots of space, one idea per scene.",
        "minimal set, plain background, lots of negative space",
        "minimal",
    ),
}


def _unknown_style(name: str) -> _Style:
    """A style the writer has no table for: no frames, a generic approach and look."""
    approach = f"A {name} treatment that keeps the product front and centre."
    return _Style(frames=(), approach=approach, look=f"{name} look")


_STAGE_STRATEGY: dict[str, str] = {
    "unaware": "viewers who don't know they have the problem, so it opens on a story",
    "problem_aware": "viewers who feel the problem, so it starts from their pain",
    "solution_aware": "viewers comparing solutions, so it shows why this kind of fix wins",
    "product_aware": "viewers who know the product, so it answers doubts with what it does",
    "most_aware": "viewers ready to act, so it leads with the offer and makes acting easy",
}

# The middle of the script by awareness stage: the roles in narrative order, and the order in
# which they are kept when there are few scenes. The persuasion trigger's line ("proof") comes
# right before the call to action whenever there are four scenes or more.
_STAGE_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unaware": (
        ("story", "problem", "reveal", "benefit", "how", "benefit2", "objection"),
        ("reveal", "benefit", "story", "problem", "how", "benefit2", "objection"),
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
        ("benefit", "objection", "reminder", "offer", "difference", "how", "benefit2"),
    ),
    "most_aware": (
        ("offer", "benefit", "reminder", "benefit2", "how", "objection", "urgency"),
        ("offer", "benefit", "urgency", "reminder", "benefit2", "how", "objection"),
    ),
}

# When a role has nothing true to say (no offer stated, no deadline, no claims left), the
# line of the next role in this chain is used instead.
_FALLBACK: dict[str, tuple[str, ...]] = {
    "offer": ("benefit2", "how", "objection"),
    "urgency": ("nudge",),
    "benefit": ("benefit2", "how"),
    "difference": ("benefit", "benefit2", "how"),
    "benefit2": ("how", "objection"),
    "reminder": ("benefit", "how"),
    "compare": ("problem", "how"),
}

# Role lines by voice. {claim} is a whole sentence of the campaign's own text.
_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "default": {
        "story": ("{story}",),
        "problem": ("{pain}",),
        "agitate": ("{agitate}",),
        "reveal": ("That's why there's {product}.", "Then there's {product}."),
        "solution": (
            "Meet {product}, from {other_brand}.",
            "Meet {product}, made for {audience}.",
            "Meet {product}.",
        ),
        "compare": (
            "You've compared the options. You know the trade-offs.",
            "Other {thing} make you choose. This one doesn't.",
        ),
        "reminder": (
            "You've seen {product}. Here's what it really does.",
            "Remember {product}? Take a closer look.",
        ),
        "difference": ("The difference? {claim}", "{claim}"),
        "benefit": ("{claim}",),
        "benefit2": ("{claim}", "{win}"),
        "how": ("{how}",),
        "objection": (
            "Not sure it's for you? It was made for {audience}.",
            "Not sure yet? See for yourself.",
        ),
        "offer": ("Right now: {offer}.", "{Offer}, right now."),
        "urgency": ("{deadline}",),
        "nudge": ("The sooner you start, the sooner you'll feel the difference.",),
    },
    "first_person": {
        "story": ("Okay, so here's what happened.", "Real talk about my {routine}."),
        "problem": (
            "I tried everything, and nothing really stuck.",
            "I kept trying {thing}, and none of them worked for me.",
        ),
        "agitate": ("Honestly? It was getting frustrating.", "And I was tired of starting over."),
        "reveal": ("Then I found {product}.", "That's when I found {product}."),
        "solution": ("Then I tried {product}, and it clicked.", "So I gave {product} a real try."),
        "compare": ("I've tried the others. This one is different.",),
        "reminder": ("I kept seeing {product}, so I finally tried it.",),
        "difference": ("What got me? {claim}",),
        "benefit": ("{claim}", "Honestly? {claim}"),
        "objection": ("I was skeptical too. Try it and see.",),
    },
    "story": {
        "story": ("{story}",),
        "problem": ("But something was always missing.",),
        "agitate": ("And the days started to feel the same.",),
        "reveal": ("And then, {product}.", "Then came {product}."),
        "solution": ("Then came {product}, from {other_brand}.", "Then came {product}."),
        "how": ("One small change, and everything flows.",),
    },
    "playful": {
        "problem": ("Let's be honest about your {routine}.",),
        "agitate": ("Honestly, it's been rough for everyone involved.",),
        "reveal": ("Enter {product}. Cue the dramatic music.",),
        "solution": ("Enter {product}. Cue the dramatic music.",),
        "benefit": ("{claim} Yes, really.", "{claim}"),
        "objection": ("Side effects may include smiling more.",),
    },
    "expert": {
        "problem": ("Here's the thing: most fixes treat symptoms, not causes.",),
        "agitate": ("That's why the same problem keeps coming back.",),
        "solution": ("{product} starts with the cause.",),
        "reveal": ("That's the idea behind {product}.",),
        "difference": ("The key difference? {claim}",),
        "benefit": ("{claim} That's the key.", "{claim}"),
    },
    "refined": {
        "problem": ("Some things should never be compromised.",),
        "agitate": ("Ordinary is never quite enough.",),
        "solution": ("{product}, by {other_brand}.", "Introducing {product}."),
        "reveal": ("Introducing {product}.",),
        "how": ("Every detail considered. Nothing left to chance.",),
    },
    "minimal": {
        "story": ("Every day. Same routine.",),
        "problem": ("Too much noise.",),
        "agitate": ("Too many compromises.",),
        "reveal": ("Then, {product}.",),
        "solution": ("Just {product}.",),
        "benefit2": ("{claim}", "Nothing extra."),
        "how": ("Simple. Clear. Done.",),
        "objection": ("No compromise.",),
    },
}

# The persuasion trigger's line. "stated" lines use what the campaign says (a proof, an
# expert, a deadline, a free thing); without it the line invites without claiming anything.
_TRIGGER_LINES: dict[str, tuple[str, ...]] = {
    "Reciprocity": ("Start with {free_thing}, on us.",
                    "One tip, on the house: start small and stay with it."),
    "Commitment & Consistency": ("Start small: one step today.",
                                 "You care about doing it right. {product} helps you stay on it."),
    "Social Proof": ("Try it once, then tell a friend.", "Found something good? Share it."),
    "Authority": ("No hype. Just how it works.", "Here's how it works, plainly."),
    "Liking": ("Friendly, simple, and made with you in mind.",
               "Made with care, for those who care."),
    "Scarcity": ("Don't put it off another week.",
                 "The sooner you start, the sooner you'll feel the difference."),
    "": ("See for yourself.", "Give it a try and see."),
}  # fmt: skip

_CTA_TAILS: dict[str, tuple[str, ...]] = {
    "unaware": ("{cta}, and see what you've been missing.", "{cta}."),
    "problem_aware": ("{cta}, and feel the difference.", "{cta}. You deserve better."),
    "solution_aware": ("{cta}, and compare for yourself.", "{cta}. Make the smart switch."),
    "product_aware": ("{cta}. See it for yourself.", "{cta}. You've waited long enough."),
    "most_aware": ("{cta}.", "{cta}. Your move."),
}

_JINGLE_COUPLETS: tuple[tuple[str, str], ...] = (
    ("{brand}, {brand}, here for you,", "making every day feel new."),
    ("When the day gets long and slow,", "{product} is the way to go."),
    ("Say it loud and say it true,", "{brand} was made for you."),
    ("Morning light or late at night,", "{product} gets it right."),
    ("Every time you need a lift,", "{brand} gives your day a shift."),
    ("Simple, easy, bright and clear,", "{brand} is always near."),
    ("Take a breath and let it flow,", "{product}, the one you know."),
    ("Rain or shine, day or night,", "{brand} makes it feel just right."),
)


# ============================================================================================
# timing


# ============================================================================================
# strategy drafts ("Draft strategy with AI"): the pillars from the product and its setting

_PEOPLE = re.compile(
    r"\b(people|teams?|parents|mums|moms|dads|runners|founders|professionals|women|men"
    r"|students|owners|riders|cyclists|families|athletes|beginners|developers|engineers"
    r"|managers|marketers|designers|creators|travell?ers|commuters|gamers|homeowners"
    r"|businesses|companies|startups|freelancers|workers|nurses|teachers|seniors|adults"
    r"|customers|clients|users|lovers|fans|enthusiasts|shoppers|cooks|chefs|drivers"
    r"|learners|readers|makers|gardeners|hikers|climbers|swimmers|golfers)$",
    re.IGNORECASE,
)
# who the ad speaks to when the description names nobody, by business type
_WHO = {
    "saas": "Teams", "service": "Clients", "local": "Local customers", "agency": "Businesses",
    "course": "Learners", "nonprofit": "Supporters", "subscription": "Subscribers",
}  # fmt: skip
_STAGE_AUDIENCE = {
    "unaware": "They don't see it as a problem yet, so the ad meets them cold, mid-scroll.",
    "problem_aware": "They feel the problem every day but haven't found a fix they trust.",
    "solution_aware": "They know fixes exist and are comparing their options.",
    "product_aware": "They have heard of {product} but haven't decided yet.",
    "most_aware": "They know {product} and are ready to act when the next step is easy.",
}
_STAGE_MESSAGE = {
    "unaware": "Open with a story from their {routine}, and let {product} arrive as the turn.",
    "problem_aware": "Name their problem first, then show {product} fixing it.",
    "solution_aware": "Show why {product} is the better choice, not just another option.",
    "product_aware": "Answer their doubts by showing what {product} actually does.",
    "most_aware": "Lead with the next step and make acting on it easy.",
}
_STAGE_GOAL = {
    "unaware": "Reach people who have never heard of {product} and earn their attention.",
    "problem_aware": "Reach cold audiences who feel the problem and introduce {product} as "
    "the fix.",
    "solution_aware": "Win people who are comparing options and bring them to {product}.",
    "product_aware": "Retarget people who know {product} and move them to a decision.",
    "most_aware": "Turn people who are ready into customers with one clear next step.",
}


def _lower_first(text: str, keep: Sequence[str] = ()) -> str:
    """``text`` with its first letter lowered (after a colon), unless it starts with a name."""
    if any(name and text.startswith(name) for name in keep):
        return text
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _who(brief: Brief, business: str) -> str:
    """The people the description names ("… for busy founders." → "Busy founders"), else a
    plain word for the business type's customers. Never invents an age or a job."""
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
    return _WHO.get(business, "People")


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
    return max(MIN_SCENE_SECONDS, math.ceil(_words(text) / WORDS_PER_SECOND))


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
    slots: dict[str, str]
    stage: str
    manner: _Style  # the creative style's frames, approach, look and voice
    trigger: str
    dice: _Dice


def _join_frame(frame: str, core: str, slots: Mapping[str, str]) -> str:
    """ "Frame: core" with the core's first letter lowered after a colon (not for names)."""
    if frame.endswith(":"):
        names = (slots.get("product", ""), slots.get("brand", ""))
        if not any(name and core.startswith(name) for name in names):
            if len(core) > 1 and core[0].isupper() and not core[1].isupper():
                if not core.startswith(("I ", "I'")):
                    core = core[0].lower() + core[1:]
    return f"{frame} {core}"


class OfflineWriter:
    """Deterministic copywriter driven by the campaign brief (no network, no randomness)."""

    name = "offline"
    model = "offline-writer-1"

    # ----------------------------------------------------------------------------------------
    def _ctx(self, brief: Brief, *salt: object) -> _Ctx:
        campaign = _read(brief)
        style = normalize_style(brief.creative_style)
        return _Ctx(
            campaign=campaign,
            slots=campaign.slots(),
            stage=normalize_stage(brief.awareness_stage),
            manner=_STYLES.get(style) or _unknown_style(style),
            trigger=normalize_trigger(brief.persuasion_trigger),
            dice=_Dice(_fingerprint(brief), *salt),
        )

    def _hook(self, ctx: _Ctx, cores: Sequence[str], label: str, limit: int) -> str:
        """The style's opening words + the angle's core, at most ``limit`` words, whole."""
        filled = _fill(cores, ctx.slots)
        frames = ctx.dice.shuffled(label, list(ctx.manner.frames))
        for core in filled:
            for frame in frames:
                text = _join_frame(frame, core, ctx.slots)
                if _words(text) <= limit:
                    return text
        fitting = [core for core in filled if _words(core) <= limit]
        return fitting[0] if fitting else min(filled, key=_words)

    def ideas(
        self, brief: Brief, *, count: int = 3, length_s: int = 30, variant: int = 0,
        seed: int = 0,
    ) -> list[Idea]:  # fmt: skip
        """``count`` distinct concepts. ``variant`` counts the project's earlier runs: run
        after run walks through every angle of the awareness stage before any comes back;
        ``seed`` (e.g. the project id) gives another project of the same campaign other
        first ideas."""
        if count < 1:
            return []
        ctx = self._ctx(brief, "ideas", int(seed))
        entries = _HOOKS[ctx.stage]
        n = len(entries)
        ideas: list[Idea] = []
        seen: set[str] = set()
        position = max(0, int(variant)) * count
        tries = 0
        while len(ideas) < count and tries < count + 2 * n:
            cycle, slot = divmod(position + tries, n)
            order = ctx.dice.shuffled(f"angles|{cycle}", [str(i) for i in range(n)])
            angle, title, cores = entries[int(order[slot])]
            tries += 1
            hook = self._hook(ctx, cores, f"frame|{cycle}|{slot}", HOOK_WORDS)
            title_text = (_fill((title,), ctx.slots) or [angle])[0]
            if hook in seen or title_text in seen:
                continue
            seen.update((hook, title_text))
            approach = (
                f"{ctx.manner.approach} Angle: {angle.lower()}, for {_STAGE_STRATEGY[ctx.stage]}. "
                f"{int(length_s)} seconds, ending on \u201c{ctx.campaign.cta}.\u201d"
            )
            ideas.append(Idea(title=title_text, angle=angle, hook=hook, approach=approach))
        repeat = 2
        while len(ideas) < count:  # more ideas asked than there are angles
            base = ideas[len(ideas) % max(1, len(entries))]
            ideas.append(
                dataclasses.replace(
                    base, title=f"{base.title} (take {repeat})", hook=f"{base.hook} Take {repeat}."
                )
            )
            repeat += 1
        return ideas

    # ----------------------------------------------------------------------------------------
    def _claim_units(self, ctx: _Ctx) -> list[tuple[str, str]]:
        """(unit, source sentence): each campaign sentence, then its standalone clauses."""
        units = []
        for sentence in ctx.campaign.claims:
            units.append((sentence, sentence))
            units.extend((clause, sentence) for clause in clauses(sentence))
        return units

    def _candidates(self, ctx: _Ctx, role: str) -> list[tuple[str, str, str]]:
        """(line, claim unit, source sentence) options for a role, in preference order."""
        own = _LINES.get(ctx.manner.voice, {}).get(role, ())
        default = [t for t in _LINES["default"].get(role, ()) if t not in own]
        templates = ctx.dice.shuffled(f"t|{role}", list(own)) + ctx.dice.shuffled(
            f"d|{role}", default
        )
        out: list[tuple[str, str, str]] = []
        for template in templates:
            if "{claim}" in template:
                for unit, source in self._claim_units(ctx):
                    for text in _fill((template,), {**ctx.slots, "claim": unit}):
                        out.append((text, unit, source))
            elif "{deadline}" in template:
                out.extend((d, d, d) for d in ctx.campaign.deadline)
            else:
                out.extend((text, "", "") for text in _fill((template,), ctx.slots))
        return out

    def _proof_candidates(self, ctx: _Ctx) -> list[tuple[str, str, str]]:
        campaign = ctx.campaign
        stated = {
            "Social Proof": campaign.proof,
            "Authority": campaign.authority,
            "Scarcity": campaign.deadline,
        }.get(ctx.trigger, [])
        out = []
        for sentence in stated:
            out.append((sentence, sentence, sentence))
            out.extend((c, c, sentence) for c in clauses(sentence))
        templates = _TRIGGER_LINES.get(ctx.trigger, _TRIGGER_LINES[""])
        filled = _fill(templates, ctx.slots)
        if not (ctx.trigger == "Reciprocity" and campaign.free_thing):
            filled = ctx.dice.shuffled("proof", filled)
        out.extend((text, "", "") for text in filled)
        return out

    def _line(self, ctx: _Ctx, role: str, budget: int, used: set[str]) -> str:
        """A whole line for ``role`` within ``budget`` words, not used before in the script."""
        chain = (role, *_FALLBACK.get(role, ()))
        if "\x00offer" in used:
            chain = tuple(name for name in chain if name != "offer")
        for name in chain:
            options = (
                self._proof_candidates(ctx) if name == "proof" else self._candidates(ctx, name)
            )
            how = ctx.slots["how"]
            if name in ("reveal", "solution", "reminder", "offer") and how not in used:
                # the business type's "how" rides along when there is room
                options = [(f"{t} {how}", u, s) for t, u, s in options] + options
            for text, unit, source in options:
                if _words(text) > budget or text in used or (unit and unit in used):
                    continue
                if text.endswith(how) and text != how:
                    used.add(how)
                if (
                    unit and unit == source and any(c in used for c in clauses(source))
                ):  # a clause of this sentence was said already
                    continue
                used.update(p for p in (text, unit, source) if p)
                if unit == source:
                    used.update(clauses(source))
                return text
        return ""

    def _cta_line(self, ctx: _Ctx, budget: int) -> str:
        options = _fill(_CTA_TAILS[ctx.stage], ctx.slots)
        fitting = [o for o in options if _words(o) <= budget]
        return ctx.dice.pick("cta", fitting) if fitting else as_sentence(ctx.campaign.cta)

    def script(self, brief: Brief, idea: Idea, *, length_s: int) -> Script:
        """Hook, body and call to action, one timed line per scene; fits ~2.5 words/second.

        Lines are whole templates or whole sentences/clauses of the campaign's text chosen to
        fit; a line's seconds follow its spoken length and all add up to ``length_s``."""
        ctx = self._ctx(brief, "script", idea.title, idea.hook)
        count = scene_count(length_s)
        roles = _roles(ctx.stage, count)
        budgets = [_budget(s) for s in _even_seconds(length_s, count)]
        hook = _clean(idea.hook) or as_sentence(idea.title)
        if _words(hook) > budgets[0]:  # someone else's long hook: its first whole sentence
            hook = (
                min(sentences(hook) or [hook], key=_words) if len(sentences(hook)) > 1 else (hook)
            )
        hook = as_sentence(hook)
        if count == 1:
            both = f"{hook} {as_sentence(ctx.campaign.cta)}"
            text = both if _words(both) <= budgets[0] else as_sentence(ctx.campaign.cta)
            return Script(
                hook=text,
                body="",
                call_to_action=as_sentence(ctx.campaign.cta),
                voiceover=text,
                lines=(ScriptLine(text, float(length_s)),),
            )
        used: set[str] = {hook}
        if ctx.campaign.offer and ctx.campaign.offer.lower() in hook.lower():
            used.add("\x00offer")  # the hook already made the offer: say it once more, at the end
        middle = []
        carry = max(0, budgets[0] - _words(hook))  # words a short line leaves to the next
        for role, budget in zip(roles[1:-1], budgets[1:-1], strict=True):
            allowed = budget + min(carry, budget // 2)
            line = self._line(ctx, role, allowed, used)
            if line:
                middle.append(line)
            carry = max(0, carry + budget - _words(line))
        cta = self._cta_line(ctx, budgets[-1] + min(carry, 3))
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
        campaign, vocab = ctx.campaign, ctx.campaign.vocab
        product = campaign.product
        context = _BUSINESS[campaign.business]["context"]
        people = f", {campaign.audience} in the picture" if campaign.audience else ""
        if layout == "hero":
            subject = (
                f"Hero shot: {product} large and sharp, front and centre, in "
                f"{vocab['setting']}; the opening line on screen: \u201c{caption}\u201d"
            )
        elif layout == "detail":
            subject = (
                f"Close-up detail: {vocab['detail']}, {product} clearly visible; "
                f"one benefit on screen: \u201c{caption}\u201d"
            )
        elif layout == "context":
            subject = (
                f"In context: {product} {context}, in {vocab['setting']}{people}; "
                f"one benefit on screen: \u201c{caption}\u201d"
            )
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
        lines = _scene_lines(script, scene_count(length)) or [as_sentence(ctx.campaign.cta)]
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
            caption = _caption(text, frames if index == 0 else (),
                               prefer_first=layout == "end_card",
                               name=ctx.slots["product"])  # fmt: skip
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
    def ad_copy(self, brief: Brief, *, kind: str) -> AdCopy:
        """Headline, supporting line and button for a banner (short) or a flyer (fuller)."""
        ctx = self._ctx(brief, "ad_copy", kind)
        campaign = ctx.campaign
        limit = 7 if kind == "banner" else 10
        options = []
        if campaign.offer and ctx.stage in ("most_aware", "product_aware"):
            options.append(as_sentence(ctx.slots["Offer"]))
        specific, generic = [], []
        for _angle, _title, cores in ctx.dice.shuffled("headline", list(_HOOKS[ctx.stage])):
            for core in cores:
                filled = _fill((core,), ctx.slots)
                if filled and _words(filled[0]) <= limit:
                    (specific if "{" in core else generic).append(filled[0])
                    break
        options.extend(specific + generic)
        headline = next((o for o in options if _words(o) <= limit), campaign.product)
        headline = headline.rstrip(".")
        units = [u for u, _s in self._claim_units(ctx)]
        if kind == "banner":  # the first short whole sentence or clause of the campaign
            short = [u for u in units if _words(u) <= 12]
            subline = short[0] if short else as_sentence(campaign.vocab["win"])
        else:
            parts: list[str] = []
            sources: set[str] = set()
            for unit, source in self._claim_units(ctx):
                if source not in sources and _words(" ".join([*parts, unit])) <= 20:
                    parts.append(unit)
                    sources.add(source)
            if not parts:
                parts.append(as_sentence(campaign.vocab["win"]))
            if campaign.audience:
                parts.append(f"Made for {campaign.audience}.")
            for text, _u, _s in self._proof_candidates(ctx):
                if _words(" ".join([*parts, text])) <= 32:
                    parts.append(text)
                    break
            subline = " ".join(parts)
        return AdCopy(headline=headline, subline=subline, call_to_action=campaign.cta_button)

    def strategy(self, brief: Brief) -> Strategy:
        """Audience, Messaging and Goals drafted from the product, its description, business
        type, industry, creative style and awareness stage: whole sentences; what the product
        is and offers comes only from the description (quoted whole), the rest from tables
        that state no offer, number or proof."""
        ctx = self._ctx(dataclasses.replace(brief, audience="", messaging="", goals=""))
        campaign, slots, stage = ctx.campaign, ctx.slots, ctx.stage
        names = (campaign.product, campaign.brand)
        vocab = campaign.vocab
        who = _who(brief, campaign.business)
        audience = [
            f"{who} who live with this: \u201c{vocab['pain']}\u201d",
            f"What they want: \u201c{vocab['win']}\u201d",
            _STAGE_AUDIENCE[stage].format(**slots),
        ]
        said = sentences(brief.product_description)
        messaging = []
        if said:
            messaging.append(f"{campaign.product} in one line: {_lower_first(said[0], names)}")
        more = [x for x in said[1:] if not _offer(x)[0]]  # the offer goes to the goals
        if more:
            messaging.append(f"Back it up with what it does: {_lower_first(more[0], names)}")
        messaging.append(_STAGE_MESSAGE[stage].format(**slots))
        style = normalize_style(brief.creative_style)
        messaging.append(f"Tell it as {style}: {_lower_first(ctx.manner.approach)}")
        tone = _clean(brief.tone_of_voice).rstrip(".")
        if tone:
            messaging.append(f"Keep the tone {_lower_first(tone)}.")
        action = _DEFAULT_CTA.get(campaign.business, _DEFAULT_CTA["generic"])[0]
        action = re.sub(r"\s+(today|now)$", "", action.format(**slots))
        goals = [
            _STAGE_GOAL[stage].format(**slots),
            f"Success is more people who {_lower_first(action, names)}.",
        ]
        offer, _spoken, _button = _offer(brief.product_description)
        if offer and stage in ("product_aware", "most_aware"):
            goals.append(f"Lead with the offer the description states: {offer}.")
        return Strategy(
            audience=" ".join(audience),
            messaging=" ".join(messaging),
            goals=" ".join(goals),
        )

    def lyrics(self, brief: Brief, *, seconds: int) -> str:
        """Short rhyming jingle lyrics: about one line per 4 seconds, ending on the brand and
        the call to action."""
        ctx = self._ctx(brief, "lyrics")
        couplets = max(1, round(int(seconds) / 8))
        order = ctx.dice.shuffled("jingle", [str(i) for i in range(len(_JINGLE_COUPLETS))])
        verses = []
        for key in order[:couplets]:
            first, second = _JINGLE_COUPLETS[int(key)]
            verses.append(first.format(**ctx.slots))
            second = second.format(**ctx.slots)
            verses.append(second[:1].upper() + second[1:])
        verses.append(f"{ctx.campaign.brand}! {ctx.campaign.cta}!")
        return "\n".join(verses)
