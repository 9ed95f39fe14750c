"""Scene-stills benchmark (run by hand, not a test): the six stills of a 30 s 9:16 ad, drawn
as the clip step draws them (layout per scene, product name, brand, colours, logo, call to
action and destination on the end card), for a product with a photo and one without.

    .venv/bin/python bench/stills.py [--out DIR] [--size 1080x1920] [--repeat 3]

Prints each still's time (the best of ``--repeat``) and the total per ad; the PNGs stay in
``--out`` (default: a temporary folder) to be looked at. The photo is a bottle drawn on a
plain white background, the logo a dark mark on transparency.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aytada.providers.base import ImageRequest, split_layout  # noqa: E402
from aytada.providers.offline import OfflineWriter, PillowImages  # noqa: E402
from tests.providers.briefs import GLOWCO, TASKPILOT  # noqa: E402


def bottle_photo(path: Path) -> Path:
    """A serum bottle on plain white, as product uploads often are (1200×1600)."""
    image = Image.new("RGB", (1200, 1600), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((430, 560, 770, 1460), radius=70, fill=(214, 120, 150))  # body
    draw.rounded_rectangle((520, 360, 680, 580), radius=20, fill=(200, 104, 136))  # neck
    draw.rounded_rectangle((500, 230, 700, 380), radius=26, fill=(40, 40, 46))  # cap
    draw.rounded_rectangle((470, 820, 730, 1180), radius=16, fill=(252, 246, 240))  # label
    draw.rectangle((510, 900, 690, 940), fill=(60, 50, 70))
    draw.rectangle((540, 980, 660, 1000), fill=(120, 110, 130))
    draw.rectangle((450, 600, 480, 1400), fill=(236, 170, 192))  # a highlight
    image.save(path, quality=92)
    return path


def dark_logo(path: Path) -> Path:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 190, 190), fill=(24, 26, 40, 255))
    draw.rectangle((220, 70, 590, 130), fill=(24, 26, 40, 255))
    image.save(path)
    return path


def scene_request(
    brief, scene, count: int, width: int, height: int, photo: str, logo: str, cta: str
) -> ImageRequest:
    """The still of ``scene`` as the clip step asks for it (its layout tag, else hero first,
    end card last and detail / context between; the call to action and a destination on the
    end card)."""
    i = scene.index
    layout, visual = split_layout(scene.visual)
    layout = layout or ("hero" if i == 0 else "end_card" if i == count - 1 else
                        "detail" if i % 2 else "context")  # fmt: skip
    fields = {f.name for f in dataclasses.fields(ImageRequest)}
    extra = {"caption": scene.caption} if "caption" in fields else {}
    return ImageRequest(
        prompt=f"{visual} — {brief.product_name}", width=width, height=height,
        title=brief.product_name, colors=brief.brand_colors, seed=11 + i, layout=layout,
        call_to_action=cta if layout == "end_card" else "", brand_name=brief.brand_name,
        destination="glowco.com/serum" if layout == "end_card" else "",
        product_photo=photo, logo=logo, **extra,
    )  # fmt: skip


def requests(brief, width: int, height: int, photo: str, logo: str) -> list[ImageRequest]:
    """The scene stills of a 30 s ad from ``brief``, as the clip step asks for them."""
    writer = OfflineWriter()
    idea = writer.ideas(brief, count=3, length_s=30)[0]
    script = writer.script(brief, idea, length_s=30)
    scenes = writer.scenes(brief, script, length_s=30)
    cta = script.call_to_action.split(". ")[0].rstrip(".!")
    return [scene_request(brief, s, len(scenes), width, height, photo, logo, cta) for s in scenes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the stills in this folder")
    parser.add_argument("--size", default="1080x1920", help="width x height (default 1080x1920)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per still (best is kept)")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = args.out or Path(tempfile.mkdtemp(prefix="aytada-stills-"))
    out.mkdir(parents=True, exist_ok=True)
    photo = str(bottle_photo(out / "bottle.jpg"))
    logo = str(dark_logo(out / "logo.png"))
    print(f"{width}×{height}, cores: {os.cpu_count()}, out: {out}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    images = PillowImages()
    for label, brief, with_photo in (("photo", GLOWCO, True), ("no-photo", TASKPILOT, False)):
        total = 0.0
        asked = requests(brief, width, height, photo if with_photo else "", logo)
        for i, request in enumerate(asked):
            best = float("inf")
            for _ in range(max(1, args.repeat)):
                start = time.perf_counter()
                images.image(request, out / f"{label}-{i + 1}-{request.layout}.png")
                best = min(best, time.perf_counter() - start)
            total += best
            print(f"  {label:<8} scene {i + 1} {request.layout:<9} {best * 1000:7.0f} ms")
        print(f"{label}: {len(asked)} stills {total:.2f} s")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
