"""One colour rule for every map (``app.core.theme.map_colours``): signed values in ``SIGNED``, zero white."""
import numpy as np

from app.views.inside.plots import TileMosaic
from app.widgets.plots import MapPlot
from app.core.theme import SIGNED


def signed_map_plots(view):
    """``(name, plot, values)`` for every map plot of ``view`` that now shows a negative value."""
    found = []
    for name, plot in vars(view).items():
        plots = plot.values() if isinstance(plot, dict) else [plot]
        for p in plots:
            if isinstance(p, (MapPlot, TileMosaic)):
                values = np.concatenate([np.ravel(v) for v in p.source.data["image"]])
                if np.nanmin(values) < 0:
                    found.append((name, p, values))
    return found


def assert_signed_maps_use_the_shared_palette(view):
    found = signed_map_plots(view)
    assert found, "no map with negative values to check"
    for name, plot, values in found:
        assert list(plot.mapper.palette) == SIGNED, name
        assert plot.mapper.low == -plot.mapper.high, name          # white is zero
        assert plot.mapper.high >= np.nanmax(np.abs(values)) - 1e-9, name
