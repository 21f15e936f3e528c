"""A link's value the chosen model cannot take, listed with the ignored settings.

The views that take digits or photos (Inside the network, Gradients, Shift & rotate) check a
link's values twice: ``app/core/url_check.py`` refuses what the parameter itself cannot take
(``?dx=99``), and :func:`watch_replaced` catches what only the model can tell: a class it does
not have (``?target=8`` for a model of 7 classes), a layer it does not have, a channel beyond
its last. The view has already put a good value in its place; this says so on the page
(:meth:`app.views.base.View.ignore_url_value`), in the page's language.

A value is reported only when it arrived with the change (the URL, or a test setting it), not
when a model switch made an old value unusable: then the view just starts afresh.
"""
__all__ = ["watch_replaced", "int_range"]


def int_range(view, hi):
    """'a whole number from 0 to ``hi``', in the view's language."""
    return view.t("url_allowed_int_range", lo=0, hi=hi)


def watch_replaced(view, allowed, skip=("",)):
    """Watch ``view``'s parameters named in ``allowed`` (``{name: view -> text}``, what the
    parameter takes for the current model, in words); after the view has reacted to a change,
    report each value it replaced. Register it after the view's own watchers (it runs after them).
    ``skip``: values that mean "choose for me" (``''``: the default layer)."""
    def check(*events):
        for event in events:
            asked, now = event.new, getattr(view, event.name)
            if _skipped(asked, skip) or asked == now:
                continue
            view.ignore_url_value(event.name, asked, allowed[event.name](view))

    view.param.watch(check, list(allowed))


def _skipped(value, skip):
    try:
        return value in skip
    except TypeError:
        return False
