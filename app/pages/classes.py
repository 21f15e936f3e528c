"""Your classes on its own page: ``panel serve app/pages/classes.py`` -> http://localhost:5006/classes

URL query: ``?lang=zh|en&epochs=<1..40>&lr=<0.001|0.003|0.01|0.03>``.
The page answers at once and builds the view when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("classes")  # noqa: E402,E702
