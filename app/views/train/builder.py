"""Compose a small network layer by layer and see every shape and parameter count.

The student adds, removes, moves and edits layers; after every edit the
stack is rebuilt with :func:`app.views.train.layers.build_network`
(shapes and parameter counts from ``cnncore.inspect.summary``), so each
row shows its output shape at once. A stack that cannot work marks the
failing layer and explains why with the engine's ``ShapeError`` message.
A global pool row (average / attention / bilinear) also says, under the
row, what the chosen pooling computes.

State: ``arch`` (the compact text of the stack, kept in the URL by the
Train view) and ``result`` (the :class:`BuildResult`; ``result.model`` is
the network, ``None`` when the stack cannot work).
"""
import html

import panel as pn
import param

from app.core.text import Notice, plain_html, shorten
from app.core.theme import ERROR, TEXT
from app.views.base import View, run_locked
from app.views.train import strings  # noqa: F401  (registers the texts)
from app.views.train.layers import (DEFAULT_ARCH, KINDS, MAX_LAYERS, OPTIONS, build_network, default_spec, format_arch,
                                    parse_arch, spec_label)

__all__ = ["NetworkBuilder", "ledger_html"]

_CSS = f"""
.nb-row {{ display: flex; gap: 10px; align-items: baseline; font-size: 15px; color: {TEXT}; }}
.nb-num {{ font-weight: 700; min-width: 1.6em; color: #52606D; }}
.nb-kind {{ font-weight: 600; }}
.nb-shape {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.nb-shape b {{ font-size: 16px; }}
.nb-params {{ color: #52606D; font-size: 14px; white-space: nowrap; }}
.nb-bad {{ color: {ERROR}; font-weight: 700; }}
.nb-out {{ padding-left: 2.2em; gap: 8px; }}
.nb-auto {{ color: #52606D; font-style: italic; font-size: 14px; padding-left: 2.2em; }}
.nb-note {{ color: #3E4C59; font-size: 14px; line-height: 1.35; padding-left: 2.2em; max-width: 640px; }}
"""
_ROW_OK = ":host { border-left: 4px solid #56B4E9; padding-left: 6px; border-radius: 4px; }"
_ROW_BAD = f":host {{ border-left: 4px solid {ERROR}; background: #FCEBE3; padding-left: 6px; border-radius: 4px; }}"


def _shape_text(shape):
    return " × ".join(str(n) for n in shape)


def ledger_html(ledger, lang_t):
    """The rows of a ``cnncore.inspect.summary`` ledger as an HTML table (layer, output shape, parameters).

    Every row is shown: the table grows with the network (a scroll box hid the last rows).
    """
    head = (f"<tr><th>{html.escape(lang_t('builder_layer_header'))}</th>"
            f"<th>{html.escape(lang_t('builder_shape_header'))}</th>"
            f"<th style='text-align:right'>{html.escape(lang_t('builder_params_header'))}</th></tr>")
    body = "".join(
        f"<tr><td>{plain_html(shorten(r.name, 80))} · {plain_html(r.kind)}</td><td>{_shape_text(r.output_shape[1:])}</td>"
        f"<td style='text-align:right'>{r.params:,}</td></tr>" for r in ledger.rows)
    total = lang_t("builder_total", params=ledger.params, macs=ledger.macs)
    return ("<div style='font-size:14px'>"
            f"<table style='border-collapse:collapse; width:100%' class='nb-ledger'>{head}{body}</table></div>"
            f"<div style='margin-top:6px; font-weight:600'>{html.escape(total)}</div>")


class NetworkBuilder(View):
    """Add / remove / move / edit layers; shapes, parameters and errors update at once."""

    arch = param.String(default=DEFAULT_ARCH, doc="The stack as compact text, e.g. 'c8k3p1-relu-max2-fc32'.")
    result = param.Parameter(default=None, doc="The BuildResult of the current stack.")
    disabled = param.Boolean(default=False, doc="Lock editing (while a run is under way).")
    active = param.Boolean(default=True, doc="Shown: the row widgets are only made while active.")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.specs = []
        self.kind_select = pn.widgets.Select(width=190, margin=(4, 6))
        self.add_button = pn.widgets.Button(color="primary", width=130, margin=(22, 6, 4, 6))
        self.input_line = pn.pane.HTML("", stylesheets=[_CSS], margin=(2, 10))
        self.rows = pn.Column(margin=0, sizing_mode="stretch_width")
        self.head_line = pn.pane.HTML("", stylesheets=[_CSS], margin=(2, 10))
        self.total_line = pn.pane.HTML("", margin=(6, 10), styles={"font-weight": "600"})
        self.message = Notice("", alert_type="danger", visible=False, sizing_mode="stretch_width", margin=(6, 10))
        self.add_button.on_click(lambda e: run_locked(self.add, self.kind_select.value))
        self._widgets = []     # per spec: (option selects, info pane, flatten pane, row, note pane)
        self._set_arch(self.arch, rows=False)
        self.relabel()

    # -- editing -----------------------------------------------------------
    def add(self, kind, position=None):
        """Insert a default ``kind`` layer (at the end, or before ``position``)."""
        with self.guard():
            if len(self.specs) >= MAX_LAYERS:
                raise ValueError(self.t("builder_full", n=MAX_LAYERS))
            position = len(self.specs) if position is None else position
            self.specs.insert(position, default_spec(kind))
            self._changed(structure=True)

    def remove(self, index):
        """Remove the layer at ``index`` (0-based)."""
        del self.specs[index]
        self._changed(structure=True)

    def move(self, index, offset):
        """Move the layer at ``index`` by ``offset`` (-1 up, +1 down) if it stays inside the stack."""
        target = index + offset
        if 0 <= target < len(self.specs):
            self.specs[index], self.specs[target] = self.specs[target], self.specs[index]
            self._changed(structure=True)

    def set_option(self, index, name, value):
        """Change one option of the layer at ``index`` (e.g. ``set_option(0, "kernel", 5)``)."""
        self.specs[index] = self.specs[index].with_option(name, value)
        self._changed(structure=False)

    def _changed(self, structure):
        self.result = build_network(self.specs)
        with param.parameterized.discard_events(self):
            self.arch = format_arch(self.specs)
        if structure:
            self._make_rows()
        self._show_result()
        self.param.trigger("arch")

    @param.depends("arch", watch=True)
    def _on_arch(self):
        if self.arch != format_arch(self.specs):
            self._set_arch(self.arch)

    def _set_arch(self, text, rows=True):
        try:
            self.specs = parse_arch(text)
        except ValueError as exc:
            self.specs = parse_arch(DEFAULT_ARCH)
            self.show_error(ValueError(self.t("builder_bad_arch", message=str(exc))))
        self.result = build_network(self.specs)
        with param.parameterized.discard_events(self):
            self.arch = format_arch(self.specs)
        if rows:
            self._make_rows()
            self._show_result()

    @param.depends("active", watch=True)
    def _on_active(self):
        if self.active and self._stale:
            self._make_rows()
            self._show_result()

    @param.depends("disabled", watch=True)
    def _on_disabled(self):
        for selects, _, _, row, _ in self._widgets:
            for widget in [*selects, *row.objects[-3:]]:
                widget.disabled = self.disabled
        self.add_button.disabled = self.kind_select.disabled = self.disabled

    # -- rows ----------------------------------------------------------------
    def _option_label(self, name, value):
        if name in ("type",):
            return self.t(f"builder_opt_type_{value}")
        if name == "fn":
            return {"relu": "ReLU", "lrelu": "LeakyReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[value]
        return self.t(f"builder_opt_{name}", v=value)

    def _make_rows(self):
        self._stale = not self.active
        if self._stale:         # made when the builder is shown
            self._widgets = []
            self.rows[:] = []
            return
        self._widgets = []
        rows = []
        for index, spec in enumerate(self.specs):
            selects = []
            for name, values in OPTIONS[spec.kind].items():
                values = list(values) if spec[name] in values else [spec[name], *values]
                select = pn.widgets.Select(options={self._option_label(name, v): v for v in values},
                                           value=spec[name], width=100, margin=(2, 3), disabled=self.disabled)
                select.param.watch(lambda e, i=index, n=name: run_locked(self.set_option, i, n, e.new), "value")
                selects.append(select)
            info = pn.pane.HTML("", stylesheets=[_CSS], width=232, margin=(4, 4))
            flatten = pn.pane.HTML("", stylesheets=[_CSS], visible=False, margin=(0, 10))
            buttons = []
            for symbol, key, action in (("↑", "builder_up", lambda e, i=index: self.move(i, -1)),
                                        ("↓", "builder_down", lambda e, i=index: self.move(i, 1)),
                                        ("✕", "builder_remove", lambda e, i=index: self.remove(i))):
                button = pn.widgets.Button(label=symbol, width=36, margin=(2, 1), color="light",
                                           description=self.t(key, n=index + 1), disabled=self.disabled)
                button.on_click(lambda e, action=action: run_locked(action, e))
                buttons.append(button)
            row = pn.Row(info, *selects, pn.Spacer(sizing_mode="stretch_width", min_width=0), *buttons,
                         sizing_mode="stretch_width", margin=(2, 4), stylesheets=[_ROW_OK])
            note = pn.pane.HTML("", stylesheets=[_CSS], visible=False, margin=(0, 10, 4, 10),
                                css_classes=["nb-global-note"])
            self._widgets.append((selects, info, flatten, row, note))
            rows.extend([flatten, row, note])
        self.rows[:] = rows

    def _show_result(self):
        result = self.result
        by_index, flatten_before, pending, head_flat = {}, {}, None, None
        for row in result.rows:              # an added Flatten belongs to the row after it
            if row.auto and row.label == "Flatten":
                pending = row
            elif row.index >= 0:
                if pending is not None:
                    flatten_before[row.index] = pending
                by_index[row.index], pending = row, None
            else:
                head_flat, pending = pending, None
        for index, (_, info, flatten, row_widget, note) in enumerate(self._widgets):
            row = by_index.get(index)
            bad = result.error_index == index
            title = (f"<div class='nb-row'><span class='nb-num'>{index + 1}</span><span class='nb-kind'>"
                     f"{html.escape(self.t('builder_kind_' + self.specs[index].kind))}</span></div>")
            if bad:
                shape = "<span class='nb-bad'>✕</span>"
            elif row is None or row.shape is None:
                shape = "<span class='nb-params'>—</span>"
            else:
                shape = (f"<span class='nb-shape'>→ <b>{_shape_text(row.shape)}</b></span>"
                         f"<span class='nb-params'>{html.escape(self.t('builder_params', n=row.params))}</span>")
            info.object = f"{title}<div class='nb-row nb-out'>{shape}</div>"
            row_widget.stylesheets = [_ROW_BAD if bad else _ROW_OK]
            spec = self.specs[index]
            note.visible = spec.kind == "global"
            if note.visible:        # what this global pool computes, in the page's language
                note.object = f"<div class='nb-note'>{html.escape(self.t('builder_explain_' + spec['type']))}</div>"
            flat = flatten_before.get(index)
            flatten.visible = flat is not None and flat.shape is not None
            if flatten.visible:
                flatten.object = (f"<div class='nb-auto'>"
                                  f"{html.escape(self.t('builder_flatten', shape=_shape_text(flat.shape)))}</div>")
        head = result.rows[-1]
        head_text = self.t("builder_head", label=head.label if head.shape is not None else "Linear")
        flat_text = (f"<div class='nb-auto'>{html.escape(self.t('builder_flatten', shape=_shape_text(head_flat.shape)))}"
                     f"</div>") if head_flat is not None else ""
        self.head_line.object = f"{flat_text}<div class='nb-row'><span class='nb-num'>⟶</span>" \
                                f"<span class='nb-kind'>{html.escape(head_text)}</span></div>"
        if result.ok:
            self.total_line.object = html.escape(self.t("builder_total", params=result.params, macs=result.macs))
            self.message.visible = False
        else:
            self.total_line.object = ""
            if result.error_index == len(self.specs):
                text = self.t("builder_error_head", message=result.error)
            else:
                text = self.t("builder_error", n=result.error_index + 1,
                              label=spec_label(self.specs[result.error_index]), message=result.error)
            self.message.object = f"{text}\n{self.t(self._hint_key(result.error_index))}"
            self.message.visible = True

    def _hint_key(self, index):
        """The advice under an error: a global pool needs a map, and after one no map is left."""
        if index >= len(self.specs):
            return "builder_error_hint"
        if self.specs[index].kind == "global":
            return "builder_error_hint_global"
        if self.specs[index].kind in ("conv", "pool", "res") and any(s.kind == "global" for s in self.specs[:index]):
            return "builder_error_hint_after_global"
        return "builder_error_hint"

    # -- texts ---------------------------------------------------------------
    def relabel(self):
        self.kind_select.label = self.t("builder_add_kind")
        self.kind_select.param.update(options={self.t(f"builder_kind_{k}"): k for k in KINDS},
                                      value=self.kind_select.value or KINDS[0])
        self.add_button.label = self.t("builder_add")
        self.input_line.object = (f"<div class='nb-row'><span class='nb-num'>⟵</span>"
                                  f"<span class='nb-kind'>{html.escape(self.t('builder_input'))}</span></div>")
        self._make_rows()
        self._show_result()

    def __panel__(self):
        return pn.Column(self._error, pn.Row(self.kind_select, self.add_button), self.input_line, self.rows,
                         self.head_line, self.total_line, self.message, sizing_mode="stretch_width", margin=0)
