"""BatchNorm & Dropout lab on its own page: ``panel serve app/pages/batchnorm.py`` -> http://localhost:5006/batchnorm

URL query: ``?lang=zh|en&batch_size=2..64&digit=-1..9&fed=0..200&momentum=0.01..1&mode=train|eval
&channel=<c>&gamma=<comma-separated>&beta=<comma-separated>&p=0..0.9&mask_seed=<n>``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.batchnorm_lab import BatchNormLabView  # noqa: E402

extension()
view = BatchNormLabView(lang=detect_language())
view.sync_url()
page(view, "view_batchnorm").servable(title="CNN Playground · BatchNorm & Dropout lab")
