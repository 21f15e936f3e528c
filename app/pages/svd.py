"""Weights & SVD lab on its own page: ``panel serve app/pages/svd.py`` -> http://localhost:5006/svd

URL query: ``?lang=zh|en&model=<model key>&layer=<layer name>&rank=<1..min(m, n)>``.
The page answers at once and builds the lab when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("svd")  # noqa: E402,E702
