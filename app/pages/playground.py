"""The whole CNN Playground: ``panel serve app/pages/playground.py`` -> http://localhost:5006/playground

See :mod:`app.views.playground` for the URL query.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.playground import Playground  # noqa: E402

extension()
playground = Playground(lang=detect_language())
playground.sync_url()
page(playground).servable(title="CNN Playground")
