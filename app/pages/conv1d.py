"""1-D convolution lab on its own page: ``panel serve app/pages/conv1d.py`` -> http://localhost:5006/conv1d

URL query: ``?lang=zh|en&seed=<n>&preset=moving_average|difference|second_difference|step|custom``
``&weights=<w0,w1,...>&k=<1..15>&stride=<1..8>&padding=<0..10>&mode=zeros|replicate|reflect|circular``
``&pool=none|max|avg&pool_k=<2..8>&pos=<output index>``.
The page answers at once, builds the lab when the browser has connected, then trains the tiny 1-D CNN.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

import panel as pn  # noqa: E402

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.conv1d_lab import Conv1dLab  # noqa: E402


def _train_later(view):
    """Training takes about a second: show the lab first."""
    if pn.state.curdoc is not None:
        pn.state.curdoc.add_timeout_callback(view.train, 100)
    else:
        view.train()


serve_lab(lambda lang: Conv1dLab(lang=lang, train=False), "c1d_subtitle", "CNN Playground · 1-D convolution lab",
          after_build=_train_later)
