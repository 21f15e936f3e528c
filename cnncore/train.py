"""The training loop: one optimizer step at a time, so a UI can watch it learn.

Training a network is a loop of the same five lines::

    logits = model(images)                  # forward
    loss = criterion.forward(logits, labels)
    optimizer.zero_grad()
    model.backward(criterion.backward())    # backward: fills every p.grad
    optimizer.step()                        # p -= lr * (a function of) p.grad

:class:`Trainer` runs exactly those lines, one mini-batch per call of
:meth:`Trainer.step`, and reports what happened as small event objects
(loss, accuracy, learning rate, gradient sizes, speed). It never runs on
its own: the browser calls ``step()`` from a periodic callback, so
*pausing is simply not calling* ``step()`` and *resuming is calling it
again*; nothing is lost in between. :func:`fit` wraps the same loop as a
Python generator for scripts.

Around the five lines the trainer only adds bookkeeping: the order of the
examples (shuffled each epoch by a seeded generator, so the same seed gives
bit-identical runs), a watch on the loss and accuracy
(:class:`~cnncore.divergence.DivergenceWatch`: a loss that becomes NaN or
infinite, rises far above its best, or an accuracy that falls to chance
stops the run), a copy of the last *good* weights (taken while the recent
loss is at its best, and put back when the run diverges: a too-high
learning rate never destroys a model), and evaluation on the test set.
"""
import math
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

import numpy as np

from . import optim
from . import random as _random
from .divergence import DivergenceWatch, chance_accuracy
from .errors import ShapeError
from .nn.container import Sequential
from .nn.loss import CrossEntropyLoss

__all__ = ['Trainer', 'fit', 'evaluate', 'predict_proba', 'EvalResult', 'History',
           'StepEvent', 'EpochEvent', 'EvalEvent', 'DivergedEvent', 'FinishedEvent']

DEFAULT_LR = {"sgd": 0.01, "adam": 0.001}
SPEED_WINDOW = 20   # steps the speed and the time left are measured over


# --------------------------------------------------------------------------
# Events: what one call of Trainer.step() reports
# --------------------------------------------------------------------------
@dataclass
class StepEvent:
    """One optimizer step was taken.

    ``step`` counts steps done so far (1 for the first); ``epoch`` is the
    epoch this step belongs to (1 for the first); ``batch_index`` is the
    mini-batch's position in that epoch (0 to ``batches_per_epoch - 1``).
    ``loss``/``accuracy`` are this batch's (measured in training mode, before
    the update); ``running_loss``/``running_accuracy`` average every batch
    of the current epoch so far (weighted by batch size). ``lr`` is the
    learning rate this step used. ``grad_norms`` maps each layer with a
    weight (its name in the model, e.g. ``"0"`` or ``"features.3"``) to the
    L2 norm of the gradient of that weight. ``examples_per_second`` is the
    examples of the last :data:`SPEED_WINDOW` steps over the time they took;
    ``elapsed`` counts only time spent inside the trainer (paused time does
    not count); ``eta_seconds`` estimates the time left for the remaining
    steps; ``progress`` runs from 0 to 1.
    """
    step: int
    epoch: int
    batch_index: int
    batches_per_epoch: int
    batch_size: int
    loss: float
    accuracy: float
    running_loss: float
    running_accuracy: float
    lr: float
    grad_norms: dict
    examples_per_second: float
    elapsed: float
    eta_seconds: float
    progress: float
    total_steps: int
    kind: str = "step"


@dataclass
class EpochEvent:
    """An epoch (one pass over the training set) ended; ``loss`` and
    ``accuracy`` average all of its batches."""
    epoch: int
    step: int
    loss: float
    accuracy: float
    elapsed: float
    kind: str = "epoch"


@dataclass
class EvalEvent:
    """The model was evaluated on the test set after ``step`` steps.

    ``confusion[i, j]`` counts test images of class ``i`` predicted as ``j``;
    ``result`` holds everything, including each image's prediction.
    """
    step: int
    epoch: int
    loss: float
    accuracy: float
    confusion: np.ndarray
    result: "EvalResult"
    kind: str = "eval"


@dataclass
class DivergedEvent:
    """Training blew up at ``step`` and was stopped; the last good weights were
    restored, so the model is exactly as it was after ``restored_step`` steps
    (0 = the initial weights). Good weights are the ones of a step whose
    recent loss was at (or near) its best: ``restored_loss`` and
    ``restored_accuracy`` are that recent loss and training accuracy.

    ``reason`` is a sentence for the user; ``cause`` is one of
    ``'nan_loss'``, ``'inf_loss'``, ``'loss_exploded'``, ``'loss_rose'``,
    ``'fell_to_chance'``, ``'dead_output'``, ``'nonfinite_grad'``,
    ``'nonfinite_weights'``. ``recent_loss``/``recent_accuracy`` average the
    last batches, ``best_loss`` is the lowest recent loss, ``chance`` the
    accuracy of guessing. ``suggested_lr`` is a learning rate to try instead:
    the one the good weights were trained with if that was lower, else a
    tenth of ``lr``.
    """
    step: int
    epoch: int
    reason: str
    cause: str
    loss: float
    lr: float
    restored_step: int
    suggested_lr: float = math.nan
    restored_loss: float = math.nan
    restored_accuracy: float = math.nan
    recent_loss: float = math.nan
    recent_accuracy: float = math.nan
    best_loss: float = math.nan
    chance: float = math.nan
    kind: str = "diverged"


@dataclass
class FinishedEvent:
    """The run is over: ``reason`` is ``'completed'`` (all epochs done),
    ``'stopped'`` (:meth:`Trainer.stop`) or ``'diverged'``."""
    step: int
    epoch: int
    reason: str
    elapsed: float
    kind: str = "finished"


@dataclass
class EvalResult:
    """What :func:`evaluate` measured.

    Shape:
        - confusion: ``(C, C)`` int64, rows = true class, columns = predicted
        - predictions: ``(N,)`` int64; labels: ``(N,)``
        - probabilities: ``(N, C)`` softmax of the logits
    """
    loss: float
    accuracy: float
    confusion: np.ndarray
    predictions: np.ndarray
    probabilities: np.ndarray
    labels: np.ndarray


@dataclass
class History:
    """Everything a run measured, as plain lists (ready for plotting).

    Per step (all of equal length): ``step``, ``loss``, ``accuracy``,
    ``running_loss``, ``running_accuracy``, ``lr``, ``examples_per_second``,
    and ``grad_norms[layer]``. Per evaluation: ``eval_step``, ``eval_loss``,
    ``eval_accuracy``. Per epoch: ``epoch``, ``epoch_loss``, ``epoch_accuracy``.
    """
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    running_loss: list = field(default_factory=list)
    running_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    examples_per_second: list = field(default_factory=list)
    grad_norms: dict = field(default_factory=dict)
    eval_step: list = field(default_factory=list)
    eval_loss: list = field(default_factory=list)
    eval_accuracy: list = field(default_factory=list)
    epoch: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    epoch_accuracy: list = field(default_factory=list)


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------
def _log_softmax(logits):
    """``log(softmax(z)) = z - max(z) - log(sum(exp(z - max(z))))``, row by row (stable)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class _modes:
    """Put every module of ``model`` in training or eval mode, and put each
    back as it was afterwards (a model may mix modes, e.g. frozen BatchNorm)."""

    def __init__(self, model, training):
        self.model, self.training = model, training

    def __enter__(self):
        self.saved = [(m, m.training) for m in self.model.modules()]
        self.model.train(self.training)

    def __exit__(self, *exc):
        for m, mode in self.saved:
            object.__setattr__(m, "training", mode)


def _batched_logits(model, images, batch_size):
    """The model's logits for all ``images``, ``batch_size`` at a time, in eval mode."""
    dtype = _model_dtype(model)
    with _modes(model, False):
        parts = [model(np.asarray(images[i:i + batch_size], dtype=dtype))
                 for i in range(0, len(images), batch_size)]
    return np.concatenate(parts, axis=0)  # (N, C)


def predict_proba(model, images, batch_size=256):
    """Class probabilities (softmax of the logits), computed in eval mode.

    Shape:
        - images: ``(N, C, H, W)``
        - Output: ``(N, num_classes)``, each row sums to 1
    """
    return np.exp(_log_softmax(_batched_logits(model, images, batch_size)))


def evaluate(model, images, labels, batch_size=256):
    """Loss, accuracy and confusion matrix of ``model`` on a labelled set.

    Runs in eval mode (dropout off, BatchNorm uses its running statistics)
    and leaves every module in the mode it was in. The loss is the mean
    cross-entropy ``-log p(true class)``.

    Shape:
        - images: ``(N, C, H, W)``; labels: ``(N,)`` integers in ``[0, num_classes)``
    """
    images, labels = _check_pair(images, labels, "evaluate")
    logits = _batched_logits(model, images, batch_size)                   # (N, C)
    log_p = _log_softmax(logits)
    n, c = log_p.shape
    predictions = log_p.argmax(axis=1).astype(np.int64)
    loss = float(-log_p[np.arange(n), labels].mean())
    confusion = np.bincount(labels * c + predictions, minlength=c * c)    # (C*C,)
    confusion = confusion.reshape(c, c).astype(np.int64)                   # rows true, columns predicted
    return EvalResult(loss=loss, accuracy=float((predictions == labels).mean()), confusion=confusion,
                      predictions=predictions, probabilities=np.exp(log_p), labels=labels)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _model_dtype(model):
    for p in model.parameters():
        return p.data.dtype
    return np.dtype(np.float32)


def _check_pair(images, labels, who):
    images = np.asarray(images)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(images) != len(labels):
        raise ShapeError(f"{who}: expected images (N, ...) and labels (N,), got shapes "
                         f"{tuple(images.shape)} and {tuple(labels.shape)}")
    if len(images) == 0:
        raise ShapeError(f"{who}: the data set is empty")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ShapeError(f"{who}: labels must be integers, got {labels.dtype}")
    return images, labels.astype(np.int64, copy=False)


def _unpack(data, who):
    """``(images, labels)``, a dict with those keys, or an object with those attributes."""
    if isinstance(data, dict):
        return _check_pair(data["images"], data["labels"], who)
    if hasattr(data, "images") and hasattr(data, "labels"):
        return _check_pair(data.images, data.labels, who)
    images, labels = data
    return _check_pair(images, labels, who)


def _first_layer(model):
    """The layer that sees the raw image, if it can skip computing dL/dimage.

    Follows the first child of nested ``Sequential`` containers down to a
    leaf; returns it only if it has ``needs_input_grad`` (Conv2d, Linear).
    Anything else (a branching block first, or a Flatten before the Linear,
    whose backward would receive ``None``) is left alone.
    """
    layer = model
    while isinstance(layer, Sequential) and len(layer):
        layer = layer[0]
    return layer if hasattr(layer, "needs_input_grad") else None


class _rng_swapped:
    """Use ``generator`` as the engine's random generator (dropout) inside the block.

    The trainer keeps its own generator, so whatever else draws random
    numbers between two steps (the UI sampling images) cannot change the
    run: paused-and-resumed equals uninterrupted.
    """

    def __init__(self, generator):
        self.generator = generator

    def __enter__(self):
        self.saved = _random._rng
        _random._rng = self.generator

    def __exit__(self, *exc):
        _random._rng = self.saved


def _make_schedule(schedule, optimizer, total_steps, batches_per_epoch, epochs):
    """A scheduler from :mod:`cnncore.optim`, stepped once per optimizer step.

    ``'cosine'``: ``CosineAnnealingLR(T_max=total_steps)``, from ``lr`` down
    to (almost) 0 over the run. ``'step'``: ``StepLR`` multiplying ``lr`` by
    0.1 every ``ceil(epochs / 3)`` epochs.
    """
    if schedule is None:
        return None
    if schedule == "cosine":
        return optim.CosineAnnealingLR(optimizer, T_max=total_steps)
    if schedule == "step":
        every = max(1, math.ceil(epochs / 3))
        return optim.StepLR(optimizer, step_size=every * batches_per_epoch, gamma=0.1)
    raise ValueError(f"schedule must be None, 'cosine' or 'step', got {schedule!r}")


def _make_optimizer(optimizer, params, lr, momentum, weight_decay):
    if not isinstance(optimizer, str):
        if lr is not None:
            optimizer.lr = float(lr)
        return optimizer
    name = optimizer.lower()
    if name not in DEFAULT_LR:
        raise ValueError(f"optimizer must be 'sgd', 'adam' or an optimizer object, got {optimizer!r}")
    lr = DEFAULT_LR[name] if lr is None else float(lr)
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    return optim.Adam(params, lr=lr, weight_decay=weight_decay)


def _sum_of_squares(a):
    """``sum(a**2)`` in one pass (NaN or Inf if any entry is)."""
    a = a.ravel()  # vdot needs 1-D; ravel copies only when a is not contiguous
    return float(np.vdot(a, a))


# --------------------------------------------------------------------------
# The trainer
# --------------------------------------------------------------------------
class Trainer:
    """Trains ``model`` on ``train_data`` one optimizer step per :meth:`step` call.

    Args:
        model: a cnncore Module whose output is ``(N, num_classes)`` logits.
        train_data: ``(images, labels)`` (or a dict / object with ``images``
            and ``labels``): images ``(N, C, H, W)``, integer labels ``(N,)``.
        test_data: the same form, evaluated every ``eval_every`` steps
            (default: at the end of each epoch) and at the end of the run.
        optimizer: ``'sgd'`` (with ``momentum``), ``'adam'``, or an optimizer
            object already built over ``model.parameters()``.
        lr: learning rate (default 0.01 for SGD, 0.001 for Adam; for an
            optimizer object, its own unless given).
        momentum, weight_decay: passed to the optimizer built from a name.
        batch_size: examples per step; the last batch of an epoch holds the
            remainder (``batches_per_epoch = ceil(N / batch_size)``).
        epochs: passes over the training set.
        augment: ``augment(images, rng) -> images`` applied to each batch,
            with the trainer's own seeded ``numpy.random.Generator``.
        schedule: ``None`` (constant learning rate), ``'cosine'`` or ``'step'``
            (an :mod:`cnncore.optim` scheduler stepped after every
            optimizer step; see ``_make_schedule``); available as ``scheduler``.
        seed: seeds the shuffling, augmentation and dropout: the same seed
            (and the same initial weights) gives bit-identical runs.
        eval_every: evaluate every this many steps instead of every epoch.
        grad_norms: measure each layer's weight-gradient norm every step.
        loss_limit: a loss above this counts as divergence (default
            ``1000 * max(first loss, ln(num_classes))``).
        eval_batch_size: batch size of the evaluations.

    Driving it::

        trainer = Trainer(model, (x, y), test_data=(xt, yt), lr=0.05)
        event = trainer.step()          # one optimizer step -> StepEvent (or DivergedEvent)
        trainer.last_events             # [that event, then any EpochEvent/EvalEvent/FinishedEvent]
        trainer.lr = 0.01               # takes effect at the next step
        trainer.run(100)                # up to 100 steps -> all their events
        for event in trainer.events():  # or a generator over the rest of the run
            ...

    To pause, stop calling ``step()``; to resume, call it again: the run
    continues exactly as if it had not paused. :meth:`stop` ends the run.
    Between steps the model is left in the mode (train/eval) it was in, and
    its first layer still computes input gradients (saliency maps work).
    """

    def __init__(self, model, train_data, *, test_data=None, optimizer="sgd", lr=None, momentum=0.9,
                 weight_decay=0.0, batch_size=64, epochs=5, augment=None, schedule=None, seed=0,
                 eval_every=None, grad_norms=True, loss_limit=None, eval_batch_size=256):
        self.model = model
        self.images, self.labels = _unpack(train_data, "Trainer train_data")
        self.test_data = None if test_data is None else _unpack(test_data, "Trainer test_data")
        if int(batch_size) < 1 or int(epochs) < 1:
            raise ValueError(f"batch_size and epochs must be at least 1, got {batch_size} and {epochs}")
        if eval_every is not None and int(eval_every) < 1:
            raise ValueError(f"eval_every must be at least 1 step, got {eval_every}")
        if schedule not in (None, "cosine", "step"):
            raise ValueError(f"schedule must be None, 'cosine' or 'step', got {schedule!r}")
        self.batch_size, self.epochs = int(batch_size), int(epochs)
        self.batches_per_epoch = math.ceil(len(self.images) / self.batch_size)
        self.total_steps = self.batches_per_epoch * self.epochs
        self.augment, self.schedule, self.seed = augment, schedule, seed
        self.eval_every = None if eval_every is None else int(eval_every)
        self.eval_batch_size = int(eval_batch_size)
        self.measure_grad_norms = bool(grad_norms)
        self.loss_limit = loss_limit
        self.criterion = CrossEntropyLoss()
        self.params = list(model.named_parameters())
        self.optimizer = _make_optimizer(optimizer, [p for _, p in self.params], lr, momentum, weight_decay)
        self.scheduler = _make_schedule(schedule, self.optimizer, self.total_steps, self.batches_per_epoch,
                                        self.epochs)
        # Three independent streams from one seed: order, augmentation, dropout.
        order, augmentation, dropout = np.random.SeedSequence(seed).spawn(3)
        self._order_rng = np.random.default_rng(order)
        self._augment_rng = np.random.default_rng(augmentation)
        self._dropout_rng = np.random.default_rng(dropout)
        self._weighted = [(name, m.weight) for name, m in model.named_modules()
                          if "weight" in m._parameters and m.weight is not None]
        self._first = _first_layer(model)
        self._snapshot = None
        self._good = None                 # the last good weights: (arrays, steps done, lr, loss, accuracy)
        self.chance = chance_accuracy(self.labels)
        self.watch = DivergenceWatch(self.chance, self.batch_size)
        self._order = None
        self.last_batch = None  # indices (into the training set) of the last step's examples
        self.steps_done = 0
        self.done = False
        self.finish_reason = None
        self.history = History(grad_norms={name or type(model).__name__: [] for name, _ in self._weighted})
        self.last_events = []
        self.elapsed = 0.0
        self._recent = deque(maxlen=SPEED_WINDOW)   # (examples, seconds) of the last steps
        self._eval_seconds = 0.0          # the last evaluation's
        self._epoch_loss = self._epoch_correct = 0.0
        self._epoch_seen = 0
        self._pending_finish = None

    # -- the learning rate -------------------------------------------------
    @property
    def lr(self):
        """The learning rate the next step will use (the optimizer's ``lr``).

        Setting it changes the optimizer's ``lr`` at once, so it takes effect
        at the next step. With a schedule, the schedule carries on from the
        new value (the schedulers scale the current rate).
        """
        return float(self.optimizer.lr)

    @lr.setter
    def lr(self, value):
        value = float(value)
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"the learning rate must be a number >= 0, got {value}")
        self.optimizer.lr = value

    # -- where we are ------------------------------------------------------
    @property
    def epoch(self):
        """The epoch the next step belongs to (1-based)."""
        return min(self.steps_done // self.batches_per_epoch, self.epochs - 1) + 1

    @property
    def last_epoch(self):
        """The epoch of the last step taken (1-based; 0 before the first step)."""
        return (self.steps_done - 1) // self.batches_per_epoch + 1 if self.steps_done else 0

    @property
    def progress(self):
        """Fraction of the run done, 0 to 1."""
        return self.steps_done / self.total_steps

    # -- one step ----------------------------------------------------------
    def step(self):
        """Take exactly one optimizer step on the next mini-batch.

        Returns its :class:`StepEvent`, or a :class:`DivergedEvent` if the
        step blew up (the weights are then restored and the run is over).
        ``self.last_events`` lists that event followed by whatever it
        triggered: :class:`EpochEvent`, :class:`EvalEvent`,
        :class:`FinishedEvent`.

        Raises:
            RuntimeError: if the run is already over (``done``).
        """
        if self.done:
            raise RuntimeError(f"training is over ({self.finish_reason}); build a new Trainer to train more")
        start = time.perf_counter()
        epoch, batch_index = divmod(self.steps_done, self.batches_per_epoch)
        if batch_index == 0:
            self._order = self._order_rng.permutation(len(self.images))
            self._epoch_loss = self._epoch_correct = 0.0
            self._epoch_seen = 0
        index = self._order[batch_index * self.batch_size:(batch_index + 1) * self.batch_size]
        self.last_batch = index
        images, labels = self.images[index], self.labels[index]
        if self.augment is not None:
            images = self.augment(images, self._augment_rng)
        images = np.asarray(images, dtype=_model_dtype(self.model))
        lr = float(self.optimizer.lr)

        self._save_snapshot()
        loss, logits = self._forward_backward(images, labels)
        problem = self._check_loss(loss, logits.shape[1]) or self._check_grads()
        if problem is None:
            verdict = self.watch.update(loss, logits, labels)
            if verdict.cause is not None:
                problem = verdict.cause, verdict.what
            elif verdict.good:
                self._keep_good(lr)
        norms = self._grad_norms() if problem is None and self.measure_grad_norms else {}
        if problem is None:
            with np.errstate(over="ignore", invalid="ignore"):
                self.optimizer.step()
            problem = self._check_weights()
        if problem is not None:
            return self._diverged(problem, loss, lr, epoch + 1, time.perf_counter() - start)

        if self.scheduler is not None:
            self.scheduler.step()  # the learning rate of the next step

        # Bookkeeping: the model has learned from one more batch.
        self.steps_done += 1
        n = len(labels)
        correct = int((logits.argmax(axis=1) == labels).sum())
        self._epoch_loss += loss * n
        self._epoch_correct += correct
        self._epoch_seen += n
        seconds = time.perf_counter() - start
        self.elapsed += seconds
        self._recent.append((n, seconds))
        event = StepEvent(
            step=self.steps_done, epoch=epoch + 1, batch_index=batch_index,
            batches_per_epoch=self.batches_per_epoch, batch_size=n, loss=loss, accuracy=correct / n,
            running_loss=self._epoch_loss / self._epoch_seen,
            running_accuracy=self._epoch_correct / self._epoch_seen, lr=lr, grad_norms=norms,
            examples_per_second=self._examples_per_second(), elapsed=self.elapsed,
            eta_seconds=self._eta(),
            progress=self.progress, total_steps=self.total_steps)
        self._record(event)
        self.last_events = [event]
        self._after_step(event)
        return event

    def _seconds_per_step(self):
        """Mean time of the last steps (0.0 before the first)."""
        return sum(s for _, s in self._recent) / len(self._recent) if self._recent else 0.0

    def _examples_per_second(self):
        """Examples of the last steps over the time they took: a ratio of sums, so one step
        timed at almost nothing (a coarse clock) cannot inflate it."""
        seconds = sum(s for _, s in self._recent)
        return sum(n for n, _ in self._recent) / seconds if seconds > 0 else 0.0

    def _eta(self):
        """Seconds left: the remaining steps at the recent mean step time, plus the
        remaining evaluations at the last evaluation's time."""
        left = self.total_steps - self.steps_done
        evals = 0
        if self.test_data is not None and left:
            every = self.batches_per_epoch if self.eval_every is None else self.eval_every
            evals = self.total_steps // every - self.steps_done // every + (self.total_steps % every != 0)
        return left * self._seconds_per_step() + evals * self._eval_seconds

    def _forward_backward(self, images, labels):
        """The five lines: forward, loss, zero_grad, backward (the update is separate)."""
        first_needs = self._first.needs_input_grad if self._first is not None else None
        try:
            with _modes(self.model, True), _rng_swapped(self._dropout_rng), \
                    np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if self._first is not None:
                    self._first.needs_input_grad = False  # nobody needs dL/d(image) here
                logits = self.model(images)                                # (N, num_classes)
                loss = float(self.criterion.forward(logits, labels))
                self.optimizer.zero_grad()
                self.model.backward(self.criterion.backward())
        finally:
            if self._first is not None:
                self._first.needs_input_grad = first_needs
        return loss, logits

    def _after_step(self, event):
        """Epoch end, evaluation and the end of the run."""
        epoch_ended = event.batch_index == self.batches_per_epoch - 1
        finished = self.steps_done == self.total_steps
        if epoch_ended:
            e = EpochEvent(epoch=event.epoch, step=self.steps_done, loss=event.running_loss,
                           accuracy=event.running_accuracy, elapsed=self.elapsed)
            self.history.epoch.append(e.epoch)
            self.history.epoch_loss.append(e.loss)
            self.history.epoch_accuracy.append(e.accuracy)
            self.last_events.append(e)
        if self.test_data is not None:
            due = (epoch_ended if self.eval_every is None else self.steps_done % self.eval_every == 0)
            if due or finished:
                self.last_events.append(self.evaluate_now())
        if finished:
            self.last_events.append(self._finish("completed"))

    def evaluate_now(self):
        """Evaluate on the test set now; returns (and records) an :class:`EvalEvent`."""
        if self.test_data is None:
            raise ValueError("this Trainer has no test_data to evaluate on")
        start = time.perf_counter()
        result = evaluate(self.model, *self.test_data, batch_size=self.eval_batch_size)
        self._eval_seconds = time.perf_counter() - start
        self.elapsed += self._eval_seconds
        self.history.eval_step.append(self.steps_done)
        self.history.eval_loss.append(result.loss)
        self.history.eval_accuracy.append(result.accuracy)
        return EvalEvent(step=self.steps_done, epoch=self.last_epoch, loss=result.loss, accuracy=result.accuracy,
                         confusion=result.confusion, result=result)

    def _record(self, event):
        h = self.history
        h.step.append(event.step)
        h.loss.append(event.loss)
        h.accuracy.append(event.accuracy)
        h.running_loss.append(event.running_loss)
        h.running_accuracy.append(event.running_accuracy)
        h.lr.append(event.lr)
        h.examples_per_second.append(event.examples_per_second)
        for name, values in h.grad_norms.items():
            values.append(event.grad_norms.get(name, math.nan))

    # -- divergence ----------------------------------------------------------
    def _save_snapshot(self):
        """Copy every parameter and buffer (into the same arrays each step: no allocation)."""
        state = [p.data for _, p in self.params] + [b for _, b in self.model.named_buffers()]
        if self._snapshot is None or len(self._snapshot) != len(state) or any(
                s.shape != a.shape or s.dtype != a.dtype for s, a in zip(self._snapshot, state)):
            self._snapshot = [np.array(a, copy=True) for a in state]
        else:
            for s, a in zip(self._snapshot, state):
                np.copyto(s, a)

    def _keep_good(self, lr):
        """The weights before this step are good (the recent loss is at its best): keep them.

        The copy made before the step becomes the good one (no new copy: the two sets of
        arrays swap roles, and the next step's copy goes into the old good arrays)."""
        old = self._good[0] if self._good is not None else None
        self._good = (self._snapshot, self.steps_done, lr, self.watch.recent_loss, self.watch.recent_accuracy)
        self._snapshot = old

    def _restore_snapshot(self):
        """Put back the last good weights and buffers (or, if none yet, those from before this step)."""
        arrays = iter(self._good[0] if self._good is not None else self._snapshot)
        for _, p in self.params:
            p.data = next(arrays).copy()
            p.grad = None
        for module in self.model.modules():
            for name in module._buffers:
                object.__setattr__(module, name, next(arrays).copy())

    def _check_loss(self, loss, num_classes):
        if math.isnan(loss):
            return "nan_loss", "Loss became NaN"
        if math.isinf(loss):
            return "inf_loss", "Loss became infinite"
        if self.loss_limit is None:  # set from the first step's loss
            self.loss_limit = 1000.0 * max(loss, math.log(max(num_classes, 2)))
        if loss > self.loss_limit:
            return "loss_exploded", f"Loss exploded to {loss:.3g} (the limit is {self.loss_limit:.3g})"
        return None

    def _check_grads(self):
        for name, p in self.params:
            if p.grad is not None and not math.isfinite(_sum_of_squares(p.grad)):
                if np.isfinite(p.grad).all():
                    continue  # finite but too large to square: not a NaN
                return "nonfinite_grad", f"The gradient of {name} became NaN or infinite"
        return None

    def _grad_norms(self):
        """``{layer name: ||dL/dweight||}`` for every layer with a weight."""
        root = type(self.model).__name__
        return {name or root: (math.sqrt(_sum_of_squares(w.grad)) if w.grad is not None else 0.0)
                for name, w in self._weighted}

    def _check_weights(self):
        for name, p in self.params:
            if not np.isfinite(p.data).all():
                return "nonfinite_weights", f"The weights {name} became NaN or infinite"
        return None

    def _diverged(self, problem, loss, lr, epoch, seconds):
        cause, what = problem
        self._restore_snapshot()
        self.elapsed += seconds
        good = self._good or (None, self.steps_done, lr, math.nan, math.nan)
        step, restored, good_lr = self.steps_done + 1, good[1], good[2]
        suggested = good_lr if good_lr < lr else lr / 10
        kept = f"the weights from step {restored} were restored" if restored else \
            "the initial weights were restored"
        reason = (f"{what} at step {step}: training diverged. The learning rate {lr:g} is too high; "
                  f"try ≤ {suggested:g}. Training stopped and {kept}.")
        w = self.watch
        event = DivergedEvent(step=step, epoch=epoch, reason=reason, cause=cause, loss=loss, lr=lr,
                              restored_step=restored, suggested_lr=suggested, restored_loss=good[3],
                              restored_accuracy=good[4], recent_loss=w.recent_loss,
                              recent_accuracy=w.recent_accuracy, best_loss=w.best_loss, chance=self.chance)
        self.last_events = [event, self._finish("diverged")]
        return event

    # -- ending ----------------------------------------------------------------
    def _finish(self, reason):
        self.done, self.finish_reason = True, reason
        return FinishedEvent(step=self.steps_done, epoch=self.last_epoch, reason=reason, elapsed=self.elapsed)

    def stop(self):
        """End the run now; returns its :class:`FinishedEvent` (``None`` if already over).

        The weights stay as they are after the last completed step.
        """
        if self.done:
            return None
        self._pending_finish = self._finish("stopped")
        return self._pending_finish

    def run(self, n_steps):
        """Take up to ``n_steps`` steps (fewer if the run ends); returns all their events."""
        events = []
        for _ in range(int(n_steps)):
            if self.done:
                break
            self.step()
            events.extend(self.last_events)
        return events

    def events(self):
        """A generator over the rest of the run: each ``next()`` returns one event,
        and takes at most one optimizer step. Ends after the ``'finished'`` event."""
        while not self.done:
            self.step()
            yield from self.last_events
        if self._pending_finish is not None:
            event, self._pending_finish = self._pending_finish, None
            yield event


def fit(model, train_data, *, test_data=None, optimizer="sgd", lr=None, momentum=0.9, weight_decay=0.0,
        batch_size=64, epochs=5, augment=None, schedule=None, seed=0, eval_every=None, grad_norms=True,
        loss_limit=None, eval_batch_size=256):
    """Train ``model``; a generator of progress events, one per optimizer step
    plus ``'epoch'``, ``'eval'``, ``'diverged'`` and a last ``'finished'``.

    The arguments are :class:`Trainer`'s. Example::

        for event in fit(model, load_digits("train"), test_data=load_digits("test"), epochs=2):
            if event.kind == "eval":
                print(event.step, event.accuracy)
    """
    trainer = Trainer(model, train_data, test_data=test_data, optimizer=optimizer, lr=lr, momentum=momentum,
                      weight_decay=weight_decay, batch_size=batch_size, epochs=epochs, augment=augment,
                      schedule=schedule, seed=seed, eval_every=eval_every, grad_norms=grad_norms,
                      loss_limit=loss_limit, eval_batch_size=eval_batch_size)
    yield from trainer.events()
