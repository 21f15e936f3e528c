"""Convolution lab on its own page: ``panel serve app/pages/conv.py`` -> http://localhost:5006/conv

URL query: ``?lang=zh|en&source=digit|picture&digit=0..9&channels=grey|rgb&size=3..28&kernel=1..7
&stride=1..4&padding=0..5|same&mode=zeros|reflect|replicate|circular&dilation=1..3&preset=<name>
&bias=<number>&weights=<comma-separated kernel, for preset=custom>``.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("conv")  # noqa: E402,E702
