"""Draw & predict on its own page: ``panel serve app/pages/draw.py`` -> http://localhost:5006/draw

URL query: ``?lang=zh|en&model=<key>&brush=<4..48>``.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("draw")  # noqa: E402,E702
