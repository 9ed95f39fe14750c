#!/usr/bin/env bash
# System packages the tests use: espeak-ng (offline voiceover), chromium (end-to-end test) and
# the fonts the stills, banners and captions draw with.
# Installed with apt-get when missing and we are root; otherwise the tests say what is missing
# (in CI a missing one fails them).
set -uo pipefail
#   scripts/system-packages.sh           everything the tests use
#   scripts/system-packages.sh --fonts   only the fonts (scripts/up.sh: what the app draws with)
missing=()
if [ "${1:-}" != "--fonts" ]; then
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# the icon of a typographic scene still (aytada/providers/offline/icons.py; Apache-2.0)
[ -e /usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf ] \
  || missing+=(fonts-material-design-icons-iconfont)
# the type pairings of the creative styles and the faces of Chinese, Japanese and Korean text
# (aytada/providers/textfit.py FACES, aytada/providers/type_pairing.py)
[ -e /usr/share/fonts/opentype/inter/Inter-SemiBold.otf ] || missing+=(fonts-inter)
[ -e /usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf ] \
  || missing+=(fonts-league-spartan)
[ -e /usr/share/fonts/truetype/lato/Lato-Black.ttf ] || missing+=(fonts-lato)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] || missing+=(fonts-noto-cjk)
# Thai, Devanagari, Bengali, Tamil, Gujarati, Khmer and Sinhala among Latin words
[ -e /usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf ] || missing+=(fonts-noto-core)
# colour emoji in every text (Noto Color Emoji's bitmaps, scaled: aytada/providers/textfit.py)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || echo "apt-get could not install: ${missing[*]}" >&2
else
  echo "missing system packages (install them for the full suite; without the fonts, texts are" \
       "set in the shipped DejaVu Sans and Chinese, Japanese and Korean are left out):" \
       "${missing[*]}" >&2
fi
exit 0
