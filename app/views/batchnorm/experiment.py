"""The BatchNorm lab's experiment: the first batch norm layer of a trained network.

Everything is computed by the engine (``cnncore``); this module only wires it.
The *host* network is the pretrained ``resnet_small`` when its weights ship
(its ``bn1``, after the 3x3 stem convolution, 8 channels), else a pretrained
LeNet-5 with a ``BatchNorm2d(6)`` put in after its first convolution:

* the **features**: the first convolution's output on a batch of training
  digits, *before* the ReLU — where a batch norm layer sits (conv → BN → ReLU);
* the **layer**: its ``gamma``/``beta`` are the trained ones (ResNet), or for
  LeNet-5 ``sqrt(var + eps)`` and ``mean`` of the features over 300 training
  digits, so that the inserted layer hands the rest of LeNet-5 what it was
  trained on (it "undoes itself" on average and the network still reads
  digits). Its running statistics start as PyTorch's (mean 0, variance 1)
  and move as batches are fed in training mode;
* **dropout**: ``cnncore.nn.Dropout`` on the layer's output (after ReLU);
* **the order of the two** (Li et al., 2019): both orders measured on the
  same features, the variance BN sees in training and at evaluation.
"""
from dataclasses import dataclass

import numpy as np

from cnncore import functional as F, nn
from cnncore.data import load_digits
from cnncore.models import lenet5, pretrained_models, resnet_small

__all__ = ["BatchNormExperiment", "BatchPick", "VarianceShift", "variance_shift",
           "CALIBRATION_SIZE"]

CALIBRATION_SIZE = 300        # training digits behind the initial gamma and beta
SHIFT_POOL = 256              # training digits the order experiment draws its batches from


@dataclass
class BatchPick:
    """One batch of training digits: ``index`` into the training set.

    Shape:
        - images: ``(N, 1, 28, 28)``; labels: ``(N,)``
    """
    number: int
    index: np.ndarray
    images: np.ndarray
    labels: np.ndarray


@dataclass
class VarianceShift:
    """What each order measured (means over the channels of per-channel variances).

    ``seen_train``/``seen_eval``: the variance of the values entering BN
    (``bn.batch_var``) in training / evaluation mode; ``running``: the
    running variance BN divides by at evaluation; ``after_train``/
    ``after_eval``: the variance of BN's output; ``out_train``/``out_eval``:
    of the pair's output (what the next layer receives).
    """
    order: str
    seen_train: float
    seen_eval: float
    running: float
    after_train: float
    after_eval: float
    out_train: float
    out_eval: float

    @property
    def shift(self):
        """``seen_eval / seen_train``: 1 means BN sees at test time what it learned from."""
        return self.seen_eval / self.seen_train


def _channel_var(x):
    """Per-channel variance over batch and positions, averaged over the channels."""
    return float(np.mean(np.var(np.asarray(x, dtype=np.float64), axis=(0, 2, 3))))


def variance_shift(features, p, order, batches=20, batch_size=32, seed=0):
    """Train a fresh ``BatchNorm2d`` with ``Dropout(p)`` in ``order``, then measure both modes.

    ``order`` is ``"dropout_bn"`` (Dropout then BN: the variance shift of
    Li et al.) or ``"bn_dropout"`` (BN then Dropout). The BN layer
    (``momentum=None``: a plain average over the batches) sees ``batches``
    batches in training mode, then the same batches in evaluation mode.

    Shape:
        - features: ``(M, C, H, W)``, ``M >= batch_size``
    """

    features = np.asarray(features)
    channels = features.shape[1]
    bn = nn.BatchNorm2d(channels, momentum=None, dtype=features.dtype)
    drop = nn.Dropout(p, generator=np.random.default_rng(seed))
    pair = nn.Sequential(drop, bn) if order == "dropout_bn" else nn.Sequential(bn, drop)
    rng = np.random.default_rng(seed + 1)
    picks = [rng.choice(len(features), batch_size, replace=False) for _ in range(batches)]
    measured = {}
    for mode in ("train", "eval"):
        pair.train(mode == "train")
        seen, after, out = [], [], []
        for index in picks:
            y = pair(features[index])
            seen.append(float(np.mean(bn.batch_var)))
            after.append(_channel_var(_bn_output(pair, order, y)))
            out.append(_channel_var(y))
        measured[mode] = (np.mean(seen), np.mean(after), np.mean(out))
    return VarianceShift(order, measured["train"][0], measured["eval"][0], float(np.mean(bn.running_var)),
                         measured["train"][1], measured["eval"][1], measured["train"][2], measured["eval"][2])


def _bn_output(pair, order, y):
    """BN's own output: the pair's output (Dropout then BN) or BN's input to the dropout (BN then Dropout)."""
    if order == "dropout_bn":
        return y
    bn = pair[0]
    return bn.normalized * bn.weight.data[None, :, None, None] + bn.bias.data[None, :, None, None]


class BatchNormExperiment:
    """A trained network's first batch norm layer, to experiment with (see the module docstring).

    Args:
        host: ``"resnet_small"``, ``"lenet5"`` or ``"auto"`` (ResNet if its weights ship).

    Attributes:
        conv: the first ``Conv2d``; ``bn``: the lab's ``BatchNorm2d(C)``;
            ``model``: the whole network, ``bn`` inside it;
        base_gamma, base_beta: the ``(C,)`` starting values (trained or calibrated);
        fed: batches fed so far (each moved the running statistics);
        history: ``[(running_mean, running_var, batch_mean, batch_var)]`` after each feed.
    """

    def __init__(self, host="auto"):

        self.images, self.labels = load_digits("train")
        resnet = None
        if host in ("auto", "resnet_small"):
            try:
                resnet = resnet_small(pretrained="resnet_small" in pretrained_models())
            except Exception:              # weights that do not load: LeNet-5 instead (auto), or the error
                if host == "resnet_small":
                    raise
            if host == "auto":
                host = "resnet_small" if resnet is not None and "resnet_small" in pretrained_models() else "lenet5"
        self.host = host
        if host == "resnet_small":         # a trained network with batch norm: use its first BN layer
            self.model = resnet.eval()
            self.conv, self.bn = self.model.conv1, self.model.bn1
            self.base_gamma, self.base_beta = self.bn.weight.data.copy(), self.bn.bias.data.copy()
        else:                              # LeNet-5 with a batch norm layer put in after conv1
            base = lenet5(pretrained="lenet5" in pretrained_models())
            layers = list(base)
            self.conv = layers[0]
            self.bn = nn.BatchNorm2d(layers[0].out_channels)
            self.model = nn.Sequential(self.conv, self.bn, *layers[1:]).eval()
            self.base_gamma, self.base_beta = self._calibrate()
        self.channels = self.bn.num_features
        self.trained_running = (self.bn.running_mean.copy(), self.bn.running_var.copy())
        self.reset_gamma_beta()
        self.fed, self.history = 0, []
        self.shift_features = None

    # -- gamma and beta ---------------------------------------------------------
    def _calibrate(self):
        """``sqrt(var + eps)`` and ``mean`` of the features over the first training digits (a BN probe)."""

        probe = nn.BatchNorm2d(self.bn.num_features, affine=False, track_running_stats=False)
        probe(self.features(self.images[:CALIBRATION_SIZE]))
        return np.sqrt(probe.batch_var + probe.eps).astype(np.float32), probe.batch_mean.astype(np.float32)

    def reset_gamma_beta(self):
        self.set_gamma_beta(self.base_gamma, self.base_beta)

    def set_gamma_beta(self, gamma, beta):
        """Set ``bn.weight`` (gamma) and ``bn.bias`` (beta), each ``(6,)``."""
        self.bn.weight.data = np.asarray(gamma, dtype=np.float32).reshape(self.channels).copy()
        self.bn.bias.data = np.asarray(beta, dtype=np.float32).reshape(self.channels).copy()

    # -- data -----------------------------------------------------------------------
    def features(self, images):
        """The first convolution's output, before ReLU: ``(N, 1, 28, 28) -> (N, C, 28, 28)``."""
        return self.conv(np.asarray(images, dtype=np.float32))

    def batch(self, number, size, digit=None):
        """Batch ``number`` (a fixed draw for each number): ``size`` training digits, all of
        class ``digit`` if given."""
        rng = np.random.default_rng(int(number))
        pool = np.arange(len(self.labels)) if digit is None else np.flatnonzero(self.labels == int(digit))
        index = np.sort(rng.choice(pool, int(size), replace=False))
        return BatchPick(int(number), index, self.images[index], self.labels[index])

    # -- the layer ------------------------------------------------------------------
    def normalize(self, images, training):
        """Run the features through ``bn`` in training or evaluation mode, *without*
        touching the running statistics. Returns ``(features, output)``; afterwards
        ``bn.batch_mean``, ``bn.batch_var`` and ``bn.normalized`` describe this batch."""
        x = self.features(images)
        saved = self._buffers()
        self.bn.train(training)
        try:
            y = self.bn(x)
        finally:
            self._restore(saved)
            self.bn.eval()
        return x, y

    def feed(self, images, momentum):
        """One training-mode forward pass: the running statistics move towards this batch's."""
        self.bn.momentum = momentum
        self.bn.train()
        try:
            self.bn(self.features(images))
        finally:
            self.bn.eval()
        self.fed += 1
        self.history.append((self.bn.running_mean.copy(), self.bn.running_var.copy(),
                             self.bn.batch_mean.copy(), self.bn.batch_var.copy()))

    def reset_running(self):
        """Running statistics back to PyTorch's start: mean 0, variance 1, no batches seen."""
        self.bn.running_mean = np.zeros(self.channels, np.float32)
        self.bn.running_var = np.ones(self.channels, np.float32)
        self.bn.num_batches_tracked = np.array(0, dtype=np.int64)
        self.fed, self.history = 0, []

    def use_trained_running(self):
        """The running statistics the host network was trained with (for LeNet-5: the calibration's)."""
        if self.host == "resnet_small":
            self.bn.running_mean, self.bn.running_var = (a.copy() for a in self.trained_running)
        else:
            self.bn.running_mean = self.base_beta.copy()
            self.bn.running_var = (self.base_gamma.astype(np.float64) ** 2 - self.bn.eps).astype(np.float32)

    def _buffers(self):
        return (self.bn.running_mean.copy(), self.bn.running_var.copy(), self.bn.num_batches_tracked.copy())

    def _restore(self, saved):
        self.bn.running_mean, self.bn.running_var, self.bn.num_batches_tracked = saved

    # -- predictions ------------------------------------------------------------------
    def predict(self, images, training):
        """LeNet-5's digits for the batch, with ``bn`` in training (batch statistics) or
        evaluation (running statistics) mode; the running statistics are not changed."""
        saved = self._buffers()
        self.bn.train(training)
        try:
            logits = self.model(np.asarray(images, dtype=np.float32))            # (N, 10)
        finally:
            self._restore(saved)
            self.bn.eval()
        return np.argmax(logits, axis=1)

    # -- dropout ------------------------------------------------------------------------
    def dropout(self, x, p, seed, training):
        """``cnncore.nn.Dropout(p)`` on ``x``; returns ``(output, mask or None)``."""

        drop = nn.Dropout(p, generator=np.random.default_rng(int(seed)))
        drop.train(training)
        return drop(x), drop.mask

    # -- the order of BN and dropout ------------------------------------------------
    def order_experiment(self, p, batches=20, batch_size=32, seed=0):
        """``{order: VarianceShift}`` for both orders on ReLU'd features of training digits."""

        if self.shift_features is None:
            self.shift_features = F.relu(self.features(self.images[:SHIFT_POOL]))     # (M, 6, 28, 28)
        return {order: variance_shift(self.shift_features, p, order, batches, batch_size, seed)
                for order in ("dropout_bn", "bn_dropout")}
