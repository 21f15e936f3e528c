"""The whole CNN Playground: ``panel serve app/pages/playground.py`` -> http://localhost:5006/playground

See :mod:`app.views.playground.view` for the URL query.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("playground")  # noqa: E402,E702
