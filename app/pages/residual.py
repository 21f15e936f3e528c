"""Residual learning lab on its own page: ``panel serve app/pages/residual.py`` -> http://localhost:5006/residual

URL query: ``?lang=zh|en&depth=<6n+2>&width=4|8|16&steps=20..500&lr=<rate>&batch_size=8|16|32&size=14|28
&subset=500|1000|2000``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.residual_lab import ResidualLabView  # noqa: E402

extension()
view = ResidualLabView(lang=detect_language())
view.sync_url()
page(view, "view_residual").servable(title="CNN Playground · Residual learning lab")
