"""1-D convolution lab on its own page: ``panel serve app/pages/conv1d.py`` -> http://localhost:5006/conv1d

URL query: ``?lang=zh|en&seed=<n>&preset=moving_average|difference|second_difference|step|custom``
``&weights=<w0,w1,...>&k=<1..15>&stride=<1..8>&padding=<0..10>&mode=zeros|replicate|reflect|circular``
``&pool=none|max|avg&pool_k=<2..8>&pos=<output index>``.
The page answers at once, builds the lab when the browser has connected, then trains the tiny 1-D CNN.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("conv1d")  # noqa: E402,E702
