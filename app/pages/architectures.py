"""Classic architectures lab on its own page: ``panel serve app/pages/architectures.py`` -> http://localhost:5006/architectures

URL query: ``?lang=zh|en&arch=lenet5|alexnet|vgg11|vgg16|vgg19|nin|googlenet|resnet18|...|resnet152&batch=1..4096``
``&sort=order|params|macs|activation_bytes``.
The page answers at once and builds the lab when the browser has connected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.components.lab_page import serve_lab  # noqa: E402
from app.views.architectures_lab import ArchitecturesLab  # noqa: E402

serve_lab(lambda lang: ArchitecturesLab(lang=lang), "view_architectures",
          "CNN Playground · Classic architectures")
