"""What a campaign brief says, read into the parts an ad is built from.

The offline writer says nothing the brief does not: this module finds, in the campaign's own
words, the audience's struggles and wishes (turned to "you"), the benefits (Messaging), the
reasons to believe (the product description), the proof, the offer, the deadline and the call
to action (Goals), and where the ad sends people (the destination). Industry and business type
only pick the *structure* elsewhere; nothing here comes from a table of stock pains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aytada.destination import destination_kind, display_text
from aytada.providers.offline.common import _clean, _words, as_sentence, ends_whole, sentences

# ============================================================================================
# the audience, spoken to as "you"


@dataclass(frozen=True)
class Trait:
    """One thing the audience text says its people do, feel or want, said to them."""

    kind: str  # "pain" (a struggle), "want" (a wish) or "fact"
    you: str  # "You do inventory on paper on Sunday nights." (a whole sentence)
    verb_phrase: str  # "do inventory on paper on Sunday nights" ("" for "Your …" traits)
    asked: str = ""  # a "whose" trait as its own question ("Skin looks tired after work?")

    def question(self) -> str:
        """The trait as a question a hook can ask ("Still do inventory on paper?"), or ""."""
        if self.asked:
            return self.asked
        phrase = self.verb_phrase
        if not phrase:
            return ""
        first, _, rest = phrase.partition(" ")
        if first == "are" and rest:
            return as_sentence(f"Are you {rest}").rstrip(".") + "?"
        if first in _NO_QUESTION:
            return ""
        if self.kind == "want":
            return as_sentence(phrase).rstrip(".") + "?"
        if self.kind == "pain":
            return f"Still {phrase}?"
        return ""


_NO_QUESTION = frozenset(
    """can can't cannot could couldn't won't will would should must don't never were was
    have has had do does did may might""".split()
)
_WANT_VERBS = frozenset(
    "want wants need needs wish wishes love loves like likes prefer prefers care cares "
    "dream dreams crave craves hope hopes".split()
)
_PAIN_WORDS = re.compile(
    r"\b(lose|loses|losing|lost|waste\w*|spend\w*|miss\w*|forget\w*|hit|hits|struggl\w*"
    r"|can't|cannot|never|stuck|tired|worr\w*|fear\w*|dread\w*|hate\w*|juggl\w*|chas\w*"
    r"|skip\w*|throw\w*|put off|puts off|run out|runs out|pain|slump|late|still|only"
    r"|paper|by hand|nervous|anxious|guess\w*|overwhelm\w*|frustrat\w*|no time|too|ache\w*"
    r"|crack\w*|dry|spoil\w*|broke|debt|behind|alone|reach for|without)\b",
    re.IGNORECASE,
)
_PRONOUNS = {
    "they": "you", "them": "you", "their": "your", "theirs": "yours",
    "themselves": "yourself", "they're": "you're", "they've": "you've", "they'll": "you'll",
    "they'd": "you'd",
}  # fmt: skip
_SINGULAR_PRONOUNS = {"his": "your", "her": "your", "he": "you", "she": "you", "him": "you"}
_TO_PLURAL = {
    "is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't",
    "isn't": "aren't", "wasn't": "weren't", "hasn't": "haven't", "goes": "go",
}  # fmt: skip
_PLURAL_NOUNS = frozenset("people men women children staff folk folks crew team teams".split())


def _singular(head: str) -> bool:
    words = head.lower().split()
    if not words:
        return False
    if words[0] in {"a", "an", "every", "each", "one", "someone", "anyone"}:
        return True
    last = re.sub(r"[^a-z]", "", words[-1])
    if last in _PLURAL_NOUNS or not last:
        return False
    return not last.endswith("s") or last.endswith("ss")


def _base_form(verb: str) -> str:
    """A third-person verb in its plain form ("juggles" → "juggle", "carries" → "carry")."""
    lower = verb.lower()
    if lower in _TO_PLURAL:
        return _TO_PLURAL[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return verb[:-3] + "y"
    if re.search(r"(ches|shes|sses|xes|zes|oes)$", lower):
        return verb[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 2:
        return verb[:-1]
    return verb


def _second_person(phrase: str, *, singular: bool) -> str:
    """A verb phrase about "them" said about "you" (pronouns and verb agreement)."""
    words = phrase.split()
    out = []
    first_verb = True
    for index, word in enumerate(words):
        bare = word.lower().strip(",.;:!?")
        tail = word[len(word.rstrip(",.;:!?")) :]
        if bare in _PRONOUNS:
            out.append(_PRONOUNS[bare] + tail)
        elif singular and bare in _SINGULAR_PRONOUNS:
            out.append(_SINGULAR_PRONOUNS[bare] + tail)
        elif singular and (first_verb or (index and words[index - 1].lower() == "and")):
            changed = _base_form(word.rstrip(",.;:!?"))
            out.append(changed + tail)
        else:
            out.append(word)
        first_verb = False
    if not singular and words and words[0].lower() in _TO_PLURAL and words[0].lower() != "goes":
        out[0] = _TO_PLURAL[words[0].lower()]  # "people who is" never happens; "a team that is"
    return " ".join(out)


def _split_actions(phrase: str) -> list[str]:
    """ "hit a slump at 4 pm and reach for a third coffee" → both actions (an "and" splits only
    when what follows starts like an action of its own, with a verb we know)."""
    parts = re.split(
        r",?\s+and\s+(?=(?:lose|waste|spend|miss|forget|end|get|run|hit|reach|worry|struggle"
        r"|can't|never|still|pay|throw|skip|hate|feel|dread|juggle|chase|want|need|wish|love"
        r"|have|do|are|put|fall|go|keep|take|make|buy|sleep|wake)\b)",
        phrase,
    )
    return [p.strip(" ,") for p in parts if _words(p) >= 2]


def _asked_of_yours(phrase: str) -> str:
    """A "whose" clause as a yes/no question about "your" (or "" when its verb is not clear):
    "skin looks tired after work" → "Does your skin look tired after work?", "hands crack in
    the cold" → "Do your hands crack in the cold?", "kids are picky" → "Are your kids picky?"."""
    words = phrase.rstrip(".!?").split()
    for j in (1, 2):
        if len(words) <= j:
            return ""
        subject, verb, rest = " ".join(words[:j]), words[j], words[j + 1 :]
        plural = not _singular(subject)
        lower = verb.lower()
        if lower in {"is", "are", "was", "were"}:
            lead = lower.capitalize()
        elif lower in {"has", "have"}:
            lead, rest = ("Do" if plural else "Does"), ["have", *rest]
        elif not plural and lower.endswith("s") and not lower.endswith("ss"):
            lead, rest = "Does", [_base_form(verb), *rest]
        elif plural and j == 1 and re.fullmatch(r"[a-z]+", lower) and not lower.endswith("ly"):
            lead, rest = "Do", [verb, *rest]
        else:
            continue
        return f"{lead} your {subject} {' '.join(rest)}".strip() + "?"
    return ""


def audience_traits(audience: str) -> list[Trait]:
    """The struggles, wishes and facts the audience text states, said to "you".

    "Restaurant owners who do inventory on paper on Sunday nights and lose money to spoiled
    stock" gives "You do inventory on paper on Sunday nights." and "You lose money to spoiled
    stock."; a bare description ("Busy professionals aged 25-40") gives nothing.
    """
    traits: list[Trait] = []
    # "…whose skin looks tired; they want to look rested": each clause is read on its own
    parts = [p.strip() for s in sentences(audience) for p in s.split(";") if p.strip()]
    for sentence in parts:
        body = sentence.rstrip(".!?")
        match = re.search(r"\b(who|whose|that)\s+(.+)$", body, re.IGNORECASE)
        if match:
            head, word, rest = body[: match.start()].strip(" ,"), match.group(1).lower(), match[2]
        elif re.match(r"(they|their)\b", body, re.IGNORECASE):
            head, word, rest = "", "they", body
        else:
            ing = re.search(r"^(.*?\b\w+s)\s+(\w+ing\b.*)$", body)
            if not ing:
                continue
            head, word, rest = ing.group(1), "ing", ing.group(2)
        singular = _singular(head)
        if word == "whose":
            said = _second_person(rest, singular=singular)
            kind = "pain" if _PAIN_WORDS.search(rest) else "fact"
            asked = _asked_of_yours(said) if kind == "pain" else ""
            traits.append(Trait(kind, as_sentence(f"Your {said}"), "", asked))
            continue
        if word == "they":
            rest = re.sub(r"^(they|their)\s+", "", rest, flags=re.IGNORECASE)
            if body.lower().startswith("their"):
                text = as_sentence(f"Your {_second_person(rest, singular=False)}")
                traits.append(Trait("pain" if _PAIN_WORDS.search(rest) else "fact", text, ""))
                continue
        if word == "ing":
            rest = f"are {rest}"
        for action in _split_actions(rest):
            phrase = _second_person(action, singular=singular and word != "ing")
            first = phrase.split()[0].lower()
            kind = (
                "want" if first in _WANT_VERBS else "pain" if _PAIN_WORDS.search(phrase) else "fact"
            )
            traits.append(Trait(kind, as_sentence(f"You {phrase}"), phrase))
    return traits


def short_audience(audience: str) -> str:
    """The head noun phrase of the audience ("Restaurant owners who …" → "restaurant owners"),
    or "" when it has none short enough to say whole."""
    text = _clean(audience)
    if not text:
        return ""
    head = re.split(
        r"[,;:(.]|\s[-–—]\s|\s(?:who|whose|that|which|looking|wanting|trying|interested|aged|"
        r"doing|\w+ing)\s",
        f"{text} ",
    )[0].strip(" .")
    words = head.split()
    if not words or len(words) > 5 or not ends_whole(head):
        return ""
    if words[0].lower() in {"for", "to", "the", "a", "an", "our", "they", "their"}:
        return ""
    if len(head) > 1 and head[0].isupper() and not head[1].isupper():
        head = head[0].lower() + head[1:]
    return head


def shorter(phrase: str, limit: int) -> str:
    """``phrase`` within ``limit`` words by dropping whole trailing phrases ("do inventory on
    paper on Sunday nights" → "do inventory on paper"), or "" when no whole part fits."""
    words = phrase.split()
    if len(words) <= limit:
        return phrase
    cuts = [
        i
        for i, w in enumerate(words)
        if i >= 2 and w.lower() in {"on", "in", "at", "for", "with", "by", "to", "from", "every"}
    ]
    for cut in reversed(cuts):
        if cut <= limit and ends_whole(" ".join(words[:cut])):
            return " ".join(words[:cut])
    return ""


# ============================================================================================
# Goals: the offer, the proof, the deadline and the call to action

_PROOF_RE = re.compile(
    r"\d[\d,.]*\s*(?:k|m)?\+?\s+(?:happy\s+|satisfied\s+|five-star\s+)?(?:customers|users|teams"
    r"|clients|people|members|riders|businesses|companies|downloads|orders|restaurants|shops"
    r"|stores|patients|families|students|reviews|ratings|schools|cafés|cafes|runners|walkers)"
    r"|\b(?:reviews?|rated|ratings?|stars?|trusted by|loved by|used by|best-?sell\w*"
    r"|bestsellers?|#1|testimonials?|favou?rite of|as seen (?:in|on)|featured in|sold in"
    r"|recommended by|winner of)\b",
    re.IGNORECASE,
)
_AUTHORITY_RE = re.compile(
    r"\b(?:dermatologists?|clinically|certified|experts?|awards?|award-winning|doctors?|approved"
    r"|tested|patented|scientists?|research\w*|accredited|licensed|years of experience"
    r"|since \d{4}|mechanics?|specialists?|physio\w*|counsell?ors?|nutritionists?|chefs?"
    r"|recommended by|founded by|\d+ years)\b",
    re.IGNORECASE,
)
_DEADLINE_RE = re.compile(
    r"\b(?:ends?|until|till|this (?:week|weekend|month)|today only|limited|last chance"
    r"|while (?:stocks?|supplies) last|only \d+ left|deadline|expires?|before \w+day)\b",
    re.IGNORECASE,
)
_OFFER_RE = re.compile(
    r"%|[$€£]\s?\d|\bfree\b|\bcodes?\b|\bcoupon\b|\bgifts?\b|\bbonus\b|\bbuy \w+,? get\b"
    r"|\b\d+\s?(?:percent|off)\b|\boff (?:your|the|first)\b|\bdiscount\w*\b|\btrials?\b",
    re.IGNORECASE,
)
# A goal written for the team, not the viewer ("Drive cold traffic", "increase sign-ups").
_INTERNAL_GOAL = re.compile(
    r"\b(drive|increase|grow|boost|generate|reach|retarget\w*|acquire|convert|kpi|roas|ctr"
    r"|traffic|conversions?|leads?|awareness|sign-?ups|signups|revenue|sales|installs"
    r"|cold audiences?)\b",
    re.IGNORECASE,
)
_CODE_RE = re.compile(
    r"\b(?:code|coupon|promo)\s*:?\s*([A-Z0-9][A-Z0-9-]{2,})\b|\b([A-Z]{3,}\d{1,4})\b"
)


def goal_clauses(text: str) -> list[str]:
    """The separate statements of a goals (or messaging) text: split at sentence ends, ";",
    line breaks and ", " (a thousands separator has no space and stays)."""
    out = []
    for sentence in sentences(text):
        for chunk in re.split(r"\s*;\s*|\s[-–—]\s", sentence.rstrip(".!?")):
            pieces = [_clean(p).strip(" ,") for p in re.split(r",\s+(?=[A-Za-z#])", chunk)]
            held = ""  # "Buy two, get one free" stays one: a piece under 3 words joins the next
            for piece in pieces:
                piece = f"{held}, {piece}" if held else piece
                if _words(piece) < 3 and piece is not pieces[-1]:
                    held = piece
                    continue
                held = ""
                if piece:
                    out.append(piece)
    return out


def promo_code(text: str) -> str:
    match = _CODE_RE.search(text or "")
    return (match.group(1) or match.group(2)) if match else ""


def offer_text(text: str) -> tuple[str, str, str]:
    """(offer phrase, call to action, button) for an offer stated in ``text``, else ("", "", "").

    "20% off first order" → ("20% off your first order", "Claim 20% off your first order",
    "Claim 20% off"); "Free 14-day trial" → ("a free 14-day trial", "Start your free 14-day
    trial", "Start free trial").
    """
    first = re.search(
        r"\bfirst (order|purchase|box|visit|booking|class|month)\b", text, re.IGNORECASE
    )
    scope = f" your first {first.group(1).lower()}" if first else ""
    code = promo_code(text)
    with_code = f" with code {code}" if code else ""
    pct = re.search(
        r"(\d{1,3}(?:[.,]\d+)?)\s?%\s*(?:off|discount)?|(?:save|get)\s+(\d{1,3})\s?%",
        text,
        re.IGNORECASE,
    )
    if pct:
        amount = f"{pct.group(1) or pct.group(2)}% off"
        button = f"Use code {code}" if code else f"Claim {amount}"
        return f"{amount}{scope}{with_code}", f"Claim {amount}{scope}{with_code}", button
    money = re.search(r"([$€£]\s?\d+(?:[.,]\d+)?)\s*off", text, re.IGNORECASE)
    if money:
        amount = f"{money.group(1).replace(' ', '')} off"
        button = f"Use code {code}" if code else f"Claim {amount}"
        return f"{amount}{scope}{with_code}", f"Claim {amount}{scope}{with_code}", button
    month = re.search(
        r"\bfirst (month|week) (?:is )?free\b|\b(month|week) free\b", text, re.IGNORECASE
    )
    if month:
        unit = (month.group(1) or month.group(2)).lower()
        return f"your first {unit} free", f"Get your first {unit} free", f"Get a free {unit}"
    trial = re.search(
        r"\b(?:(\d+)[- ]day )?free (?:(\d+)[- ]day )?trials?\b|\btry (?:it )?(?:for )?free\b",
        text,
        re.IGNORECASE,
    )
    if trial:
        days = trial.group(1) or trial.group(2)
        length = f"{days}-day " if days else ""
        return f"a free {length}trial", f"Start your free {length}trial", "Start free trial"
    shipping = re.search(r"\bfree (shipping|delivery)\b", text, re.IGNORECASE)
    if shipping:
        kind = shipping.group(1).lower()
        return f"free {kind}", f"Order now with free {kind}", "Order now"
    bogo = re.search(r"\bbuy (one|two|\d),? get (one|\d)(?: free)?\b", text, re.IGNORECASE)
    if bogo:
        return bogo.group(0).lower(), f"Shop now: {bogo.group(0).lower()}", "Shop now"
    thing = re.search(
        r"\bfree (consultation|quote|estimate|demo|sample|class|lesson|check-?up|inspection"
        r"|assessment|session|safety check|tune-?up)\b",
        text,
        re.IGNORECASE,
    )
    if thing:
        noun = thing.group(1).lower()
        verb = "Book" if noun not in {"quote", "estimate", "sample"} else "Get"
        article = "an" if noun[0] in "aeiou" else "a"
        return f"{article} free {noun}", f"{verb} your free {noun}", f"{verb} a free {noun}"
    if code:
        return f"code {code}", f"Use code {code}", f"Use code {code}"
    return "", "", ""


@dataclass
class Goals:
    """What the goals (and the proof in messaging and description) let an ad say."""

    offers: list[str] = field(default_factory=list)  # whole offer statements, as stated
    proof: list[str] = field(default_factory=list)  # ratings, counts, endorsements
    authority: list[str] = field(default_factory=list)  # experts, awards, years
    deadline: list[str] = field(default_factory=list)
    offer: str = ""  # the main offer as a phrase ("15% off with code SUMMER15")
    code: str = ""


def read_goals(goals: str, *other: str) -> Goals:
    """Offers and deadlines from Goals; proof from Goals first, then from ``other`` texts."""
    found = Goals()
    for clause in goal_clauses(goals):
        sentence = as_sentence(clause)
        if _INTERNAL_GOAL.search(clause):  # "Drive cold traffic … at 20% off": not for viewers
            phrase = offer_text(clause)[0]
            if phrase:
                found.offers.append(as_sentence(phrase))
            continue
        if _PROOF_RE.search(clause) and not _OFFER_RE.search(clause):
            found.proof.append(sentence)
        elif _AUTHORITY_RE.search(clause) and not _OFFER_RE.search(clause):
            found.authority.append(sentence)
        elif _OFFER_RE.search(clause) or promo_code(clause):
            found.offers.append(sentence)
        if _DEADLINE_RE.search(clause):
            ends = re.search(r"\b(?:offer )?(?:ends|until|expires)\s+([\w ]{2,24})", clause, re.I)
            if ends and ends_whole(ends.group(1)) and not _OFFER_RE.search(clause):
                found.deadline.append(as_sentence(f"The offer ends {ends.group(1).strip()}"))
            elif sentence not in found.offers:
                found.deadline.append(sentence)
    for text in other:
        for sentence in sentences(text):
            if _PROOF_RE.search(sentence) and sentence not in found.proof:
                found.proof.append(sentence)
            elif _AUTHORITY_RE.search(sentence) and sentence not in found.authority:
                found.authority.append(sentence)
    phrase_source = goals if offer_text(goals)[0] else ""
    found.offer = offer_text(phrase_source)[0] if phrase_source else ""
    found.code = promo_code(goals)
    return found


def call_to_action(goals: str, business: str) -> tuple[str, str]:
    """(spoken call to action, button) whose verb follows the goal; templates with {product}."""
    text = goals.lower()
    _phrase, spoken, button = offer_text(goals)
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
         ("Discover {product} today", "Learn more")),
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
            if thing in {"appointment", "visit", "spot", "table", "session"} or (
                len(thing) <= 18 and ends_whole(thing)
            ):
                article = "an" if thing[0] in "aeiou" else "a"
                return f"Book your {thing} today", f"Book {article} {thing}"
    for pattern, result in rules:
        if re.search(pattern, text):
            return result
    return DEFAULT_CTA.get(business, DEFAULT_CTA["generic"])


# (spoken call to action, button) when the goals name no verb, by business type
DEFAULT_CTA = {
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


# ============================================================================================
# the destination


def spoken_destination(destination: str) -> str:
    """The destination as it is said at the end of a call to action ("at korabrew.com")."""
    text = _clean(destination)
    kind = destination_kind(text)
    if kind == "web":
        return f"at {display_text(text)}"
    if kind == "handle":
        return f". Find us at {text}"
    if kind == "phone":
        return f": call {text}"
    return ""


def without_destination(text: str, destination: str) -> str:
    """``text`` without the destination it ends on as spoken ("Claim 20% off at
    lumi.shop/glow." → "Claim 20% off."): an end card sets the destination on its own line."""
    where = spoken_destination(destination)
    if not where or not text:
        return text
    return re.sub(rf"\s*{re.escape(where)}(?=[.!?]?$)", "", text).strip() or text
