"""Keeping the static site's page and its Python in step (used by ``static/site_worker.js``).

In the static site the Python document lives in a web worker and the page holds a copy; every
change goes to the page as a Bokeh patch. A patch may only name models the page knows or that
the patch itself defines: Bokeh's page code rejects the whole patch otherwise ("reference ...
isn't known") and the page stops following Python. Python can make such patches: a figure
rebuilt while hidden leaves its old renderers and data sources behind, still attached to the
document until it is recomputed, and a later change to one of them names a model the page never
saw. :class:`PageModels` remembers what the page knows and drops the events it could not apply
(they change models that are no longer on the page).
"""
__all__ = ["PageModels", "definitions_and_references"]


def definitions_and_references(obj, defined=None, referenced=None):
    """The model ids a serialized Bokeh value defines (``{"type": "object", "id": ...}``) and
    names (``{"id": ...}``), as two sets."""
    defined = set() if defined is None else defined
    referenced = set() if referenced is None else referenced
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "id" in item:
                if len(item) == 1:
                    referenced.add(item["id"])
                elif item.get("type") == "object":
                    defined.add(item["id"])
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return defined, referenced


class PageModels:
    """The ids of the models the page has: those it was rendered with, then every model a patch
    sent to it defined."""

    def __init__(self, docs_json):
        self.known, _ = definitions_and_references(docs_json)

    def filter(self, patch, buffers=()):
        """Drop from ``patch`` (a serialized ``PatchDoc``, changed in place) every event that names a
        model the page does not know and the kept events do not define; remember the rest.
        ``buffers``: the ids of the binary buffers sent with the patch. Returns the dropped events."""
        buffers = set(buffers)
        events = [(event, *definitions_and_references(event)) for event in patch["events"]]
        dropped = []
        while True:   # dropping an event drops its definitions: check the others again
            defined = set().union(*(d for _, d, _ in events))
            unknown = [bool(refs - defined - buffers - self.known) for _, _, refs in events]
            if not any(unknown):
                break
            dropped += [e[0] for e, bad in zip(events, unknown) if bad]
            events = [e for e, bad in zip(events, unknown) if not bad]
        patch["events"] = [event for event, _, _ in events]
        self.known |= defined
        return dropped
