"""Pooling & activations lab on its own page: ``panel serve app/pages/pooling.py`` -> http://localhost:5006/pooling

URL query: ``?lang=zh|en&model=<key>&digit=<-1..9>&layer=<name>&channel=<c>&pool=max|avg|min|l2|stochastic|gap|attention|bilinear``
``&window=<k>&stride=<s>&grad_from=all|cell&cell_row=<i>&cell_col=<j>&seed=<n>&beta=<0..20>``
``&activation=relu|leaky_relu|sigmoid|tanh&act_layer=<name>&act_channel=<c>``.
The page answers at once and builds the lab when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("pooling")  # noqa: E402,E702
