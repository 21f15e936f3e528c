"""Equivariance & invariance lab on its own page: ``panel serve app/pages/equivariance.py`` -> http://localhost:5006/equivariance

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&dx=<-8..8>&dy=<-8..8>&angle=<-45..45>&layer=<name>&channel=<c>``.
The page answers at once and builds the lab when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("equivariance")  # noqa: E402,E702
