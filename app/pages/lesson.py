"""Lesson on its own page: ``panel serve app/pages/lesson.py`` -> http://localhost:5006/lesson

URL query: ``?lang=zh|en&lesson=<code>&step=<n>&play=true|false&presenter=true|false`` (see
:mod:`app.views.lesson` and, for the code, :mod:`app.lesson_format`).
The page answers at once and builds the view when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.lesson import LessonView  # noqa: E402

serve_lab(lambda lang: LessonView(lang=lang), "view_lesson", "CNN Playground · Lesson")
