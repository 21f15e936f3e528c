"""The arithmetic of one output value, as HTML: window ⊙ kernel = products, their sum, + bias.

For several input channels every channel gets its own row (its slice of
the window, its slice of the kernel, its products and their sum ``Σ_c``), and
the last line adds the channel sums and the bias:
``Σ_R + Σ_G + Σ_B + b = y``. ``y`` is the value the engine computed, shown
beside the sum so a student can check they agree.
"""
import html

__all__ = ["products_html", "fmt"]

_CSS = """
<style>
.cp { font-size: 15px; color: #1F2933; }
.cp-row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 4px 0 10px; }
.cp-ch { font-weight: 700; min-width: 26px; }
.cp-op { font-size: 22px; color: #52606D; padding: 0 2px; }
.cp-mat { display: grid; gap: 2px; font-variant-numeric: tabular-nums; }
.cp-mat span { text-align: right; padding: 2px 4px; border-radius: 3px; background: #F5F7FA;
  min-width: var(--cpw); font-size: var(--cpf); }
.cp-mat span.pad { background: repeating-linear-gradient(45deg, #D4ECFA, #D4ECFA 4px, #fff 4px, #fff 8px); }
.cp-mat span.neg { color: #B35806; }
.cp-cap { font-size: 13px; color: #52606D; text-align: center; }
.cp-sum { font-weight: 700; }
.cp-total { font-size: 18px; margin-top: 6px; font-variant-numeric: tabular-nums; }
.cp-total b { color: #0072B2; }
</style>
"""


def fmt(x, digits=3):
    """A short number: ``0.5 -> '0.5'``, ``-0.12345 -> '−0.123'`` (a real minus sign)."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", "−")


def _matrix(values, caption, pad=None, digits=2):
    k = values.shape[1]
    cells = []
    for u in range(values.shape[0]):
        for v in range(k):
            x = float(values[u, v])
            cls = " ".join(c for c in ("pad" if pad is not None and pad[u, v] else "",
                                       "neg" if x < 0 else "") if c)
            cells.append(f'<span class="{cls}" title="{x!r}">{fmt(x, digits)}</span>')
    return (f'<div><div class="cp-mat" style="grid-template-columns: repeat({k}, auto)">{"".join(cells)}</div>'
            f'<div class="cp-cap">{html.escape(caption)}</div></div>')


def products_html(window, kernel, padding_mask, bias, value, channel_names, labels):
    """The products table for one output position.

    Args:
        window: ``(C, k, k)`` input values under the kernel taps (padding included).
        kernel: ``(C, k, k)`` the weights.
        padding_mask: ``(k, k)`` True where a tap reads padding.
        bias: the bias added.
        value: the output value the engine computed at this position.
        channel_names: one name per channel (``["R", "G", "B"]``; ignored for one channel).
        labels: texts ``window``, ``kernel``, ``products``, ``sum``, ``bias``, ``output``.

    Shape:
        - window, kernel: ``(C, k, k)``
    """
    products = window * kernel                                    # (C, k, k)
    sums = products.sum(axis=(1, 2))                              # (C, k, k) -> (C,)
    k = kernel.shape[-1]
    width, font = ("52px", "15px") if k <= 3 else ("44px", "14px") if k <= 5 else ("38px", "12px")
    rows = []
    many = len(sums) > 1
    for c in range(len(sums)):
        name = f'<span class="cp-ch">{html.escape(channel_names[c])}</span>' if many else ""
        rows.append(
            f'<div class="cp-row">{name}{_matrix(window[c], labels["window"], padding_mask)}'
            f'<span class="cp-op">⊙</span>{_matrix(kernel[c], labels["kernel"], digits=3)}'
            f'<span class="cp-op">=</span>{_matrix(products[c], labels["products"])}'
            f'<span class="cp-op">→</span><span class="cp-sum">Σ = {fmt(sums[c])}</span></div>')
    total = float(sums.sum())
    if many:
        terms = " + ".join(f"{html.escape(channel_names[c])} {fmt(s)}" for c, s in enumerate(sums))
        line = f"{terms} + {html.escape(labels['bias'])} {fmt(bias)}"
    else:
        line = f"Σ {fmt(total)} + {html.escape(labels['bias'])} {fmt(bias)}"
    line += (f' = <span data-testid="conv-sum">{fmt(total + bias, 4)}</span>'
             f' &nbsp;·&nbsp; {html.escape(labels["output"])} = <b data-testid="conv-value">{fmt(value, 4)}</b>')
    return (f'{_CSS}<div class="cp" style="--cpw:{width}; --cpf:{font}">{"".join(rows)}'
            f'<div class="cp-total" aria-live="polite">{line}</div></div>')
