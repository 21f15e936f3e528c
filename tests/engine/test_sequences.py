"""Synthetic price series, their pattern labels, the window data set and the tiny 1-D CNN."""
import numpy as np
import pytest
import torch

from cnncore import nn
from cnncore.sequences import (PATTERN_WIDTHS, PATTERNS, firing_by_pattern, kernel_responses, make_series,
                               make_windows, pattern_shape, tiny_conv1d_net, to_returns, train_tiny_conv1d)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_series_is_reproducible_and_depends_on_the_seed(seed):
    a, b = make_series(seed=seed), make_series(seed=seed)
    np.testing.assert_array_equal(a.price, b.price)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.events == b.events
    other = make_series(seed=seed + 100)
    assert not np.array_equal(a.price, other.price)


@pytest.mark.parametrize("seed", range(6))
def test_pattern_labels_mark_exactly_the_added_patterns(seed):
    series = make_series(length=360, seed=seed, patterns=5)
    # The same seed without patterns draws the same walk first: the difference is the patterns alone.
    walk = make_series(length=360, seed=seed, patterns=0).price
    added = series.price - walk
    expected = np.zeros(len(added))
    labels = np.zeros(len(added), dtype=np.int64)
    assert len(series.events) == 5
    for kind, start, stop in series.events:
        assert stop - start == PATTERN_WIDTHS[kind]
        shape = pattern_shape(kind)
        part = added[start:stop] - expected[start:stop]
        height = part[np.argmax(np.abs(shape))] / shape.max()
        assert abs(height) >= 0.8 * 6.0 * 0.999                       # at least 0.8 x height x volatility
        expected[start:stop] += height * shape
        if kind == "step":
            expected[stop:] += height
        labels[start:stop] = PATTERNS.index(kind)
    np.testing.assert_allclose(added, expected, atol=1e-9)
    np.testing.assert_array_equal(series.labels, labels)
    starts = [start for _, start, _ in series.events]
    assert starts == sorted(starts)
    assert all(s1 <= s0 for (_, _, s1), (_, s0, _) in zip(series.events, series.events[1:]))   # no overlap


def test_pattern_shapes():
    spike = pattern_shape("spike", 2.0)
    np.testing.assert_array_equal(spike, [0, 2, 0])
    step = pattern_shape("step")
    assert step[0] == 0 and step[-1] == 1 and np.all(np.diff(step) >= 0)
    hs = pattern_shape("head_shoulders")
    peaks = [i for i in range(1, len(hs) - 1) if hs[i - 1] < hs[i] > hs[i + 1]]
    assert len(peaks) == 3 and hs[peaks[1]] > hs[peaks[0]] and hs[peaks[1]] > hs[peaks[2]]
    with pytest.raises(ValueError, match="unknown pattern"):
        pattern_shape("cup")


def test_a_spike_is_a_plus_minus_pair_in_returns():
    series = make_series(length=300, seed=3, patterns=4, volatility=0.01, trend=0.0005)
    r = to_returns(series.price, series.volatility)
    np.testing.assert_allclose(r, np.diff(series.price) / 0.01, rtol=1e-6)
    for kind, start, _ in series.events:
        if kind == "spike":
            up, down = r[start], r[start + 1]
            assert abs(up) > 3 and abs(down) > 3 and np.sign(up) == -np.sign(down)


def test_too_many_patterns_is_a_clear_error():
    with pytest.raises(ValueError, match="slots"):
        make_series(length=100, patterns=5)
    with pytest.raises(ValueError, match="too short"):
        make_windows(10, window=20)


def test_window_dataset_shapes_balance_and_labels():
    data = make_windows(count=200, window=48, seed=0)
    assert data.inputs.shape == (200, 1, 48) and data.inputs.dtype == np.float32
    assert data.labels.shape == data.starts.shape == (200,)
    np.testing.assert_array_equal(np.bincount(data.labels), [50] * 4)
    assert np.all((data.starts >= 0) == (data.labels > 0))
    for label, start in zip(data.labels, data.starts):
        if label:
            assert start + PATTERN_WIDTHS[PATTERNS[label]] <= 49
    again = make_windows(count=200, window=48, seed=0)
    np.testing.assert_array_equal(data.inputs, again.inputs)
    # Spikes and steps make outsized returns; plain windows (mostly) do not.
    biggest = np.abs(data.inputs[:, 0]).max(axis=1)
    assert biggest[data.labels == 1].min() > 4 and biggest[data.labels == 2].min() > 4
    assert np.median(biggest[data.labels == 0]) < 3.5


def test_tiny_net_shapes_match_conv1d_output_length():
    net = tiny_conv1d_net(window=48, channels=5, kernel_size=7)
    x = make_windows(8, 48).inputs
    assert net(x).shape == (8, 4)
    assert net[0].output_shape(x.shape) == (8, 5, 48)


def test_tiny_conv1d_net_learns_above_chance():
    recipe = train_tiny_conv1d(steps=200, seed=0)
    assert recipe.steps == 200
    assert np.mean(recipe.losses[-20:]) < 0.7 * np.mean(recipe.losses[:20])
    assert recipe.test_accuracy > 0.6          # chance is 1/4
    assert not recipe.model[0].training


def test_kernel_responses_are_relu_of_the_convolution_and_match_torch():
    recipe = train_tiny_conv1d(steps=20, seed=1)
    series = make_series(seed=2)
    r = to_returns(series.price)
    out = kernel_responses(recipe.model, r)
    conv = recipe.model[0]
    expected = torch.relu(torch.nn.functional.conv1d(
        torch.tensor(r, dtype=torch.float64)[None, None], torch.tensor(conv.weight.data, dtype=torch.float64),
        torch.tensor(conv.bias.data, dtype=torch.float64), padding=conv.padding[0]))[0].numpy()
    assert out.shape == (conv.out_channels, len(r))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    table = firing_by_pattern(out, series.labels[1:])
    for k in range(len(PATTERNS)):
        inside = series.labels[1:] == k
        if inside.any():
            np.testing.assert_allclose(table[:, k], out[:, inside].astype(np.float64).mean(axis=1), rtol=1e-12)
        else:
            assert np.isnan(table[:, k]).all()


def test_conv1d_of_the_windows_is_the_engine_layer():
    # The tiny net's first layer is an ordinary nn.Conv1d with PyTorch semantics.
    net = tiny_conv1d_net()
    assert isinstance(net[0], nn.Conv1d) and net[0].padding == (4,)
