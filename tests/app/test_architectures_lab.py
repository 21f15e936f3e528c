"""The classic architectures lab without a browser: every number it shows is the engine's ledger."""
import re

import numpy as np
import pytest

import cnncore.nn.init
from cnncore import nn
from cnncore.inspect import summary
from cnncore.models import CLASSIC_MODELS
from app.views.architectures.ledger import (FAMILIES, build_meta, comparison, conv_sharing, family_of, ledger,
                                            memory_split, memory_sweep)
from app.core.i18n import STRINGS
from app.views.architectures.table import SORT_COLUMNS, ledger_columns, ledger_table, sorted_rows
from app.views.architectures.ledger import ledger_rows
from app.views.architectures.view import TABLE_COLUMNS, ArchitecturesLab, human_bytes, human_count


def fresh_summary(name, batch=1):
    constructor, shape, _ = CLASSIC_MODELS[name]
    with cnncore.nn.init.meta():
        model = constructor()
    return model, summary(model, (batch,) + tuple(shape))


def parameters_from_shapes(model):
    """Parameter count from the layers' hyper-parameters alone (independent of the ledger)."""
    total = 0
    for _, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            total += m.out_channels * (m.in_channels // m.groups * kh * kw) + (m.out_channels if m.bias is not None else 0)
        elif isinstance(m, nn.Linear):
            total += m.out_features * m.in_features + (m.out_features if m.bias is not None else 0)
        elif type(m).__name__.startswith("BatchNorm"):
            total += 2 * m.num_features
    return total


@pytest.fixture(scope="module")
def view():
    return ArchitecturesLab(arch="vgg16", batch=32)


def test_table_shows_the_engines_ledger_for_vgg16(view):
    model, expected = fresh_summary("vgg16")
    columns = view.ledger
    assert list(columns) == list(TABLE_COLUMNS)
    assert sum(columns["params"]) == expected.params == parameters_from_shapes(model)
    assert len(columns["name"]) == len(expected.rows)
    for i, row in enumerate(expected.rows):
        shown = {key: values[i] for key, values in columns.items()}
        assert shown["name"] == row.name and shown["kind"] == row.kind and shown["detail"] == row.detail
        assert (shown["params"], shown["macs"], shown["activation_bytes"], shown["saved_bytes"], shown["fc_params"]) \
            == (row.params, row.macs, row.activation_bytes, row.saved_bytes, row.fc_params)
    # the table shows every row, with the engine's numbers and the bottleneck marked
    table = view.table.object
    assert f"data-rows='{len(expected.rows)}'" in table and "data-sort='order'" in table
    assert table.count("<tr class='hot'") == sum(r.macs == expected.bottleneck.macs for r in expected.rows)
    assert f"<tr class='hot' data-name='{expected.bottleneck.name}'>" in table
    assert f"<td class='num'>{expected.rows[0].params:,}</td>" in table
    totals = view.totals.object
    assert f"data-params='{expected.params}'" in totals and f"{expected.params:,}" in totals
    assert f"data-macs='{expected.macs}'" in totals and f"{expected.macs:,}" in totals
    assert f"data-layer='{expected.bottleneck.name}'" in view.bottleneck.object
    assert f"{expected.bottleneck.macs:,}" in view.bottleneck.object


@pytest.mark.parametrize("name", list(CLASSIC_MODELS))
def test_every_architecture_matches_a_fresh_ledger(name):
    model, expected = fresh_summary(name)
    cached = ledger(name, 1)
    assert (cached.params, cached.macs, cached.activation_bytes, cached.saved_bytes, cached.param_bytes) == \
        (expected.params, expected.macs, expected.activation_bytes, expected.saved_bytes, expected.param_bytes)
    assert [r.name for r in cached.rows] == [r.name for r in expected.rows]
    assert cached.params == parameters_from_shapes(model)
    assert ledger(name, 1) is cached                                   # cached, not re-traced
    assert conv_sharing(cached) == [(r.name, r.params, r.fc_params) for r in expected.rows if r.kind == "Conv2d"]


def test_charts_hold_the_ledgers_numbers(view):
    view.arch = "resnet18"
    _, expected = fresh_summary("resnet18")
    data = view.profile.source.data
    assert data["params"] == [r.params for r in expected.rows]
    assert data["macs"] == [r.macs for r in expected.rows]
    assert data["activation_bytes"] == [r.activation_bytes for r in expected.rows]
    hot = [i for i, c in enumerate(data["macs_colour"]) if c != data["colour"][0]]
    assert [expected.rows[i].name for i in hot] == [expected.bottleneck.name]
    shares = view.kinds.source.data
    for y, metric in zip((2, 1, 0), ("params", "macs", "activation_bytes")):
        total = sum(v[metric] for v in expected.by_kind().values())
        for kind, share, yy in zip(shares["kind"], shares["share"], shares["y"]):
            if yy == y:
                assert share == pytest.approx(100 * expected.by_kind()[kind][metric] / total)
    sharing = view.sharing.source.data
    convs = [r for r in expected.rows if r.kind == "Conv2d"]
    assert sharing["params"] == [r.params for r in convs] and sharing["fc_params"] == [r.fc_params for r in convs]
    assert all(f > p for p, f in zip(sharing["params"], sharing["fc_params"]))   # weight sharing saves weights


@pytest.mark.parametrize("batch", [1, 7, 64])
def test_memory_follows_the_batch(view, batch):
    view.param.update(arch="alexnet", batch=batch)
    _, expected = fresh_summary("alexnet", batch)
    assert memory_split("alexnet", batch) == dict(weights=expected.param_bytes, activations=expected.activation_bytes,
                                                  saved=expected.saved_bytes)
    text = view.memory_text.object
    assert f"data-act='{expected.activation_bytes}'" in text and f"data-weights='{expected.param_bytes}'" in text
    values = view.memory_bars.source.data["value"]
    assert values == pytest.approx([expected.param_bytes / 1e6, expected.activation_bytes / 1e6,
                                    expected.saved_bytes / 1e6])
    assert view.sweep.marker.location == batch
    assert view.totals.object == ArchitecturesLab(arch="alexnet", batch=1).totals.object   # totals are per image


def test_memory_sweep_is_linear_in_the_batch_and_weights_are_not():
    sweep = memory_sweep("lenet5")
    one = ledger("lenet5", 1)
    assert sweep["weights"] == [one.param_bytes] * len(sweep["batch"])
    assert sweep["activations"] == [b * one.activation_bytes for b in sweep["batch"]]


def test_comparison_lists_every_architecture():
    rows = comparison()
    assert [r["name"] for r in rows] == list(CLASSIC_MODELS)
    for r in rows:
        _, expected = fresh_summary(r["name"])
        assert (r["params"], r["macs"], r["year"]) == (expected.params, expected.macs, CLASSIC_MODELS[r["name"]][2])


def test_timeline_years_and_families_match_the_zoo():
    members = [m for _, _, ms in FAMILIES.values() for m in ms]
    assert sorted(members) == sorted(CLASSIC_MODELS)
    for key, (year, default, ms) in FAMILIES.items():
        assert default in ms and all(CLASSIC_MODELS[m][2] == year for m in ms)
        assert family_of(default) == key
        assert f"archlab_tl_{key}" in STRINGS
    years = [year for year, _, _ in FAMILIES.values()]
    assert years == sorted(years)


def test_controls_and_language(view):
    view.param.update(arch="vgg16", batch=32, lang="en")
    view.family_buttons["resnet"].clicks += 1
    assert view.arch == FAMILIES["resnet"][1]
    view.compare._tapped("indices", [], [list(CLASSIC_MODELS).index("googlenet")])
    assert view.arch == "googlenet"
    view.arch_w.value = "nin"
    assert view.arch == "nin" and sum(view.ledger["params"]) == ledger("nin").params
    view.batch_w.value = 128
    assert view.batch == 128
    view.lang = "zh"
    assert "个参数" in view.totals.object and view.arch == "nin" and view.batch == 128
    assert view.table_titles["params"] == STRINGS["archlab_col_params"]["zh"]
    assert STRINGS["archlab_col_params"]["zh"] in view.table.object
    assert STRINGS["archlab_sort_macs"]["zh"] in view.sort_w.options
    assert STRINGS["archlab_explain_params"]["zh"] in view.explanation.object
    view.lang = "en"
    assert "parameters" in view.totals.object


def test_bad_settings_show_a_message_not_a_traceback(view):
    view.set_by_student("arch", "vgg99")
    assert view._error.visible and "vgg99" in view._error.object
    view.set_by_student("batch", 0)
    assert view._error.visible
    view.set_by_student("arch", "lenet5")
    assert not view._error.visible and view.arch == "lenet5"
    with pytest.raises(KeyError, match="vgg99"):
        build_meta("vgg99")


def test_sorting_the_ledger(view):
    view.param.update(arch="resnet18", sort="order", lang="en")
    macs = ledger("resnet18").rows
    view.sort_w.value = "macs"
    assert view.sort == "macs" and "data-sort='macs'" in view.table.object
    names = re.findall(r"<tr(?: class='hot')? data-name='([^']*)'>", view.table.object)
    by_macs = sorted(range(len(macs)), key=lambda i: (-macs[i].macs, i))
    assert names == [macs[i].name for i in by_macs]
    assert names[0] == ledger("resnet18").bottleneck.name
    view.sort = "order"
    assert view.sort_w.value == "order"
    assert re.findall(r"<tr(?: class='hot')? data-name='([^']*)'>", view.table.object) == [r.name for r in macs]
    view.set_by_student("sort", "colour")
    assert view._error.visible and view.sort == "order"
    view.set_by_student("sort", "params")
    assert not view._error.visible


def test_ledger_table_and_formatting():
    columns = ledger_columns(ledger_rows(ledger("lenet5")))
    assert columns["order"] == list(range(len(columns["name"])))
    for key in SORT_COLUMNS[1:]:
        order = sorted_rows(columns, key)
        values = [columns[key][i] for i in order]
        assert values == sorted(values, reverse=True) and sorted(order) == list(range(len(order)))
    with pytest.raises(ValueError, match="sort the ledger by 'size'"):
        sorted_rows(columns, "size")
    titles = {key: f"<{key}>" for key in TABLE_COLUMNS}
    table = ledger_table(columns, titles, "params")
    assert "&lt;params&gt;" in table and "<params>" not in table      # titles are escaped
    assert human_count(15_470_289_408, "en") == "15.5 billion"
    assert human_count(15_470_289_408, "zh") == "154.7 亿"
    assert human_bytes(553_430_176) == "553.4 MB"
    assert np.isclose(float(human_bytes(58_888).split()[0]), 58.9)
