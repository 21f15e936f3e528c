"""CNN Playground: the Panel app.

Pages (each one ``panel serve``-able at its own URL) live in ``app/pages/``:
``playground.py`` (every view in one page) and one page per view, for an iframe; which
views there are, in which order and with which titles, is :mod:`app.view_registry`
(read by the playground, the pages and the static-site build). Shared pieces: :mod:`app.core.i18n` (every UI string in English and Chinese),
:mod:`app.core.theme` (colours, colormaps, the page template), :mod:`app.core.session`
(which models there are, per browser session), :mod:`app.core.inference` (drawing ->
input -> probabilities), :mod:`app.widgets` (canvas, plots) and :mod:`app.views`.
"""

import cnncore as _cnncore

from app import view_registry as _view_registry  # noqa: F401,E402  (the page titles: written there only)

_cnncore.backend.limit_blas_threads(1)  # small products: one BLAS thread is fastest (measured)
