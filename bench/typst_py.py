"""One worker of the typst-py peer of bench/peer.sh: a warm `typst.Compiler` (the
Python binding of the same Typst) compiling every PART-th of the document roots under
ROOTS (each holds data.json and the templates, as the typst CLI loop of render.sh), to
PDF/A-2b, written beside the data as out.pdf.

    python bench/typst_py.py PART PARTS ROOTS FONTS
"""

import pathlib
import sys

import typst

part, parts = int(sys.argv[1]), int(sys.argv[2])
roots = sorted(p for p in pathlib.Path(sys.argv[3]).iterdir() if p.is_dir())[part::parts]
compiler = typst.Compiler(font_paths=[sys.argv[4]], ignore_system_fonts=True)
for root in roots:
    compiler.compile(
        input=str(root / "templates" / "main.typ"),
        output=str(root / "out.pdf"),
        format="pdf",
        pdf_standards=["a-2b"],
        root=str(root),
        timestamp=1795521600,
    )
