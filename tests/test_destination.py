"""What a destination is: a web address, a handle or a phone number; how it is shown and what
its QR code opens."""

from __future__ import annotations

import pytest

from aytada.destination import destination_kind, display_text, qr_target

WEB = [
    "korabrew.com",
    "https://ledgerly.app/trial",
    "http://shop.example.co.uk/sale?ref=flyer#top",
    "apps.apple.com/app/ledgerly/id1234567",
    "play.google.com/store/apps/details?id=app.ledgerly",
    "www.crème-brûlée.fr/été",
    "xn--crme-0ra.fr",
    "HTTPS://Kora.COM:8080/x",
    "123.example.com",
]
HANDLES = ["@stridecoach", "@kora.brew", "@kora_brew_2", "@ann@mastodon.social", "@café"]
PHONES = ["+44 20 7946 0000", "(555) 010-4477", "0800 123 456", "+1-202-555-0143", "020 7946 0000"]
NONE = [
    "", "   ", "korabrew", "kora brew.com", "hello@kora.com", "ftp://kora.com", "@", "@ stride",
    "+44", "12+34567890", "+44 20 7946 0000 ext", "1234567890123456", "😀.com", "https://",
    "korabrew.c", "-kora.com", "kora..com",
]  # fmt: skip


@pytest.mark.parametrize("value", WEB)
def test_web_addresses(value: str) -> None:
    assert destination_kind(value) == "web"
    assert destination_kind(f"  {value}\t") == "web"  # stripped


@pytest.mark.parametrize("value", HANDLES)
def test_handles(value: str) -> None:
    assert destination_kind(value) == "handle"


@pytest.mark.parametrize("value", PHONES)
def test_phone_numbers(value: str) -> None:
    assert destination_kind(value) == "phone"


@pytest.mark.parametrize("value", NONE)
def test_anything_else_is_none_of_them(value: str) -> None:
    assert destination_kind(value) == ""


def test_the_qr_code_opens_a_web_address_with_a_scheme() -> None:
    assert qr_target("korabrew.com") == "https://korabrew.com"
    assert qr_target(" https://ledgerly.app/trial ") == "https://ledgerly.app/trial"
    assert qr_target("http://kora.com/a?b=1") == "http://kora.com/a?b=1"  # kept as given
    assert qr_target("HTTPS://Kora.com/Menu") == "https://Kora.com/Menu"  # the path's case kept
    # an international name in the form every phone opens; the path as typed
    assert qr_target("crème.fr/été") == "https://xn--crme-6oa.fr/été"
    for other in ("@stridecoach", "+44 20 7946 0000", "", "not a site"):
        assert qr_target(other) == ""


def test_a_design_shows_a_web_address_without_its_scheme() -> None:
    assert display_text("https://ledgerly.app/trial") == "ledgerly.app/trial"
    assert display_text("https://korabrew.com/") == "korabrew.com"
    assert display_text("korabrew.com/shop/") == "korabrew.com/shop/"  # a path is kept whole
    assert display_text("www.crème.fr") == "www.crème.fr"
    assert display_text("  +44 20  7946 0000 ") == "+44 20 7946 0000"
    assert display_text("@stridecoach") == "@stridecoach"
