"""Inside the network on its own page: ``panel serve app/pages/inside.py`` -> http://localhost:5006/inside

URL query: ``?lang=zh|en&model=<key>&layer=<name>&channel=<c>&i=<row>&j=<col>&sample=<0..9>``.

The page answers at once with a "loading" line and builds the view (a few
seconds of figures) once the browser is connected, so a busy server still
serves the page quickly and no work is done for a request without a browser.
"""
import pathlib, sys  # noqa: E401
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`
from app.page import serve; serve("inside")  # noqa: E402,E702
