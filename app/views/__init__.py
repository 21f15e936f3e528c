"""The playground's views, one folder each (``app/views/<key>/``, ``<key>`` as in
:mod:`app.view_registry`): ``view.py`` holds the ``pn.viewable.Viewer`` (state in ``param``),
``strings.py`` its texts in English and 中文, and the other files what only that view uses
(its plots, its widgets, the numbers it gathers from ``cnncore``). ``base.py`` is what every
view shares (:class:`app.views.base.View`)."""
