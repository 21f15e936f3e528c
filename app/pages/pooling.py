"""Pooling & activations lab on its own page: ``panel serve app/pages/pooling.py`` -> http://localhost:5006/pooling

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&layer=<name>&channel=<c>&pool=max|avg|min|l2|stochastic|gap|attention|bilinear``
``&window=<k>&stride=<s>&grad_from=all|cell&cell_row=<i>&cell_col=<j>&seed=<n>&beta=<0..20>``
``&activation=relu|leaky_relu|sigmoid|tanh&act_layer=<name>&act_channel=<c>``.
The page answers at once and builds the lab when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

import panel as pn  # noqa: E402

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.pooling_lab import PoolingLab  # noqa: E402


def _count_later(view):
    """The 1,000-digit statistics take a few seconds: show the lab first."""
    if pn.state.curdoc is not None:
        pn.state.curdoc.add_timeout_callback(view.compute_stats, 100)
    else:
        view.compute_stats()


serve_lab(lambda lang: PoolingLab(lang=lang, compute_stats=False), "view_pooling",
          "CNN Playground · Pooling & activations", after_build=_count_later)
