"""app.core.site_link: the static site never sends the page a patch naming a model the page does not have."""
import json

from bokeh.core.json_encoder import serialize_json
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.document.callbacks import _combine_document_events
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

from app.core.site_link import PageModels, definitions_and_references


def test_definitions_and_references_walk_nested_values():
    value = {"kind": "ModelChanged", "model": {"id": "a"}, "attr": "renderers",
             "new": [{"type": "object", "name": "GlyphRenderer", "id": "b",
                      "attributes": {"data_source": {"id": "c"}, "tags": [{"type": "map", "entries": []}]}}]}
    assert definitions_and_references(value) == ({"b"}, {"a", "c"})


def test_the_page_knows_what_it_was_rendered_from_and_what_patches_defined():
    doc = Document()
    fig = figure()
    renderer = fig.scatter(x=[1], y=[2])
    doc.add_root(fig)
    page = PageModels(json.loads(serialize_json(doc.to_json())))   # the page's JSON
    assert {fig.id, renderer.id, renderer.data_source.id} <= page.known

    events = []
    doc.on_change(lambda event: _combine_document_events(event, events))
    source = ColumnDataSource(data={"x": [3], "y": [4]})
    fig.scatter(x="x", y="y", source=source)
    source.data = {"x": [5], "y": [6]}
    serializer = Serializer(references=doc.models.synced_references)
    patch = {"events": serializer.encode(events)}
    assert page.filter(patch) == []            # the new renderer and its data come defined
    assert source.id in page.known and len(patch["events"]) == len(events)


def test_events_naming_unknown_models_are_dropped_with_what_they_define():
    page = PageModels({"doc": {"roots": [{"type": "object", "name": "Figure", "id": "fig", "attributes": {}}]}})
    patch = {"events": [
        {"kind": "ColumnDataChanged", "model": {"id": "gone"}, "attr": "data", "data": {"id": "buffer-1"}},
        {"kind": "ModelChanged", "model": {"id": "fig"}, "attr": "renderers",
         "new": [{"type": "object", "name": "GlyphRenderer", "id": "r1", "attributes": {"data_source": {"id": "gone"}}}]},
        {"kind": "ModelChanged", "model": {"id": "r1"}, "attr": "visible", "new": False},
        {"kind": "ModelChanged", "model": {"id": "fig"}, "attr": "title", "new": {"id": "buffer-2"}},
        {"kind": "ModelChanged", "model": {"id": "fig"}, "attr": "toolbar",
         "new": {"type": "object", "name": "Toolbar", "id": "tb", "attributes": {}}},
        {"kind": "ModelChanged", "model": {"id": "tb"}, "attr": "autohide", "new": True},
    ]}
    dropped = page.filter(patch, buffers=["buffer-1", "buffer-2"])
    # "gone" is unknown: its event goes, then r1's definition (it names "gone"), then r1's event
    assert [e["model"]["id"] for e in dropped] == ["gone", "fig", "r1"]
    assert [(e["model"]["id"], e["attr"]) for e in patch["events"]] == [("fig", "title"), ("fig", "toolbar"),
                                                                         ("tb", "autohide")]
    assert page.known == {"fig", "tb"}
    # a later patch may name the toolbar the page now has
    later = {"events": [{"kind": "ModelChanged", "model": {"id": "tb"}, "attr": "autohide", "new": False}]}
    assert page.filter(later) == [] and len(later["events"]) == 1
