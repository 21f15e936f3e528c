"""Start, Pause and Step of a view that trains a network (Train, Your classes), and its loop.

A view that mixes in :class:`RunControls` (before :class:`~app.views.base.View`) has ``status``
(``"idle"``, ``"running"``, ``"paused"``, ...), ``autoplay`` (False in tests: call :meth:`tick`
yourself), ``training`` (a :class:`~app.core.training.TrainingRun`, or None) and ``_active``, and
provides ``new_run()`` (a fresh run from its settings), ``_handle(events)`` (what a step, an
evaluation or the end of the run does to the page) and ``_flush(force)`` (the new points to the
browser). A view that may refuse to train says why in ``_refuse()``.
"""
from app.core.training import BUDGET_SECONDS

__all__ = ["RunControls", "PERIOD_MS"]

PERIOD_MS = 40   # how often the loop runs while training (each call trains for about BUDGET_SECONDS)


class RunControls:
    """Start, Pause, Step and the training loop (see the module docstring)."""

    def _refuse(self):
        """Say why a run cannot start and return True; False (the default) when it can."""
        return False

    def start(self):
        """Start a new run (or resume a paused one) and let the loop drive it."""
        with self.guard():
            if self.status == "running":
                return
            if self.status != "paused":
                if self._refuse():
                    return
                self.new_run()
            self.status = "running"
            if self.autoplay:
                self.start_loop(self.tick, PERIOD_MS)

    def pause(self):
        """Stop calling the trainer; nothing is lost, Resume carries on exactly."""
        if self.status == "running":
            self.stop_loop(self.tick)
            self.status = "paused"
            self._flush(force=True)

    def step_once(self):
        """Exactly one optimizer step (starting a run if there is none), then pause."""
        with self.guard():
            if self.status == "running":
                return
            if not self._active:
                if self._refuse():
                    return
                self.new_run()
            self.status = "paused"
            self._handle(self.training.step_once())
            self._flush(force=True)

    def tick(self, budget=BUDGET_SECONDS):
        """One chunk of work (the loop): about ``budget`` seconds, then the plots if due."""
        if self.status != "running" or self.training is None:
            return
        with self.guard():
            self._handle(self.training.advance(budget))
            self._flush(force=self.training.over)
            return
        self.stop_loop(self.tick)   # an error: the message is shown, the loop stops
        self.status = "paused"
