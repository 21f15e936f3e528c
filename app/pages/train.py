"""Train on its own page: ``panel serve app/pages/train.py`` -> http://localhost:5006/train

URL query: ``?lang=zh|en&model=lenet5|...|custom|uploaded&pretrained=false&arch=c8k3p1-relu-max2-fc32
&optimizer=sgd|adam&lr=0.05&batch_size=32&epochs=2&augment=false&subset=1000``.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("train")  # noqa: E402,E702
