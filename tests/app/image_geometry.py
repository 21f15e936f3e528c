"""Where Bokeh draws the rows of an ``image`` glyph, in data coordinates, without a browser.

BokehJS (``ImageBaseView``) places an image in the data rectangle given by
``x, y, dw, dh`` and ``anchor`` (a ``top`` anchor: ``y`` is the rectangle's
largest y; ``bottom``: its smallest), then puts array row 0 at the largest
y for ``origin="top_*"`` and at the smallest y for ``origin="bottom_*"``.
Whether that is the top of the screen depends on the y range: a flipped
range (``start > end``) shows the smallest y on top. Tests compare these
spans with the boxes and clicks of the same plot, which are in data units.
"""


def _value(spec, data, k):
    """A glyph property: a column name (looked up in ``data``) or a fixed number."""
    if isinstance(spec, dict):
        spec = spec.get("field", spec.get("value"))
    return float(data[spec][k]) if isinstance(spec, str) else float(spec)


def row_span(glyph, data, k, row):
    """``(y_low, y_high)``: the data interval where row ``row`` of image ``k`` is drawn."""
    image = data[glyph.image if isinstance(glyph.image, str) else "image"][k]
    nrows = len(image)
    y, dh = _value(glyph.y, data, k), _value(glyph.dh, data, k)
    low = y - dh if glyph.anchor.startswith("top") else (y - dh / 2 if "center" in glyph.anchor else y)
    cell = dh / nrows
    if glyph.origin.startswith("top"):                  # row 0 at the largest y
        return low + dh - (row + 1) * cell, low + dh - row * cell
    return low + row * cell, low + (row + 1) * cell


def row_zero_on_top(figure, glyph, data, k=0):
    """Is row 0 of image ``k`` drawn above its last row on the screen?"""
    nrows = len(data["image"][k])
    first, last = row_span(glyph, data, k, 0)[0], row_span(glyph, data, k, nrows - 1)[0]
    flipped = figure.y_range.start > figure.y_range.end
    return (first < last) == flipped
