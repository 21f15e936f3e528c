"""Gradients lab on its own page: ``panel serve app/pages/gradients.py`` -> http://localhost:5006/gradients

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&target=<-1..9>&loss=score|cross_entropy``
``&layer=<conv layer>&out_ch=<o>&in_ch=<c>&cell_u=<u>&cell_v=<v>``
``&fd_kind=weight|pixel&fd_layer=<name>&fd_index=<flat index>&fd_row=<r>&fd_col=<c>&fd_exp=<1..6>``.
The page answers at once and builds the lab when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("gradients")  # noqa: E402,E702
