#!/usr/bin/env python3
"""Derive resettle's fonts from ParaType's PT Serif and PT Sans (Debian fonts-paratype).

The PDFs embed a subset of each font face a document uses. In PT Serif and PT Sans,
TrueType hinting instructions are about 80 % of every glyph's bytes, and a PDF viewer
draws without them; compressing them took a third of the time of rendering a form.
This script removes the hinting (glyph programs and the fpgm, prep, cvt, hdmx, LTSH and
VDMX tables) and keeps everything else: outlines, metrics, cmap, kerning (kern and GPOS),
GSUB, the copyright and the licence. Line breaks and page layout are unchanged.

The ParaType Free Font License allows modified fonts only under another name, so the
families are renamed to "Resettle Serif" and "Resettle Sans" (the copyright notice and
the licence are kept, as it requires).

Usage (needs fontTools, `pip install fonttools`; run from this folder):

    apt-get download fonts-paratype && dpkg-deb -x fonts-paratype_*.deb deb
    python3 derive.py deb/usr/share/fonts/truetype/paratype
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

# source file -> (family, style, output file)
FACES = {
    "PTF55F.ttf": ("Resettle Serif", "Regular", "ResettleSerif-Regular.ttf"),
    "PTF75F.ttf": ("Resettle Serif", "Bold", "ResettleSerif-Bold.ttf"),
    "PTF56F.ttf": ("Resettle Serif", "Italic", "ResettleSerif-Italic.ttf"),
    "PTS55F.ttf": ("Resettle Sans", "Regular", "ResettleSans-Regular.ttf"),
    "PTS75F.ttf": ("Resettle Sans", "Bold", "ResettleSans-Bold.ttf"),
}
NOTE = (
    "Derived by the resettle project from ParaType's {orig}: TrueType hinting removed "
    "and the family renamed, as the ParaType Free Font License requires of modified fonts."
)


def derive(src: Path, family: str, style: str, out: Path) -> None:
    font = TTFont(src)
    orig = font["name"].getDebugName(4)
    options = subset.Options()
    options.hinting = False
    options.glyphs = ["*"]
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.legacy_kern = True
    options.notdef_outline = True
    options.glyph_names = True
    options.legacy_cmap = True
    options.symbol_cmap = True
    options.prune_unicode_ranges = False
    options.drop_tables += ["DSIG"]  # a signature of the original no longer holds
    sub = subset.Subsetter(options)
    sub.populate(glyphs=font.getGlyphOrder(), unicodes=font.getBestCmap().keys())
    sub.subset(font)

    full = family if style == "Regular" else f"{family} {style}"
    postscript = f"{family.replace(' ', '')}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    legacy_style = style if style in ("Regular", "Bold", "Italic") else "Regular"
    for name_id, value in (
        (1, family),
        (2, legacy_style),
        (3, f"{postscript};resettle"),
        (4, full),
        (6, postscript),
        (10, NOTE.format(orig=orig)),
    ):
        names.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English
        names.setName(value, name_id, 1, 0, 0)  # Macintosh, Roman, English
    font.save(out)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = Path(sys.argv[1])
    here = Path(__file__).resolve().parent
    for name, (family, style, out) in FACES.items():
        derive(src / name, family, style, here / out)
        print(f"{name} -> {out} ({(here / out).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
