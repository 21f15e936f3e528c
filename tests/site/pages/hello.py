"""A tiny page for testing the static-site build: Panel + NumPy + cnncore, one widget."""
import numpy as np
import panel as pn

import cnncore

pn.extension()

slider = pn.widgets.IntSlider(name="n", start=1, end=9, value=3)


def total(n):
    x = np.arange(n * n, dtype=np.float32).reshape(1, 1, n, n)
    y = cnncore.nn.ReLU()(x)
    return pn.pane.Markdown(f"sum = {float(y.sum()):g}", css_classes=["hello-result"])


pn.Column("# Hello", slider, pn.bind(total, slider)).servable(title="Hello")
