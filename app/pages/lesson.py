"""Lesson on its own page: ``panel serve app/pages/lesson.py`` -> http://localhost:5006/lesson

URL query: ``?lang=zh|en&lesson=<code>&step=<n>&play=true|false&presenter=true|false`` (see
:mod:`app.views.lesson.view` and, for the code, :mod:`app.views.lesson.format`).
The page answers at once and builds the view when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("lesson")  # noqa: E402,E702
