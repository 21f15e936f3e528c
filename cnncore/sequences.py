"""Synthetic price-like series with labelled patterns, and a tiny 1-D CNN that learns to spot them.

A 1-D convolution slides a kernel along time exactly as a 2-D one slides
over an image. To have something to slide it over, this module makes a
*price-like* series: a random walk (each day's change is random) with a
small upward trend, plus a few local **patterns** whose positions are
known, so a detector can be checked:

* ``spike``: one day far above (or below) its neighbours, then back;
* ``step``: the level jumps and stays there;
* ``head_shoulders``: three bumps, the middle one highest
  ("head-and-shoulders", a shape chart readers look for).

Everything is seeded: the same seed gives the same series, bit for bit.

A network does not read prices but their day-to-day changes (the
*returns* ``r_t = p_{t+1} - p_t``, divided by the noise level): a random
walk's returns look the same everywhere, while its level wanders. In
returns a spike is a ``+h, -h`` pair, a step one large change and the
head-and-shoulders a smooth wave. :func:`make_windows` cuts short windows
(with or without one pattern) into a small labelled data set, and
:func:`tiny_conv1d_net` / :func:`train_tiny_conv1d` make and train a
``Conv1d -> ReLU -> global max pool -> Linear`` classifier on it in about a
second; :func:`kernel_responses` shows where each learned kernel fires on
a whole series.
"""
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PATTERNS", "PATTERN_WIDTHS", "Series", "WindowSet", "Conv1dRecipe", "pattern_shape",
           "make_series", "to_returns", "make_windows", "tiny_conv1d_net", "train_tiny_conv1d",
           "kernel_responses", "firing_by_pattern"]

#: Class names; the label of a pattern is its index here (0: no pattern).
PATTERNS = ("none", "spike", "step", "head_shoulders")
#: Time steps each pattern covers (its labelled region).
PATTERN_WIDTHS = {"spike": 3, "step": 8, "head_shoulders": 30}


def pattern_shape(kind, height=1.0):
    """What a pattern adds to the price over its labelled region.

    ``spike``: ``[0, h, 0]``; ``step``: ``h`` from the middle of the region on
    (in a series the new level then continues to the end); ``head_shoulders``:
    three Gaussian bumps of heights ``0.6h, h, 0.6h``.

    Shape:
        - Output: ``(PATTERN_WIDTHS[kind],)``
    """
    if kind not in PATTERN_WIDTHS:
        raise ValueError(f"pattern_shape: unknown pattern {kind!r}; choose one of {', '.join(PATTERN_WIDTHS)}")
    width = PATTERN_WIDTHS[kind]
    t = np.arange(width, dtype=np.float64)
    if kind == "spike":
        bump = (t == width // 2).astype(np.float64)
    elif kind == "step":
        bump = (t >= width // 2).astype(np.float64)
    else:
        sigma = width / 14
        centres, heights = (width / 6, width / 2, 5 * width / 6), (0.6, 1.0, 0.6)
        bump = sum(hh * np.exp(-0.5 * ((t - c) / sigma) ** 2) for c, hh in zip(centres, heights))
    return height * bump


def _add_pattern(price, kind, start, height):
    """Add ``kind`` to ``price`` (in place) with its region starting at ``start``."""
    width = PATTERN_WIDTHS[kind]
    shape = pattern_shape(kind, height)
    price[start:start + width] += shape
    if kind == "step":
        price[start + width:] += height        # the new level lasts


@dataclass
class Series:
    """A synthetic price series and where its patterns are.

    Attributes:
        price: the series, ``(L,)`` float64.
        events: ``[(kind, start, stop)]`` (``stop`` exclusive), in time order.
        labels: ``(L,)`` int64, ``PATTERNS.index(kind)`` inside a pattern, else 0.
        volatility: the standard deviation of the daily random change.
        trend: the mean daily change (the drift).
        seed: the seed that made it.
    """
    price: np.ndarray
    events: list
    labels: np.ndarray
    volatility: float
    trend: float
    seed: int


def make_series(length=400, seed=0, patterns=6, volatility=1.0, trend=0.05, start=100.0, height=6.0):
    """A seeded random walk with a trend and ``patterns`` labelled patterns.

    The series is cut into ``patterns`` equal slots; each slot gets one
    pattern (kind, sign, size and position within the slot drawn at random),
    so patterns never overlap. Pattern heights are ``height`` times the
    volatility, times a random factor in ``[0.8, 1.3]``.

    Raises:
        ValueError: the series is too short for that many patterns.

    Shape:
        - price, labels: ``(length,)``
    """
    length, patterns = int(length), int(patterns)
    longest = max(PATTERN_WIDTHS.values())
    slot = length // max(patterns, 1)
    if patterns < 0 or (patterns and slot < longest + 4):
        raise ValueError(f"make_series: {patterns} patterns need slots of at least {longest + 4} steps; "
                         f"a series of length {length} gives {slot}")
    rng = np.random.default_rng(seed)
    steps = rng.normal(trend, volatility, length)
    steps[0] = 0.0
    price = start + np.cumsum(steps)                     # the random walk with drift
    kinds = rng.integers(1, len(PATTERNS), patterns)
    labels = np.zeros(length, dtype=np.int64)
    events = []
    for k, label in enumerate(kinds):
        kind = PATTERNS[label]
        width = PATTERN_WIDTHS[kind]
        begin = k * slot + int(rng.integers(2, slot - width - 1))
        sign = 1.0 if kind == "head_shoulders" else float(rng.choice([-1.0, 1.0]))
        size = sign * height * volatility * rng.uniform(0.8, 1.3)
        _add_pattern(price, kind, begin, size)
        labels[begin:begin + width] = label
        events.append((kind, begin, begin + width))
    return Series(price, events, labels, float(volatility), float(trend), seed)


def to_returns(price, volatility=1.0):
    """Day-to-day changes in units of the noise: ``r_t = (p_{t+1} - p_t) / volatility``.

    Shape:
        - price: ``(..., L)``
        - Output: ``(..., L - 1)`` float32
    """
    return (np.diff(np.asarray(price, dtype=np.float64), axis=-1) / volatility).astype(np.float32)


@dataclass
class WindowSet:
    """Short windows of returns, each with at most one pattern.

    Attributes:
        inputs: ``(N, 1, window)`` float32 returns (one channel).
        labels: ``(N,)`` int64 index into :data:`PATTERNS`.
        starts: ``(N,)`` where the pattern's region starts in the window's
            price (-1 for ``none``).
    """
    inputs: np.ndarray
    labels: np.ndarray
    starts: np.ndarray
    names: tuple = field(default=PATTERNS)

    @property
    def images(self):
        """The inputs under the name :class:`cnncore.train.Trainer` looks for."""
        return self.inputs


def make_windows(count=800, window=48, seed=0, volatility=1.0, trend=0.05, height=6.0):
    """A balanced, seeded data set of return windows with labels (which pattern, if any).

    Each window is a fresh random walk of ``window + 1`` prices; windows of
    class ``k > 0`` get pattern ``PATTERNS[k]`` (random sign and size, as in
    :func:`make_series`) at a random place fully inside; then returns are taken.

    Shape:
        - inputs: ``(count, 1, window)``; labels, starts: ``(count,)``
    """
    count, window = int(count), int(window)
    if window < max(PATTERN_WIDTHS.values()) + 2:
        raise ValueError(f"make_windows: a window of {window} steps is too short for the patterns "
                         f"(at least {max(PATTERN_WIDTHS.values()) + 2})")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(PATTERNS)).astype(np.int64)
    steps = rng.normal(trend, volatility, (count, window + 1))
    prices = np.cumsum(steps, axis=1)                        # (N, window + 1)
    starts = np.full(count, -1, dtype=np.int64)
    for n, label in enumerate(labels):
        if label == 0:
            continue
        kind = PATTERNS[label]
        begin = int(rng.integers(0, window + 1 - PATTERN_WIDTHS[kind] + 1))
        sign = 1.0 if kind == "head_shoulders" else float(rng.choice([-1.0, 1.0]))
        _add_pattern(prices[n], kind, begin, sign * height * volatility * rng.uniform(0.8, 1.3))
        starts[n] = begin
    inputs = to_returns(prices, volatility)[:, None, :]      # (N, window + 1) -> (N, 1, window)
    return WindowSet(inputs, labels, starts)


def tiny_conv1d_net(window=48, channels=6, kernel_size=9, classes=len(PATTERNS)):
    """``Conv1d(1, channels, k, padding=k//2) -> ReLU -> MaxPool1d(window) -> Flatten -> Linear``.

    The max pool over the whole window keeps each kernel's strongest
    response, wherever it is: the network asks "did this detector fire
    anywhere?", then weighs the answers.

    Shape:
        - Input: ``(N, 1, window)`` (``k`` odd keeps the length: ``L_out = window``)
        - Output: ``(N, classes)`` logits
    """
    from . import nn
    return nn.Sequential(
        nn.Conv1d(1, channels, kernel_size, padding=kernel_size // 2),   # (N, channels, window)
        nn.ReLU(),
        nn.MaxPool1d(window),                                            # (N, channels, 1)
        nn.Flatten(),                                                    # (N, channels)
        nn.Linear(channels, classes),
    )


@dataclass
class Conv1dRecipe:
    """A trained tiny 1-D CNN and how well it does.

    Attributes:
        model: the network of :func:`tiny_conv1d_net` (eval mode).
        losses: the training loss of every step.
        train_accuracy, test_accuracy: on the training windows and on fresh
            windows made with another seed.
        steps: optimizer steps taken.
    """
    model: object
    losses: list
    train_accuracy: float
    test_accuracy: float
    steps: int


def train_tiny_conv1d(steps=300, seed=0, window=48, channels=6, kernel_size=9, lr=0.01, batch_size=32,
                      count=800):
    """Train :func:`tiny_conv1d_net` with Adam on :func:`make_windows` data (seeded, about a second).

    Returns:
        A :class:`Conv1dRecipe`.
    """
    from .random import manual_seed
    from .train import Trainer, evaluate
    train = make_windows(count, window, seed=seed)
    test = make_windows(count // 2, window, seed=seed + 10_000)
    manual_seed(seed)
    model = tiny_conv1d_net(window, channels, kernel_size)
    epochs = max(1, -(-int(steps) * batch_size // count))
    trainer = Trainer(model, (train.inputs, train.labels), optimizer="adam", lr=lr, batch_size=batch_size,
                      epochs=epochs, seed=seed, grad_norms=False)
    losses = [trainer.step().loss for _ in range(min(int(steps), trainer.total_steps))]
    model.eval()
    return Conv1dRecipe(model, losses, evaluate(model, train.inputs, train.labels).accuracy,
                        evaluate(model, test.inputs, test.labels).accuracy, len(losses))


def kernel_responses(model, returns):
    """Where each learned kernel fires: ``ReLU(conv(returns))`` of the first two layers.

    Shape:
        - returns: ``(L,)`` (one series of returns)
        - Output: ``(channels, L_out)`` (``L_out = L`` for the tiny net)
    """
    x = np.asarray(returns, dtype=np.float32)[None, None, :]   # (L,) -> (1, 1, L)
    return model[1](model[0](x))[0]                           # (1, C, L) -> (C, L)


def firing_by_pattern(responses, labels):
    """Mean response of each kernel inside each pattern kind's regions.

    Shape:
        - responses: ``(C, L)``; labels: ``(L,)`` ints into :data:`PATTERNS`
        - Output: ``(C, len(PATTERNS))`` (NaN for a kind absent from ``labels``)
    """
    responses, labels = np.asarray(responses, dtype=np.float64), np.asarray(labels)
    out = np.full((responses.shape[0], len(PATTERNS)), np.nan)
    for k in range(len(PATTERNS)):
        inside = labels == k
        if inside.any():
            out[:, k] = responses[:, inside].mean(axis=1)
    return out
