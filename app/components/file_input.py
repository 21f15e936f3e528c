"""Panel's ``FileInput`` read as one upload: the file's bytes together with *its* name.

The browser sets a ``FileInput``'s ``value``, ``filename`` and ``mime_type`` in one change. The
served app hands the three to Python at once; the static site (Pyodide, no server session)
applies them one by one, ``value`` first, so a watcher of ``value`` alone would read the name of
the *previous* file (or none) and a message would name the wrong file. :func:`on_upload` waits,
there, until the rest of the same change has been applied (the next turn of the event loop).
"""
import asyncio

import panel as pn

__all__ = ["on_upload"]


def on_upload(widget, callback):
    """Call ``callback(value, filename)`` once for every file (or files) chosen in ``widget``."""
    pending = []

    def fire():
        pending.clear()
        callback(widget.value, widget.filename)

    def changed(*events):
        if pending:                       # already waiting for the rest of this change
            return
        if pn.state._is_pyodide and {e.name for e in events} != {"value", "filename"}:
            pending.append(True)
            asyncio.get_event_loop().call_soon(fire)
        else:
            fire()

    widget.param.watch(changed, ["value", "filename"])
