"""Residual learning lab on its own page: ``panel serve app/pages/residual.py`` -> http://localhost:5006/residual

URL query: ``?lang=zh|en&depth=<6n+2>&width=4|8|16&steps=20..500&lr=<rate>&batch_size=8|16|32&size=14|28
&subset=500|1000|2000``.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("residual")  # noqa: E402,E702
