"""A campaign's destination: where its ads send people (a web address, a handle, a phone).

One home for what a destination is, read by every layer: `aytada.core` checks what people type
with :func:`destination_kind`, the layouts in `aytada.providers` draw :func:`display_text` and
encode :func:`qr_target` in a flyer's QR code. Imports nothing of ours (an import-linter
contract), so every layer may read it.

Examples of each kind::

    web     korabrew.com, https://ledgerly.app/trial, apps.apple.com/app/id123, www.crème.fr
    handle  @stridecoach, @kora.brew, @ann@mastodon.social
    phone   +44 20 7946 0000, (555) 010-4477, 0800 123 456
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["web", "handle", "phone", ""]

MAX_CHARS = 200  # the campaign's column and a design's copy hold as much

KIND_LABELS: dict[str, str] = {"web": "web address", "handle": "handle", "phone": "phone number"}

# a letter or digit of any script (Python's \w is Unicode-aware; the underscore is left out)
_ALNUM = r"[^\W_]"
_LABEL = rf"{_ALNUM}(?:[\w-]{{0,61}}{_ALNUM})?"
_TLD = r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
_WEB = re.compile(
    rf"^(?P<scheme>https?://)?(?P<host>(?:{_LABEL}\.)+{_TLD})(?::\d{{1,5}})?(?P<rest>[/?#]\S*)?$",
    re.IGNORECASE,
)
# @name (letters, digits, dots, underscores, hyphens), optionally @server.domain (Mastodon)
_HANDLE = re.compile(rf"^@[\w.\-]{{1,100}}(?:@(?:{_LABEL}\.)+{_TLD})?$")
# digits with the usual separators, an optional leading +; 7 to 15 digits (E.164's most)
_PHONE = re.compile(r"^\+?[\d\s().\-/]+$")  # a "+" only first


def destination_kind(value: str) -> Kind:
    """What ``value`` (stripped) is: "web", "handle", "phone", or "" (empty, or none of
    them)."""
    text = (value or "").strip()
    if not text:
        return ""
    if text.startswith("@"):
        return "handle" if _HANDLE.match(text) else ""
    if _PHONE.match(text):
        digits = sum(ch.isdigit() for ch in text)
        starts = text[0] in "+(" or text[0].isdigit()
        return "phone" if 7 <= digits <= 15 and starts and text[-1].isdigit() else ""
    return "web" if _WEB.match(text) else ""


def qr_target(value: str) -> str:
    """The URL a QR code of ``value`` opens ("https://" added when no scheme is given; an
    international host in its ASCII form, which every phone opens); "" unless a web address."""
    text = (value or "").strip()
    match = _WEB.match(text)
    if destination_kind(text) != "web" or match is None:
        return ""
    host = match.group("host")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = host
    scheme = (match.group("scheme") or "https://").lower()
    return scheme + ascii_host + text[match.end("host") :]


def display_text(value: str) -> str:
    """How a design shows ``value``: a web address without its "https://" (and a lone
    trailing "/"), as people read it on a poster; a handle or a phone number as typed."""
    text = " ".join((value or "").split())
    if destination_kind(text) == "web":
        text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
        if text.endswith("/") and text.count("/") == 1:
            text = text[:-1]
    return text
