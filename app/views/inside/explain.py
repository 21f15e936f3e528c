"""The arithmetic of one unit, as HTML with numbers (like CNN Explainer's detail view).

:func:`explanation_html` turns a :class:`cnncore.inspect.UnitExplanation`
into small coloured tables and one line of arithmetic per step:

* convolution: input window × kernel = products (one input channel at a
  time), the sum over every channel, the bias, the activation after it;
* max pooling: the window with the winning input marked;
* average pooling: the window, its sum and the divisor;
* fully connected: the largest contributions ``input × weight``, the sum, the bias;
* batch norm: ``(x - mean) / sqrt(var + eps) * gamma + beta`` with its numbers;
* element-wise (ReLU, ...): ``f(x) = y``.

Texts come through ``t(key, **fields)`` so the panel follows the language.
"""
import html

import numpy as np

from app.core.theme import ACTIVATION, HIGHLIGHT, SIGNED, TEXT, symmetric_range

__all__ = ["EXPLAIN_CSS", "explanation_html", "partial_sums", "fmt"]

EXPLAIN_CSS = f"""
.ix {{ color: {TEXT}; font-size: 16px; line-height: 1.45; }}
.ix h3 {{ font-size: 19px; margin: 2px 0 6px 0; }}
.ix .ix-step {{ margin: 10px 0 4px 0; font-weight: 600; }}
.ix .ix-row {{ display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }}
.ix .ix-op {{ font-size: 26px; font-weight: 700; color: #52606D; padding: 0 2px; }}
.ix figure {{ margin: 0; }}
.ix figcaption {{ font-size: 13px; color: #52606D; text-align: center; margin-top: 2px; }}
.ix table.ix-grid {{ border-collapse: separate; border-spacing: 2px; font-variant-numeric: tabular-nums; }}
.ix table.ix-grid td {{ min-width: 40px; height: 28px; padding: 0 3px; text-align: center; font-size: 13px;
  border-radius: 3px; }}
.ix table.ix-grid td.pad {{ background: #F0F2F4 !important; color: #9AA5B1 !important; border: 1px dashed #9AA5B1; }}
.ix table.ix-grid td.win {{ outline: 3px solid {HIGHLIGHT}; font-weight: 700; }}
.ix .ix-eq {{ font-size: 17px; background: #F5F7FA; border-radius: 8px; padding: 8px 12px; margin: 6px 0;
  font-variant-numeric: tabular-nums; overflow-x: auto; }}
.ix .ix-result {{ font-weight: 700; color: #005A8C; }}
.ix .ix-chips {{ display: flex; flex-wrap: wrap; gap: 4px; font-size: 14px; font-variant-numeric: tabular-nums; }}
.ix .ix-chip {{ background: #EEF2F6; border-radius: 12px; padding: 1px 8px; }}
.ix .ix-chip.on {{ background: #FFF4DC; outline: 2px solid {HIGHLIGHT}; }}
.ix table.ix-list {{ border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 14px; }}
.ix table.ix-list td, .ix table.ix-list th {{ padding: 2px 10px; text-align: right; border-bottom: 1px solid #E4E7EB; }}
.ix .ix-note {{ color: #52606D; font-size: 14px; }}
"""


def fmt(value, digits=2):
    """A number for the tables: fixed ``digits`` decimals, no ``-0.00``, ``-inf`` as ``−∞``."""
    value = float(value)
    if np.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value + 0.0:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def _colour(value, palette, low, high):
    if not np.isfinite(value) or high <= low:
        return "#ffffff", TEXT
    k = int(np.clip((value - low) / (high - low), 0, 1) * (len(palette) - 1))
    colour = palette[k]
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    light = 0.299 * r + 0.587 * g + 0.114 * b > 140
    return colour, (TEXT if light else "#ffffff")


def _grid(values, signed, mask=None, winner=None, caption=""):
    """An ``(h, w)`` table of numbers with cell colours (signed: orange/white/purple, else viridis)."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if signed:
        palette, (low, high) = SIGNED, symmetric_range(finite)
    else:
        palette, low, high = ACTIVATION, min(0.0, float(finite.min(initial=0))), float(finite.max(initial=1))
    rows = []
    for u in range(values.shape[0]):
        cells = []
        for v in range(values.shape[1]):
            background, colour = _colour(values[u, v], palette, low, high)
            classes = []
            if mask is not None and mask[u, v]:
                classes.append("pad")
            if winner == (u, v):
                classes.append("win")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f'<td{cls} style="background:{background};color:{colour}">{fmt(values[u, v])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure><table class="ix-grid">{"".join(rows)}</table>{caption}</figure>'


def partial_sums(explanation):
    """Sum of the products per input channel of a convolution unit, ``(C_in/groups,)``."""
    return np.asarray(explanation.products, dtype=np.float64).reshape(len(explanation.products), -1).sum(axis=1)


def _activation_line(e, t):
    if e.activation_type is None:
        return ""
    return (f'<div class="ix-step">{html.escape(t("inside_step_activation", name=e.activation_type))}</div>'
            f'<div class="ix-eq">{_activation_formula(e.activation_type, e.result, e.activation_result)}</div>')


def _activation_formula(kind, x, y):
    if kind == "ReLU":
        return f'ReLU({fmt(x, 4)}) = max(0, {fmt(x, 4)}) = <span class="ix-result">{fmt(y, 4)}</span>'
    return f'{html.escape(kind)}({fmt(x, 4)}) = <span class="ix-result">{fmt(y, 4)}</span>'


def _conv(e, t, in_channel, input_layer):
    sums = partial_sums(e)
    k = int(np.clip(in_channel if in_channel is not None else np.argmax(np.abs(sums)), 0, len(sums) - 1))
    channel_name = int(e.input_channels[k])
    where = t("inside_window_where", rows=f"{int(e.input_rows[0])}…{int(e.input_rows[-1])}",
              cols=f"{int(e.input_cols[0])}…{int(e.input_cols[-1])}")
    parts = [
        f'<div class="ix-step">{html.escape(t("inside_step_window", channel=channel_name, layer=input_layer))}'
        f' <span class="ix-note">{html.escape(where)}</span></div>',
        '<div class="ix-row">',
        _grid(e.window[k], signed=bool(np.min(e.window[k]) < 0), mask=e.padding_mask,
              caption=t("inside_caption_window")),
        '<span class="ix-op">×</span>',
        _grid(e.kernel[k], signed=True, caption=t("inside_caption_kernel", channel=channel_name)),
        '<span class="ix-op">=</span>',
        _grid(e.products[k], signed=True, caption=t("inside_caption_products")),
        "</div>",
    ]
    if e.padding_mask is not None and e.padding_mask.any():
        parts.append(f'<div class="ix-note">{html.escape(t("inside_padding_note"))}</div>')
    chips = "".join(
        f'<span class="ix-chip{" on" if c == k else ""}">{html.escape(t("inside_channel_short", channel=int(ch)))}: '
        f'{fmt(s, 3)}</span>' for c, (ch, s) in enumerate(zip(e.input_channels, sums)))
    if len(sums) == 1:
        terms = t("inside_sum_products", n=e.products[k].size)
    elif len(sums) <= 8:
        terms = " + ".join(f"({fmt(s, 3)})" for s in sums)
    else:
        terms = t("inside_many_terms", n=len(sums))
    bias = 0.0 if e.bias is None else e.bias
    step_sum = t("inside_step_sum", n=len(sums)) if len(sums) > 1 else t("inside_step_sum_one")
    parts += [
        f'<div class="ix-step">{html.escape(step_sum)}</div>',
        f'<div class="ix-chips">{chips}</div>' if len(sums) > 1 else "",
        f'<div class="ix-eq">Σ = {terms} = {fmt(e.total, 4)}</div>',
        f'<div class="ix-step">{html.escape(t("inside_step_bias"))}</div>',
        f'<div class="ix-eq">{fmt(e.total, 4)} + ({fmt(bias, 4)}) = <span class="ix-result" '
        f'data-testid="inside-result">{fmt(e.result, 4)}</span></div>',
        _activation_line(e, t),
    ]
    return "".join(parts)


def _pool(e, t, input_layer):
    channel = int(e.input_channels[0])
    local_winner = None
    if e.winner is not None:
        local_winner = (int(np.flatnonzero(e.input_rows == e.winner[0])[0]),
                        int(np.flatnonzero(e.input_cols == e.winner[1])[0]))
    grid = _grid(e.window, signed=bool(np.min(e.window[np.isfinite(e.window)], initial=0) < 0),
                 mask=e.padding_mask, winner=local_winner, caption=t("inside_caption_window"))
    parts = [f'<div class="ix-step">{html.escape(t("inside_step_window", channel=channel, layer=input_layer))}</div>',
             f'<div class="ix-row">{grid}</div>']
    result = f'<span class="ix-result" data-testid="inside-result">{fmt(e.result, 4)}</span>'
    if e.kind in ("max_pool", "min_pool"):
        word = "max" if e.kind == "max_pool" else "min"
        parts.append(f'<div class="ix-eq">{word}(…) = {result}</div>')
        parts.append(f'<div class="ix-note">{html.escape(t("inside_pool_winner", row=e.winner[0], col=e.winner[1]))}</div>')
    elif e.kind == "avg_pool":
        divisor = e.details.get("divisor")
        parts.append(f'<div class="ix-eq">Σ / {divisor} = {fmt(e.total, 4)} / {divisor} = {result}</div>')
        parts.append(f'<div class="ix-note">{html.escape(t("inside_avg_note"))}</div>')
    else:
        parts.append(f'<div class="ix-eq">{result}</div>')
    return "".join(parts)


def _linear(e, t, input_layer, top=8):
    products = np.asarray(e.products, dtype=np.float64)
    order = np.argsort(-np.abs(products), kind="stable")[:top]
    rows = "".join(f"<tr><td>{int(k)}</td><td>{fmt(e.window[k], 3)}</td><td>{fmt(e.kernel[k], 3)}</td>"
                   f"<td>{fmt(products[k], 3)}</td></tr>" for k in order)
    head = (f"<tr><th>{html.escape(t('inside_col_index'))}</th><th>{html.escape(t('inside_col_input'))}</th>"
            f"<th>{html.escape(t('inside_col_weight'))}</th><th>{html.escape(t('inside_col_product'))}</th></tr>")
    bias = 0.0 if e.bias is None else e.bias
    return "".join([
        f'<div class="ix-step">{html.escape(t("inside_step_linear", n=len(products), layer=input_layer, top=len(order)))}</div>',
        f'<table class="ix-list">{head}{rows}</table>',
        f'<div class="ix-note">{html.escape(t("inside_more_terms", n=max(0, len(products) - len(order))))}</div>',
        f'<div class="ix-eq">Σ = {fmt(e.total, 4)}; {fmt(e.total, 4)} + ({fmt(bias, 4)}) = '
        f'<span class="ix-result" data-testid="inside-result">{fmt(e.result, 4)}</span></div>',
        _activation_line(e, t),
    ])


def _batch_norm(e, t):
    d = e.details
    x = float(np.asarray(e.window))
    return (f'<div class="ix-step">{html.escape(t("inside_step_bn"))}</div>'
            f'<div class="ix-eq">({fmt(x, 4)} − {fmt(d["mean"], 4)}) / √({fmt(d["var"], 4)} + {d["eps"]:g}) '
            f'× {fmt(d["gamma"], 4)} + {fmt(d["beta"], 4)} = '
            f'<span class="ix-result" data-testid="inside-result">{fmt(e.result, 4)}</span></div>')


def explanation_html(e, t, in_channel=None, input_layer="", title=""):
    """The HTML of one unit's computation.

    Args:
        e: a ``cnncore.inspect.UnitExplanation``.
        t: ``t(key, **fields)`` -> text in the view's language.
        in_channel: for a convolution, the input channel whose window is
            shown (index into ``e.input_channels``); None: the largest ``|sum|``.
        input_layer: display name of the layer the unit reads.
        title: the heading.
    """
    head = f"<h3>{html.escape(title)}</h3>" if title else ""
    if e.kind == "conv":
        body = _conv(e, t, in_channel, input_layer)
    elif e.kind.endswith("_pool"):
        body = _pool(e, t, input_layer)
    elif e.kind == "linear":
        body = _linear(e, t, input_layer)
    elif e.kind == "batch_norm":
        body = _batch_norm(e, t)
    else:
        x = float(np.asarray(e.window))
        body = (f'<div class="ix-step">{html.escape(t("inside_step_elementwise", name=e.layer_type))}</div>'
                f'<div class="ix-eq">{_activation_formula(e.layer_type, x, e.result)}</div>'
                f'<div class="ix-note">{html.escape(t("inside_elementwise_note"))}</div>')
        body = body.replace('class="ix-result"', 'class="ix-result" data-testid="inside-result"', 1)
    return f'<div class="ix" aria-live="polite">{head}{body}</div>'
