"""Pooling & activations lab on its own page: ``panel serve app/pooling.py`` -> http://localhost:5006/pooling

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&layer=<name>&channel=<c>&pool=max|avg|min|l2|stochastic|gap``
``&window=<k>&stride=<s>&grad_from=all|cell&cell_row=<i>&cell_col=<j>&seed=<n>``
``&activation=relu|leaky_relu|sigmoid|tanh&act_layer=<name>&act_channel=<c>``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.pooling_lab import PoolingLab  # noqa: E402

extension()
view = PoolingLab(lang=detect_language())
view.sync_url()
page(view, "view_pooling").servable(title="CNN Playground · Pooling & activations")
