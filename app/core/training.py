"""One training run, driven a little at a time so the page never freezes.

The browser (Pyodide) has no threads: while Python computes, the page
cannot react to a click. So nothing here runs on its own. The Train view
calls :meth:`TrainingRun.advance` from a periodic callback; each call
does a *time-budgeted chunk* of work (a few optimizer steps, or a slice of
an evaluation) of about 80 ms and returns, so the browser gets to draw
and to hear the Pause button between chunks. Pausing is simply not
calling ``advance``.

The work itself is :class:`cnncore.train.Trainer` (one ``step()`` = one
optimizer step). Evaluation on the test digits is split into slices of
``eval_chunk`` images (each :func:`cnncore.train.evaluate`); the slices'
confusion matrices add up and their losses are averaged by size, giving
exactly the :class:`~cnncore.train.EvalEvent` the trainer would give.
"""
import math
import time

import numpy as np

from cnncore.data import augment as augment_digits
from cnncore.train import EvalEvent, EvalResult, Trainer, evaluate

__all__ = ["TrainingRun", "BUDGET_SECONDS"]

BUDGET_SECONDS = 0.08   # work per callback; the page stays responsive in between


class TrainingRun:
    """A :class:`~cnncore.train.Trainer` plus sliced evaluation, run in small chunks.

    Args:
        model: the network to train (changed in place).
        train_data: ``(images, labels)``, images ``(N, 1, 28, 28)``.
        test_data: ``(images, labels)`` evaluated at step 0, every
            ``eval_every`` steps (default: twice per epoch) and at the end.
        optimizer, lr, batch_size, epochs, seed: as :class:`~cnncore.train.Trainer`.
        augment: apply ``cnncore.data.augment`` to every batch.
        eval_chunk: test images per slice of an evaluation.

    Events come out of :meth:`advance` and :meth:`step_once` in order:
    ``StepEvent``, ``EpochEvent``, ``EvalEvent``, ``DivergedEvent`` and,
    last, the ``FinishedEvent`` (held back until the final evaluation is done).
    """

    def __init__(self, model, train_data, test_data, *, optimizer="sgd", lr=0.05, batch_size=32, epochs=2,
                 augment=False, seed=0, eval_every=None, eval_chunk=250, clock=time.perf_counter):

        self.model = model
        self.trainer = Trainer(model, train_data, test_data=None, optimizer=optimizer, lr=lr, momentum=0.9,
                               batch_size=batch_size, epochs=epochs,
                               augment=augment_digits if augment else None, seed=seed, grad_norms=True)
        self.test_images, self.test_labels = test_data
        self.eval_every = int(eval_every or max(1, math.ceil(self.trainer.batches_per_epoch / 2)))
        self.eval_chunk = int(eval_chunk)
        self.clock = clock
        self.eval_seconds = 0.0        # how long the last full evaluation took
        self.last_eval = None          # the last EvalEvent
        self.diverged = None           # the DivergedEvent, if the run blew up
        self.finished = None           # the FinishedEvent, once released
        self._eval = None              # an evaluation under way: {"step", "at", "parts", "seconds"}
        self._held_finish = None
        self._schedule_eval()          # where the run starts from: the accuracy of chance, or not

    # -- state -----------------------------------------------------------------
    @property
    def steps_done(self):
        return self.trainer.steps_done

    @property
    def total_steps(self):
        return self.trainer.total_steps

    @property
    def over(self):
        """Nothing left to do: the run ended and its last evaluation is done."""
        return self.finished is not None

    @property
    def lr(self):
        return self.trainer.lr

    @lr.setter
    def lr(self, value):
        self.trainer.lr = value       # takes effect at the next step

    def eta_seconds(self, step_event):
        """Time left: the trainer's estimate for the steps plus the evaluations still due."""
        left_evals = (self.total_steps // self.eval_every - self.steps_done // self.eval_every) + 1
        return step_event.eta_seconds + left_evals * self.eval_seconds

    # -- work ------------------------------------------------------------------
    def advance(self, budget=BUDGET_SECONDS):
        """Work for about ``budget`` seconds (at least one unit: a step or an evaluation slice).

        Returns the events that happened, in order (empty once the run is over).
        """
        start, events = self.clock(), []
        while not self.over:
            events.extend(self._unit())
            if self.clock() - start >= budget:
                break
        return events

    def step_once(self):
        """Exactly one optimizer step, plus the evaluation it triggers (finished at once)."""
        events = []
        while self._eval is not None:
            events.extend(self._eval_slice())
        if self.trainer.done:
            return events + self._release()
        events.extend(self._step())
        while self._eval is not None:
            events.extend(self._eval_slice())
        return events + self._release()

    def stop(self):
        """End the run now (the model keeps its weights); its final evaluation follows."""
        if self.trainer.done:
            return
        self._held_finish = self.trainer.stop()
        if self._eval is None or self._eval["step"] != self.steps_done:
            self._schedule_eval()

    # -- the units of work -----------------------------------------------------------
    def _unit(self):
        if self._eval is not None:
            return self._eval_slice()
        if not self.trainer.done:
            return self._step()
        return self._release()

    def _release(self):
        if self._eval is None and self._held_finish is not None and self.finished is None:
            self.finished = self._held_finish
            return [self.finished]
        return []

    def _step(self):
        self.trainer.step()
        events = []
        for event in self.trainer.last_events:
            if event.kind == "finished":
                self._held_finish = event        # after the final evaluation
                if self._eval is None or self._eval["step"] != self.steps_done:
                    self._schedule_eval()
                continue
            if event.kind == "diverged":
                self.diverged = event
            events.append(event)
        if events and events[0].kind == "step" and self.steps_done % self.eval_every == 0 \
                and self._eval is None:
            self._schedule_eval()
        return events

    def _schedule_eval(self):
        self._eval = {"step": self.steps_done, "at": 0, "parts": [], "seconds": 0.0}

    def _eval_slice(self):
        """Evaluate the next ``eval_chunk`` test images; the last slice returns the EvalEvent."""

        run, start = self._eval, self.clock()
        stop = min(run["at"] + self.eval_chunk, len(self.test_labels))
        run["parts"].append(evaluate(self.model, self.test_images[run["at"]:stop], self.test_labels[run["at"]:stop]))
        run["at"] = stop
        run["seconds"] += self.clock() - start
        if stop < len(self.test_labels):
            return []
        self._eval = None
        self.eval_seconds = run["seconds"]
        self.last_eval = self._combine(run["step"], run["parts"])
        return [self.last_eval]

    def _combine(self, step, parts):
        """One EvalEvent from the slices: counts add up, the loss is averaged by slice size."""

        sizes = np.array([len(p.labels) for p in parts], dtype=np.float64)
        confusion = sum(p.confusion for p in parts)                            # (10, 10)
        loss = float(np.dot(sizes, [p.loss for p in parts]) / sizes.sum())
        accuracy = float(np.trace(confusion) / confusion.sum())
        result = EvalResult(loss=loss, accuracy=accuracy, confusion=confusion,
                            predictions=np.concatenate([p.predictions for p in parts]),
                            probabilities=np.concatenate([p.probabilities for p in parts]),
                            labels=np.concatenate([p.labels for p in parts]))
        return EvalEvent(step=step, epoch=self.trainer.last_epoch, loss=loss, accuracy=accuracy,
                         confusion=confusion, result=result)
