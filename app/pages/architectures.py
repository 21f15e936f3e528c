"""Classic architectures lab on its own page: ``panel serve app/pages/architectures.py`` -> http://localhost:5006/architectures

URL query: ``?lang=zh|en&arch=lenet5|alexnet|vgg11|vgg16|vgg19|nin|googlenet|resnet18|...|resnet152&batch=1..4096``
``&sort=order|params|macs|activation_bytes``.
The page answers at once and builds the lab when the browser has connected.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("architectures")  # noqa: E402,E702
