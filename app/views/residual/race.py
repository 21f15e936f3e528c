"""Two networks trained side by side, a little at a time: a plain net and a ResNet of equal depth.

``cnncore.models.plain_net(depth)`` and ``cnncore.models.resnet_small(depth)``
have exactly the same layers; the ResNet adds its input to each block's
output (the shortcut). Each gets its own :class:`cnncore.train.Trainer`
(same data, same order, same seed). :meth:`ResidualRace.advance` takes
steps for a time budget and returns, so a periodic callback can drive it
without threads (the browser has none); the two stay in lock-step (the
plain net steps first, then the ResNet).

After every ResNet step the blocks still hold the split of the gradient
at their input (``BasicBlock.grad_main``/``grad_shortcut``); the race
records their norms.
"""
import math
import time
from dataclasses import dataclass, field

import numpy as np

from cnncore import functional as F, manual_seed, nn
from cnncore.data import load_digits
from cnncore.models import plain_net, resnet_small
from cnncore.train import Trainer

__all__ = ["ResidualRace", "RaceRecord", "check_depth", "training_digits", "gradient_layers", "MODELS"]

MODELS = ("plain", "resnet")


def check_depth(depth):
    """``None`` if ``depth`` builds (6n + 2, n >= 1), else the engine's message (it builds nothing big)."""
    try:
        resnet_small(int(depth), width=1)
    except ValueError as exc:
        return str(exc)
    return None


def training_digits(count, size=14):
    """``count`` training digits (the same number of each class), shrunk to ``size`` pixels.

    28 → 14 is a 2x2 average pooling (``cnncore.functional.avg_pool2d``): four
    times less work per convolution; the networks end with global average
    pooling, so they take any size.

    Shape:
        - images: ``(count, 1, size, size)``; labels: ``(count,)``
    """

    images, labels = load_digits("train")
    per_class = int(count) // 10
    picks = np.stack([np.flatnonzero(labels == c)[:per_class] for c in range(10)], axis=1).reshape(-1)
    images, labels = images[picks], labels[picks]                         # classes interleaved 0..9, 0..9
    if size == 14:
        images = F.avg_pool2d(images, 2)                                  # (N, 1, 28, 28) -> (N, 1, 14, 14)
    elif size != 28:
        raise ValueError(f"size must be 14 or 28, got {size}")
    return np.ascontiguousarray(images, dtype=np.float32), labels


def gradient_layers(model):
    """Names of the main path's convolution and linear layers in model order (input side first).

    The projection shortcuts' 1x1 convolutions (``downsample``) are left out,
    so a plain net and a ResNet of equal depth list the same ``depth`` layers.
    These are keys of ``StepEvent.grad_norms``.
    """
    return [name for name, m in model.named_modules()
            if isinstance(m, (nn.Conv2d, nn.Linear)) and "downsample" not in name]


def _blocks(model):
    return [(name, m) for name, m in model.named_modules() if isinstance(m, nn.BasicBlock)]


def _norm(a):
    return float(np.sqrt(np.sum(np.square(a, dtype=np.float64)))) if a is not None else float("nan")


@dataclass
class RaceRecord:
    """What one network did so far (lists grow by one entry per step)."""
    layers: list
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)        # one {layer: norm} per step
    split: dict = field(default_factory=dict)             # block -> (||grad_main||, ||grad_shortcut||) last step
    diverged: str = ""


class ResidualRace:
    """Train ``plain_net(depth, width)`` and ``resnet_small(depth, width)`` side by side.

    Args:
        depth: ``6n + 2`` (8, 14, 20, 32, ...); width: channels of the first stage.
        steps: optimizer steps for each network; lr, batch_size: SGD with momentum 0.9.
        data: ``(images, labels)``; seed: the same initial weights for a given
            depth, and the same batch order for both networks.

    Raises:
        ValueError: the engine's message for a depth that is not ``6n + 2``.
    """

    def __init__(self, depth, width, data, *, steps=200, lr=0.05, batch_size=16, seed=0,
                 clock=time.perf_counter):

        self.depth, self.width, self.total_steps, self.clock = int(depth), int(width), int(steps), clock
        images, labels = data
        epochs = max(1, math.ceil(self.total_steps * batch_size / len(labels)))
        self.models, self.trainers, self.records = {}, {}, {}
        for key, build in (("plain", plain_net), ("resnet", resnet_small)):
            manual_seed(seed)
            model = build(self.depth, self.width)
            self.models[key] = model
            self.trainers[key] = Trainer(model, (images, labels), optimizer="sgd", lr=lr, momentum=0.9,
                                         batch_size=batch_size, epochs=epochs, seed=seed, grad_norms=True)
            self.records[key] = RaceRecord(layers=gradient_layers(model))

    @property
    def steps_done(self):
        """Steps both networks have taken."""
        return min(len(r.steps) for r in self.records.values())

    @property
    def over(self):
        return self.steps_done >= self.total_steps or all(
            r.diverged or t.done for r, t in zip(self.records.values(), self.trainers.values()))

    def step(self):
        """One optimizer step of each network (a diverged one is left out); returns the new step number."""
        for key in MODELS:
            trainer, record = self.trainers[key], self.records[key]
            if record.diverged or trainer.done or len(record.steps) >= self.total_steps:
                continue
            event = trainer.step()
            if event.kind == "diverged":
                record.diverged = event.reason
                continue
            record.steps.append(event.step)
            record.loss.append(event.loss)
            record.accuracy.append(event.accuracy)
            record.grad_norms.append({name: event.grad_norms.get(name, float("nan")) for name in record.layers})
            record.split = {name: (_norm(b.grad_main), _norm(b.grad_shortcut))
                            for name, b in _blocks(self.models[key])}
        return self.steps_done

    def advance(self, budget=0.08):
        """Steps for about ``budget`` seconds (at least one pair); returns how many pairs were taken."""
        start, taken = self.clock(), 0
        while not self.over:
            self.step()
            taken += 1
            if self.clock() - start >= budget:
                break
        return taken

    def layer_profile(self, key, last=10):
        """Each layer's gradient norm averaged over the last ``last`` steps, input side first.

        Shape:
            - Output: ``(len(layers),)`` (NaN before the first step)
        """
        record = self.records[key]
        if not record.grad_norms:
            return np.full(len(record.layers), np.nan)
        rows = np.array([[g[name] for name in record.layers] for g in record.grad_norms[-last:]])  # (steps, L)
        return rows.mean(axis=0)
