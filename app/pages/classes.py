"""Your classes on its own page: ``panel serve app/pages/classes.py`` -> http://localhost:5006/classes

URL query: ``?lang=zh|en&epochs=<1..40>&lr=<0.001|0.003|0.01|0.03>``.
The page answers at once and builds the view when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.classes import ClassesView  # noqa: E402

serve_lab(lambda lang: ClassesView(lang=lang), "view_classes", "CNN Playground · Your classes")
