"""Equivariance & invariance lab on its own page: ``panel serve app/pages/equivariance.py`` -> http://localhost:5006/equivariance

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&dx=<-8..8>&dy=<-8..8>&angle=<-45..45>&layer=<name>&channel=<c>``.
The page answers at once and builds the lab when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.equivariance_lab import EquivarianceLab  # noqa: E402

serve_lab(lambda lang: EquivarianceLab(lang=lang), "view_equivariance",
          "CNN Playground · Equivariance & invariance")
