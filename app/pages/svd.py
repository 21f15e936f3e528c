"""Weights & SVD lab on its own page: ``panel serve app/pages/svd.py`` -> http://localhost:5006/svd

URL query: ``?lang=zh|en&model=<registry key>&layer=<layer name>&rank=<1..min(m, n)>``.
The page answers at once and builds the lab when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.svd_lab import SvdLab  # noqa: E402

serve_lab(lambda lang: SvdLab(lang=lang), "view_svd", "CNN Playground · Weights & SVD")
