"""A scene still's layers on disk, for the clip renderer to animate.

The offline composer draws each text, the logo, the icon and the call to action onto the still;
for each it also keeps what the still looked like there *before* (``under``) and *after*
(``over``). Saved beside the still (``scene1.png`` → ``scene1.layers/``):

* ``layers.json``: the layers in drawing order: role, kind and pixel box;
* ``<n>-sprite.png``: the layer alone, RGBA (transparent where the still did not change);
* ``base.png``: the still with every layer taken off (what is behind them).

A still without this folder (an AI image, an older project) is animated as one picture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

IntBox = tuple[int, int, int, int]
SOLID_DIFF = 32
"""A pixel that changed by this many grey levels (in any channel) when the layer was drawn is
opaque in its sprite; smaller changes (anti-aliased edges) are partly transparent."""


@dataclass(frozen=True)
class Captured:
    """One layer as the composer drew it: the still's pixels in ``box`` before and after."""

    role: str
    kind: str
    box: IntBox
    under: Image.Image
    over: Image.Image


@dataclass(frozen=True)
class Layer:
    role: str
    kind: str
    box: IntBox
    sprite: Path


def folder_for(still: Path) -> Path:
    still = Path(still)
    return still.with_name(f"{still.stem}.layers")


def sprite_of(under: Image.Image, over: Image.Image) -> Image.Image:
    """The layer alone: ``over``'s colours, opaque where it differs from ``under``."""
    diff = ImageChops.difference(over.convert("RGB"), under.convert("RGB"))
    r, g, b = diff.split()
    most = ImageChops.lighter(ImageChops.lighter(r, g), b)
    alpha = most.point(lambda v: min(255, v * 255 // SOLID_DIFF))
    sprite = over.convert("RGB").convert("RGBA")
    sprite.putalpha(alpha)
    return sprite


def write(still: Path, image: Image.Image, captured: list[Captured]) -> Path | None:
    """Save the layers of ``image`` (the still as saved at ``still``) beside it; None (and
    nothing written) when there are none."""
    folder = folder_for(still)
    if not captured:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    base = image.convert("RGB").copy()
    for layer in reversed(captured):  # last drawn first: each takes off what it covered
        base.paste(layer.under.convert("RGB"), layer.box[:2])
    entries = []
    for n, layer in enumerate(captured):
        name = f"{n + 1}-sprite.png"
        sprite_of(layer.under, layer.over).save(folder / name, format="PNG", compress_level=1)
        entries.append({"role": layer.role, "kind": layer.kind, "box": list(layer.box),
                        "sprite": name})  # fmt: skip
    base.save(folder / "base.png", format="PNG", compress_level=1)
    (folder / "layers.json").write_text(json.dumps({"layers": entries}), encoding="utf-8")
    return folder


def read(still: Path) -> tuple[Path, list[Layer]] | None:
    """(the base picture, the layers) saved beside ``still``; None when it has none (or they
    cannot be read: the still is then animated as one picture)."""
    folder = folder_for(still)
    try:
        data = json.loads((folder / "layers.json").read_text(encoding="utf-8"))
        layers = [
            Layer(
                str(e["role"]),
                str(e["kind"]),
                tuple(int(v) for v in e["box"]),  # type: ignore[arg-type]
                folder / str(e["sprite"]),
            )  # fmt: skip
            for e in data["layers"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    base = folder / "base.png"
    if not base.is_file() or not all(layer.sprite.is_file() for layer in layers):
        return None
    return base, layers
