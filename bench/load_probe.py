"""``panel serve --setup bench/load_probe.py``: what the server still holds, for ``bench/load.py``.

Once a second, on the server's event loop, it looks for the file named by ``CNN_LOAD_PROBE``
plus ``.request``; when it is there, it runs the garbage collector, counts the live Bokeh
documents, model registries (one per session) and views of this app, writes them as JSON to
``CNN_LOAD_PROBE`` and removes the request. Counting walks the whole heap, so it only runs
when asked (the benchmark asks while no student is active).
"""
import gc
import json
import os
from pathlib import Path

import panel as pn

OUT = Path(os.environ["CNN_LOAD_PROBE"])
REQUEST = OUT.with_name(OUT.name + ".request")


def count():
    if not REQUEST.exists():
        return
    from bokeh.document import Document

    from app.core.session import SessionState
    gc.collect()
    counts = {"documents": 0, "registries": 0, "views": 0}
    for obj in gc.get_objects():
        if isinstance(obj, Document):
            counts["documents"] += 1
        elif isinstance(obj, SessionState):
            counts["registries"] += 1
        elif isinstance(obj, pn.viewable.Viewer) and type(obj).__module__.startswith("app."):
            counts["views"] += 1
    OUT.write_text(json.dumps(counts))
    REQUEST.unlink()


from tornado.ioloop import PeriodicCallback  # noqa: E402

PeriodicCallback(count, 1000).start()
