"""Small HTML number grids (the Gradients and 1-D convolution labs): a kernel, its rotation, a weight gradient.

Each cell is tinted like the ``SIGNED`` colormap (orange negative, white zero,
purple positive), so the numbers and the heatmaps read the same way; one
cell can be outlined (the worked example).
"""
import html

import numpy as np

from app.core.theme import HIGHLIGHT, TEXT
from app.widgets.lab_common import fmt

__all__ = ["number_grid", "tint"]

_CSS = f"""
table.ngrid {{ border-collapse: collapse; font-size: 13px; color: {TEXT}; font-variant-numeric: tabular-nums; }}
table.ngrid td {{ padding: 3px 5px; border: 1px solid #D9E2EC; text-align: right; min-width: 44px; }}
table.ngrid td.hi {{ outline: 3px solid {HIGHLIGHT}; outline-offset: -3px; font-weight: 700; }}
table.ngrid caption {{ caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; font-size: 15px; }}
"""


def tint(value, scale):
    """Background colour of a signed value (orange < 0 < purple), white at 0."""
    if not scale or not np.isfinite(value) or value == 0:
        return "#ffffff"
    t = min(1.0, abs(value) / scale) * 0.55
    end = (230, 97, 1) if value < 0 else (94, 60, 153)
    r, g, b = (round(255 + (c - 255) * t) for c in end)
    return f"rgb({r},{g},{b})"


def number_grid(values, caption="", testid="", highlight=None, digits=3):
    """A 2-D array as a table of numbers; ``highlight=(row, col)`` outlines one cell.

    Shape:
        - values: ``(H, W)``
    """
    values = np.asarray(values, dtype=np.float64)
    scale = float(np.nanmax(np.abs(values))) if values.size else 0.0
    rows = []
    for i, row in enumerate(values):
        cells = []
        for j, v in enumerate(row):
            cls = " class='hi'" if highlight is not None and (i, j) == tuple(highlight) else ""
            cells.append(f"<td{cls} style='background:{tint(v, scale)}'>{html.escape(fmt(v, digits))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    test = f" data-testid='{html.escape(testid)}'" if testid else ""
    return f"<style>{_CSS}</style><table class='ngrid'{test}>{cap}<tbody>{''.join(rows)}</tbody></table>"
