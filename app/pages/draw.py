"""Draw & predict on its own page: ``panel serve app/pages/draw.py`` -> http://localhost:5006/draw

URL query: ``?lang=zh|en&model=<key>&brush=<4..48>``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.draw import DrawView  # noqa: E402

extension()
view = DrawView(lang=detect_language())
view.sync_url()
page(view, "view_draw").servable(title="CNN Playground · Draw & predict")
