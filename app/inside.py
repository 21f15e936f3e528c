"""Inside the network on its own page: ``panel serve app/inside.py`` -> http://localhost:5006/inside

URL query: ``?lang=zh|en&model=<key>&layer=<name>&channel=<c>&i=<row>&j=<col>&sample=<0..9>``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.inside import InsideView  # noqa: E402

extension()
view = InsideView(lang=detect_language())
view.sync_url()
page(view, "view_inside").servable(title="CNN Playground · Inside the network")
