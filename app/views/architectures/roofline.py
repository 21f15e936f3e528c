"""The architectures lab's roofline card: every layer's arithmetic intensity, and this machine's roof.

The layers come from :mod:`app.views.architectures.roofline_plot` (``cnncore.inspect.roofline``
on the chosen architecture at the lab's batch size); the machine is measured only
when the student presses the button (``cnncore.inspect.measure_machine``, about a
second, in the Python that runs the page). Page hooks for tests: ``data-testid``
``arch-roofline`` (with ``data-measured``, ``data-ridge``, ``data-compute``,
``data-memory``, ``data-points``) and ``arch-roofline-1x1``.
"""
import html

import panel as pn

import cnncore.inspect

from app.core.theme import card_css
from app.views.architectures import roofline_strings  # noqa: F401  (registers the texts)
from app.views.architectures.roofline_plot import RooflinePlot, one_by_one_numbers, roofline_layers, roofline_points

__all__ = ["RooflineCard", "ROOF_FORMULA", "ONE_BY_ONE_FORMULA"]

# (No "\," or "\;" in formulas: Markdown eats the backslash before MathJax sees it.)
ROOF_FORMULA = (r"$$I = \frac{2 \cdot \text{MACs}}{4 (\text{inputs} + \text{weights} + \text{outputs})}, \quad "
                r"\text{attainable} = \min(P, I \cdot B)$$")
ONE_BY_ONE_FORMULA = (r"$$I_{1 \times 1} = \frac{2 N H W C_{\text{in}} C_{\text{out}}}"
                      r"{4 (N H W C_{\text{in}} + C_{\text{in}} C_{\text{out}} + N H W C_{\text{out}})}, \quad "
                      r"I_{\text{fc}} \approx \frac{N}{2} \text{ for } N \ll D$$")


def _number(value):
    """``0.4912`` -> ``"0.49"``, ``123.4`` -> ``"123"``: two significant digits or the whole part."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


class RooflineCard:
    """The roofline card of :class:`~app.views.architectures.view.ArchitecturesLab` (``owner``).

    ``machine`` is ``None`` until :meth:`measure` runs; ``layers`` and ``points`` are what is drawn.
    """

    def __init__(self, owner):
        self.owner = owner
        self.machine = None
        self.layers, self.points = (), {}
        self.plot = RooflinePlot()
        self.button = pn.widgets.Button(color="primary", width=240, margin=(4, 10))
        self.button.on_click(lambda e: self.measure())
        pane = dict(sizing_mode="stretch_width", margin=(0, 10))
        self.heading = pn.pane.HTML("", **pane)
        self.text = pn.pane.HTML("", **pane)
        self.where = pn.pane.HTML("", **pane)
        self.one_by_one = pn.pane.HTML("", **pane)

    def measure(self):
        """Measure this machine (about a second) and put every layer on its roof.

        In a page the button first shows "Measuring …"; the measurement runs in a
        callback a moment later, once that label has reached the browser.
        """
        owner = self.owner
        self.button.disabled, self.button.label = True, owner.t("archlab_roof_measuring")
        doc = pn.state.curdoc
        if doc is not None:
            doc.add_timeout_callback(self._measure_now, 50)
        else:
            self._measure_now()

    def _measure_now(self):
        owner = self.owner
        with owner.guard():
            try:
                self.machine = cnncore.inspect.measure_machine()
            finally:
                self.button.disabled, self.button.label = False, owner.t("archlab_roof_measure")
            self.render()

    def render(self):
        """Redraw for the owner's architecture, batch size and language."""
        owner, t = self.owner, self.owner.t
        name, batch = owner.arch, int(owner.batch)
        shown = owner._name()
        self.layers = roofline_layers(name, batch)
        self.points = roofline_points(self.layers, self.machine)
        bound_names = {"memory": t("archlab_bound_memory"), "compute": t("archlab_bound_compute"),
                       None: t("archlab_bound_none")}
        self.plot.update(self.points, self.machine, bound_names)
        self.plot.set_labels(t("archlab_roof_title", name=shown, batch=batch), t("archlab_roof_legend"),
                             t("archlab_roof_ridge"), t("archlab_roof_x"), t("archlab_roof_y"))
        total, points = len(self.layers), len(self.points["name"])
        m = self.machine
        if m is None:
            body = t("archlab_roof_waiting", name=shown, batch=batch, none=total - points, total=total)
            attrs = f"data-measured='0' data-points='{points}'"
        else:
            compute = sum(b == "compute" for b in self.points["bound"])
            body = t("archlab_roof_result", peak=f"{m.peak_flops / 1e9:,.1f}", n=m.gemm_size, kind=m.matmul,
                     bw=f"{m.bandwidth / 1e9:,.1f}", mb=f"{m.copy_bytes / 1e6:.0f}", ridge=_number(m.ridge),
                     sec=f"{m.seconds:.1f}", repeats=m.repeats, batch=batch, compute=compute,
                     memory=points - compute, total=points, none=total - points)
            attrs = (f"data-measured='1' data-points='{points}' data-ridge='{m.ridge:.6g}' "
                     f"data-compute='{compute}' data-memory='{points - compute}'")
        self.text.object = (f"<div class='ar-note' data-testid='arch-roofline' {attrs} aria-live='polite'>"
                            f"{html.escape(body)}</div>")
        self.where.object = f"<div class='ar-note'>{html.escape(t('archlab_roof_where'))}</div>"
        ones, fcs = one_by_one_numbers(self.layers)
        parts = []
        if ones:
            parts.append(t("archlab_roof_1x1_numbers", name=shown, batch=batch, lo=_number(min(ones)),
                           hi=_number(max(ones))))
        if fcs:
            parts.append(t("archlab_roof_fc_numbers", lo=_number(min(fcs)), hi=_number(max(fcs))))
        self.one_by_one.object = (f"<div class='ar-note' data-testid='arch-roofline-1x1'>"
                                  f"{html.escape(' '.join(parts))}</div>")

    def relabel(self):
        t = self.owner.t
        self.heading.object = f"<h3 class='ar-h'>{html.escape(t('archlab_roofline'))}</h3>"
        self.button.label = t("archlab_roof_measure")

    def explanation(self):
        """The Markdown paragraphs (with formulas) for the lab's explanation card."""
        t = self.owner.t
        return [t("archlab_explain_roofline"), ROOF_FORMULA, t("archlab_explain_1x1"), ONE_BY_ONE_FORMULA]

    def panel(self, stylesheets):
        return pn.Column(self.heading, self.button, pn.pane.Bokeh(self.plot.figure, margin=(4, 4)), self.text,
                         self.one_by_one, self.where, width=800, css_classes=["cnn-card"],
                         stylesheets=[card_css()], margin=(8, 8))
