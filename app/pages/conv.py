"""Convolution lab on its own page: ``panel serve app/pages/conv.py`` -> http://localhost:5006/conv

URL query: ``?lang=zh|en&source=digit|picture&digit=0..9&channels=grey|rgb&size=3..28&kernel=1..7
&stride=1..4&padding=0..5|same&mode=zeros|reflect|replicate|circular&dilation=1..3&preset=<name>
&bias=<number>&weights=<comma-separated kernel, for preset=custom>``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402
from app.views.conv_lab import ConvLabView  # noqa: E402

extension()
view = ConvLabView(lang=detect_language())
view.sync_url()
page(view, "view_conv").servable(title="CNN Playground · Convolution lab")
