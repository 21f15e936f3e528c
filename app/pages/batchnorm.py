"""BatchNorm & Dropout lab on its own page: ``panel serve app/pages/batchnorm.py`` -> http://localhost:5006/batchnorm

URL query: ``?lang=zh|en&batch_size=2..64&digit=-1..9&fed=0..200&momentum=0.01..1&mode=train|eval
&channel=<c>&gamma=<comma-separated>&beta=<comma-separated>&p=0..0.9&mask_seed=<n>``.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("batchnorm")  # noqa: E402,E702
