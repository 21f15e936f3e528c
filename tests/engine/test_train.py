"""The training loop: it learns, it is reproducible, pausing changes nothing,
it adds nothing to a hand-written loop, and a blow-up loses nothing."""
import math

import numpy as np
import pytest
import torch

import cnncore
from cnncore import nn, optim
from cnncore.errors import ShapeError
from cnncore.train import Trainer, evaluate, fit, predict_proba

CLASSES = 10


def synthetic(n, seed=0, noise=0.3, size=6):
    """An easy task: each class is a fixed random 6x6 pattern, plus noise.

    Shape: images ``(n, 1, size, size)`` float64, labels ``(n,)`` int64.
    """
    templates = np.random.default_rng(1234).standard_normal((CLASSES, 1, size, size))
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, n)
    images = templates[labels] + noise * rng.standard_normal((n, 1, size, size))
    return images, labels.astype(np.int64)


def tiny_model(seed=0, dtype=np.float64, dropout=False):
    """conv 4@3x3 → ReLU → (Dropout) → Flatten → Linear(64, 10), initialised from ``seed``."""
    cnncore.manual_seed(seed)
    layers = [nn.Conv2d(1, 4, 3), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(0.3))
    layers += [nn.Flatten(), nn.Linear(4 * 4 * 4, CLASSES)]
    return nn.Sequential(*layers).to(dtype)


def same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)


TRAIN = synthetic(200, seed=0)
TEST = synthetic(100, seed=1)


# --------------------------------------------------------------------------
# It learns
# --------------------------------------------------------------------------
def test_loss_decreases_and_accuracy_rises():
    model = tiny_model()
    events = list(fit(model, TRAIN, test_data=TEST, lr=0.05, batch_size=32, epochs=4))
    epochs = [e for e in events if e.kind == "epoch"]
    evals = [e for e in events if e.kind == "eval"]
    assert [e.epoch for e in epochs] == [1, 2, 3, 4]
    assert epochs[-1].loss < 0.3 * epochs[0].loss
    assert evals[-1].accuracy > 0.9 and evals[-1].accuracy > evals[0].accuracy - 1e-12
    assert events[-1].kind == "finished" and events[-1].reason == "completed"


def test_event_sequence_and_counts():
    n, bs, epochs = 70, 32, 2  # 3 batches per epoch: 32, 32, 6
    events = list(fit(tiny_model(), synthetic(n), test_data=TEST, batch_size=bs, epochs=epochs))
    kinds = [e.kind for e in events]
    assert kinds == ["step"] * 3 + ["epoch", "eval"] + ["step"] * 3 + ["epoch", "eval", "finished"]
    steps = [e for e in events if e.kind == "step"]
    assert [e.step for e in steps] == [1, 2, 3, 4, 5, 6]
    assert [e.epoch for e in steps] == [1, 1, 1, 2, 2, 2]
    assert [e.batch_index for e in steps] == [0, 1, 2] * 2
    assert [e.batch_size for e in steps] == [32, 32, 6] * 2
    assert all(e.batches_per_epoch == 3 and e.total_steps == 6 for e in steps)
    assert [e.progress for e in steps] == [k / 6 for k in range(1, 7)]


def test_eval_every_steps():
    events = list(fit(tiny_model(), synthetic(64), test_data=TEST, batch_size=16, epochs=2, eval_every=3))
    assert [e.step for e in events if e.kind == "eval"] == [3, 6, 8]  # and once at the end


def test_every_example_once_per_epoch_with_a_partial_last_batch():
    images, labels = synthetic(50)
    trainer = Trainer(tiny_model(), (images, labels), batch_size=16, epochs=3)
    orders = []
    for _ in range(3):
        batches = []
        for _ in range(trainer.batches_per_epoch):
            trainer.step()
            batches.append(trainer.last_batch)
        assert [len(b) for b in batches] == [16, 16, 16, 2]
        order = np.concatenate(batches)
        assert np.array_equal(np.sort(order), np.arange(50))
        orders.append(order)
    assert not np.array_equal(orders[0], orders[1])  # reshuffled every epoch
    assert trainer.done


# --------------------------------------------------------------------------
# It adds nothing to the hand-written loop
# --------------------------------------------------------------------------
def manual_step(model, optimizer, images, labels):
    """The five lines, written out."""
    criterion = nn.CrossEntropyLoss()
    logits = model(images)
    loss = float(criterion.forward(logits, labels))
    optimizer.zero_grad()
    model.backward(criterion.backward())
    optimizer.step()
    return loss, logits


@pytest.mark.parametrize("name,schedule", [("sgd", None), ("adam", None), ("sgd", "cosine"), ("adam", "step")])
def test_same_numbers_as_a_hand_written_loop(name, schedule):
    images, labels = TRAIN
    model, twin = tiny_model(), tiny_model()
    kwargs = dict(lr=0.05, momentum=0.9, weight_decay=1e-3) if name == "sgd" else dict(lr=0.01, weight_decay=1e-3)
    trainer = Trainer(model, TRAIN, optimizer=name, batch_size=32, epochs=3, schedule=schedule, **kwargs)
    if name == "sgd":
        twin_opt = optim.SGD(twin.parameters(), **kwargs)
    else:
        twin_opt = optim.Adam(twin.parameters(), **kwargs)
    steps = 3 * 7  # 200 examples in batches of 32
    twin_schedule = {None: lambda: None,
                     "cosine": lambda: optim.CosineAnnealingLR(twin_opt, T_max=steps),
                     "step": lambda: optim.StepLR(twin_opt, step_size=7, gamma=0.1)}[schedule]()
    assert type(trainer.optimizer) is type(twin_opt) and trainer.total_steps == steps
    while not trainer.done:
        event = trainer.step()
        assert event.lr == twin_opt.lr
        x, y = images[trainer.last_batch], labels[trainer.last_batch]
        loss, logits = manual_step(twin, twin_opt, x, y)
        if twin_schedule is not None:
            twin_schedule.step()
        assert event.loss == loss
        assert event.accuracy == (logits.argmax(1) == y).mean()
        for layer, norm in event.grad_norms.items():
            grad = dict(twin.named_parameters())[f"{layer}.weight"].grad
            assert norm == pytest.approx(np.linalg.norm(grad), rel=1e-12)
        assert same_weights(model, twin), f"weights differ after step {event.step}"


def test_changing_lr_takes_effect_at_the_next_step():
    images, labels = TRAIN
    model, twin = tiny_model(), tiny_model()
    trainer = Trainer(model, TRAIN, lr=0.05, batch_size=32, epochs=1)
    twin_opt = optim.SGD(twin.parameters(), lr=0.05, momentum=0.9)
    lrs = []
    for step in range(7):
        if step == 3:
            trainer.lr = 0.2
            twin_opt.lr = 0.2
            assert trainer.optimizer.lr == 0.2 and trainer.lr == 0.2  # immediately
        event = trainer.step()
        lrs.append(event.lr)
        manual_step(twin, twin_opt, images[trainer.last_batch], labels[trainer.last_batch])
        assert same_weights(model, twin)
    assert lrs == [0.05] * 3 + [0.2] * 4
    assert trainer.history.lr == lrs


# --------------------------------------------------------------------------
# Pausing, resuming, stopping
# --------------------------------------------------------------------------
def test_pause_and_resume_equal_an_uninterrupted_run():
    straight = tiny_model(dropout=True)
    reference = Trainer(straight, TRAIN, test_data=TEST, batch_size=32, epochs=2, seed=5)
    reference.run(10 ** 6)

    paused = tiny_model(dropout=True)
    trainer = Trainer(paused, TRAIN, test_data=TEST, batch_size=32, epochs=2, seed=5)
    gen = trainer.events()
    for _ in range(5):
        next(gen)
    # "Paused": the UI looks at the model, draws random numbers, switches modes.
    cnncore.random.rng().standard_normal(1000)
    evaluate(paused, *TEST)
    paused.eval()
    predict_proba(paused, TEST[0][:7])
    trainer.run(4)                     # resume with step() calls ...
    list(gen)                          # ... and finish with the same generator
    assert trainer.history.loss == reference.history.loss
    assert trainer.history.eval_accuracy == reference.history.eval_accuracy
    assert same_weights(paused, straight)
    assert not paused.training         # the trainer left the mode it found


def test_stop():
    trainer = Trainer(tiny_model(), TRAIN, batch_size=32, epochs=3)
    seen = []
    for event in trainer.events():
        seen.append(event)
        if event.kind == "step" and event.step == 4:
            assert trainer.stop().reason == "stopped"
    assert seen[-1].kind == "finished" and seen[-1].reason == "stopped"
    assert [e.step for e in seen if e.kind == "step"] == [1, 2, 3, 4]
    assert trainer.done and trainer.steps_done == 4
    assert trainer.stop() is None
    with pytest.raises(RuntimeError, match="over"):
        trainer.step()
    assert trainer.run(5) == [] and list(trainer.events()) == []


def test_first_layer_skips_the_input_gradient_only_while_training():
    model = tiny_model()
    conv = model[0]
    seen = []
    backward = conv.backward

    def spy(grad_out):
        seen.append(conv.needs_input_grad)
        return backward(grad_out)

    conv.backward = spy
    Trainer(model, TRAIN, batch_size=64, epochs=1).run(2)
    assert seen == [False, False]
    assert conv.needs_input_grad is True


def test_no_first_layer_switch_when_a_flatten_comes_first():
    model = nn.Sequential(nn.Flatten(), nn.Linear(36, CLASSES)).double()
    events = Trainer(model, TRAIN, batch_size=64, epochs=1).run(10)
    assert events[-1].reason == "completed"
    assert model[1].needs_input_grad is True


# --------------------------------------------------------------------------
# Divergence loses nothing
# --------------------------------------------------------------------------
def run_keeping_states(trainer, model):
    """Run ``trainer`` to its end; ``{steps done: state_dict}`` of every step it began with."""
    states, event = {}, None
    while not trainer.done:
        states[trainer.steps_done] = model.state_dict()
        event = trainer.step()
    return states, event


def test_a_huge_learning_rate_stops_and_restores_the_last_good_weights():
    model = tiny_model()
    trainer = Trainer(model, TRAIN, lr=1e4, batch_size=16, epochs=5)
    states, event = run_keeping_states(trainer, model)
    assert event.kind == "diverged", "a learning rate of 10,000 should blow up"
    assert trainer.last_events[-1].kind == "finished" and trainer.last_events[-1].reason == "diverged"
    assert event.step == trainer.steps_done + 1 and event.restored_step <= trainer.steps_done
    assert f"at step {event.step}" in event.reason and "learning rate 10000 is too high" in event.reason
    assert event.suggested_lr == pytest.approx(1000) and "try ≤ 1000" in event.reason
    state, good = model.state_dict(), states[event.restored_step]
    assert all(np.array_equal(state[k], good[k]) for k in state)
    assert all(np.isfinite(v).all() for v in state.values())
    assert len(trainer.history.loss) == trainer.steps_done  # the failed step is not recorded


def test_raising_the_learning_rate_mid_run_restores_a_model_that_had_learned():
    """The weights put back are from before the blow-up: the model is as good as it was, not at
    chance (the step before the loss exploded had already wrecked it)."""
    model = tiny_model()
    trainer = Trainer(model, TRAIN, lr=0.05, batch_size=16, epochs=20)
    trainer.run(60)
    learned = evaluate(model, *TEST).accuracy
    assert learned > 0.9
    trainer.lr = 10.0
    states, event = run_keeping_states(trainer, model)
    assert event.kind == "diverged" and event.restored_step < trainer.steps_done, event.reason
    assert event.suggested_lr <= 1.0 and f"try ≤ {event.suggested_lr:g}" in event.reason
    assert evaluate(model, *TEST).accuracy >= learned - 0.05 > trainer.chance + 0.5
    assert event.restored_accuracy > 0.9 and event.restored_loss <= event.best_loss * 1.02


def kill_relus(model):
    """Every unit of the conv layer dead: a ReLU after it outputs 0 for every image."""
    model[0].bias.data[...] = -1e6


def test_a_network_killed_after_it_learned_has_diverged_and_gets_its_good_weights_back():
    model = tiny_model()
    trainer = Trainer(model, TRAIN, lr=0.05, batch_size=16, epochs=20)
    trainer.run(40)
    assert evaluate(model, *TEST).accuracy > 0.9
    kill_relus(model)                       # what one huge step does: the loss stays finite (about ln 10)
    events = trainer.run(10 ** 6)
    diverged = [e for e in events if e.kind == "diverged"]
    assert diverged and math.isfinite(diverged[0].loss), [e.kind for e in events][-3:]
    assert evaluate(model, *TEST).accuracy > 0.9      # the good weights, from before the ReLUs died


def feed(watch, loss, accuracy, steps, n=40, same=False):
    """``steps`` batches of ``n`` examples with this loss and accuracy; the last verdict."""
    labels = np.arange(n) % CLASSES
    right = int(round(accuracy * n))
    for _ in range(steps):
        logits = np.zeros((n, CLASSES)) if same else np.eye(CLASSES)[(labels + (np.arange(n) >= right)) % CLASSES]
        verdict = watch.update(loss, logits, labels)
    return verdict


def test_divergence_watch_accuracy_falling_back_to_chance():
    from cnncore.divergence import DivergenceWatch
    watch = DivergenceWatch(chance=0.1, batch_size=32)
    assert watch.window == 8
    assert feed(watch, 1.5, 0.5, 8).good
    verdict = feed(watch, 2.3, 0.1, 8)       # not twice the best loss: only the accuracy tells
    assert verdict.cause == "fell_to_chance" and "fell back to chance (10%, from 50%)" in verdict.what


def test_divergence_watch_accuracy_wobbling_near_chance_with_the_loss_at_its_best_is_not_divergence():
    from cnncore.divergence import DivergenceWatch
    watch = DivergenceWatch(chance=0.1, batch_size=32)
    assert feed(watch, 2.1, 0.3, 8).good                  # a slow learner: 30 %, loss 2.1
    verdict = feed(watch, 2.12, 0.15, 8)                    # its accuracy dips to 15 %, its loss does not rise
    assert verdict.cause is None and verdict.good
    assert feed(watch, 2.3, 0.1, 8).cause == "fell_to_chance"   # loss up 10 % and at chance: it died


def test_divergence_watch_loss_rising_and_what_is_not_divergence():
    from cnncore.divergence import DivergenceWatch
    watch = DivergenceWatch(chance=0.1, batch_size=32)
    assert feed(watch, 2.3, 0.1, 30).cause is None        # at chance from the start: still learning, maybe
    assert feed(watch, 2.0, 0.2, 8).good
    assert feed(watch, 2.1, 0.2, 1).good                  # near its best: still good weights
    assert not feed(watch, 2.5, 0.2, 1).good and feed(watch, 2.5, 0.2, 1).cause is None
    assert feed(watch, 4.5, 0.2, 8).cause == "loss_rose"
    same = DivergenceWatch(chance=0.1, batch_size=32)
    assert feed(same, 2.3, 0.1, 30, same=True).cause is None   # the same scores from the start


def test_a_network_whose_units_die_before_it_learns_has_diverged():
    model = tiny_model()
    trainer = Trainer(model, TRAIN, lr=1e-9, batch_size=16, epochs=20)
    trainer.step()
    kill_relus(model)
    events = trainer.run(10 ** 6)
    diverged = [e for e in events if e.kind == "diverged"]
    assert diverged and diverged[0].cause == "dead_output"
    assert diverged[0].step == trainer.watch.window + 1        # a whole window of identical scores
    assert "same scores" in diverged[0].reason and diverged[0].restored_step == 0


def test_slow_learning_at_chance_is_not_divergence():
    """A tiny learning rate leaves LeNet-5 at chance (loss about ln 10) for the whole run, as a dead
    network would be; but its scores still depend on the image, so it is not called diverged."""
    from cnncore import data, models
    images, labels = data.load_digits("train")
    cnncore.manual_seed(0)
    model = models.lenet5()
    trainer = Trainer(model, (images[:1280], labels[:1280]), lr=0.001, batch_size=32, epochs=1)
    events = trainer.run(10 ** 6)
    assert trainer.finish_reason == "completed" and not [e for e in events if e.kind == "diverged"]
    assert trainer.watch.recent_accuracy < trainer.chance + 0.1   # it really is at chance


def test_lenet5_at_learning_rate_10_diverges_although_the_loss_stays_finite():
    """``/train?lr=10``: the ReLUs die, the loss stays finite (about 8); the run must not 'finish'."""
    from cnncore import data, models
    images, labels = data.load_digits("train")
    cnncore.manual_seed(0)
    model = models.lenet5()
    trainer = Trainer(model, (images[:1280], labels[:1280]), lr=10.0, batch_size=32, epochs=2)
    states, event = run_keeping_states(trainer, model)
    assert trainer.finish_reason == "diverged" and event.cause in ("loss_rose", "dead_output")
    assert all(math.isfinite(loss) for loss in trainer.history.loss)
    assert "learning rate 10 is too high; try ≤ 1" in event.reason


def test_nan_loss_is_caught_with_a_clear_message():
    def poison_at_step_4(images, rng, calls=[0]):
        calls[0] += 1
        return images * np.nan if calls[0] == 4 else images

    model = tiny_model()
    trainer = Trainer(model, TRAIN, lr=0.05, batch_size=32, epochs=1, augment=poison_at_step_4)
    states, event = run_keeping_states(trainer, model)
    assert event.kind == "diverged" and event.cause == "nan_loss"
    assert event.reason.startswith("Loss became NaN at step 4")
    assert event.restored_step in (2, 3) and f"weights from step {event.restored_step} were restored" in event.reason
    state, good = model.state_dict(), states[event.restored_step]
    assert all(np.array_equal(state[k], good[k]) for k in state)


def test_weights_that_overflow_in_the_update_are_restored():
    model = tiny_model()
    huge_at_step_4 = lambda x, rng: x * 1e10 if trainer.steps_done == 3 else x  # noqa: E731
    trainer = Trainer(model, TRAIN, batch_size=32, epochs=1, augment=huge_at_step_4, loss_limit=math.inf)
    states = {}
    for _ in range(3):
        states[trainer.steps_done] = model.state_dict()
        trainer.step()
    states[3] = model.state_dict()
    trainer.lr = 1e300  # the loss and gradients stay finite; the update overflows
    event = trainer.step()
    assert event.kind == "diverged" and event.cause == "nonfinite_weights", event.reason
    state, good = model.state_dict(), states[event.restored_step]
    assert all(np.array_equal(state[k], good[k]) for k in state)
    assert all(p.grad is None for p in model.parameters())


def test_divergence_restores_batchnorm_running_statistics_too():
    cnncore.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Linear(64, CLASSES)).double()
    poison = lambda x, rng: x * np.nan if trainer.steps_done == 3 else x  # noqa: E731
    trainer = Trainer(model, TRAIN, batch_size=32, epochs=1, augment=poison)
    states, event = run_keeping_states(trainer, model)
    assert event.kind == "diverged" and event.step == 4
    state, good = model.state_dict(), states[event.restored_step]
    assert [k for k, _ in model.named_buffers()] and state.keys() == good.keys()
    assert all(np.array_equal(state[k], good[k]) for k in state)


def test_divergence_on_the_first_step_restores_the_initial_weights():
    model = tiny_model()
    initial = model.state_dict()
    event = Trainer(model, TRAIN, augment=lambda x, rng: x * np.inf).step()
    assert event.kind == "diverged" and "initial weights were restored" in event.reason
    state = model.state_dict()
    assert all(np.array_equal(state[k], initial[k]) for k in state)


# --------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------
def run_history(seed, model_seed=0):
    trainer = Trainer(tiny_model(model_seed, dropout=True), TRAIN, batch_size=32, epochs=2, seed=seed,
                      augment=lambda x, rng: x + 0.05 * rng.standard_normal(x.shape))
    trainer.run(10 ** 6)
    return trainer.history


def test_same_seed_same_numbers_different_seed_different_numbers():
    a, b, c = run_history(seed=3), run_history(seed=3), run_history(seed=4)
    assert a.loss == b.loss and a.accuracy == b.accuracy and a.grad_norms == b.grad_norms
    assert a.loss != c.loss


def test_speed_is_examples_over_time_so_a_coarse_clock_cannot_inflate_it(monkeypatch):
    """A browser's clock may time a step at (almost) nothing: the speed and the time left
    come from the last steps' total time, not from an average of per-step rates."""
    import cnncore.train as train_module
    durations = iter([0.02, 0.0, 0.02, 1e-7, 0.02, 0.02] * 1000)
    now = [0.0]

    def clock():
        return now[0]

    trainer = Trainer(tiny_model(), TRAIN, batch_size=16, epochs=1, test_data=None)
    monkeypatch.setattr(train_module.time, "perf_counter", clock)
    real_step, seconds = trainer._forward_backward, []

    def timed(images, labels):
        out = real_step(images, labels)
        now[0] += seconds[-1]           # the step "took" this long
        return out
    monkeypatch.setattr(trainer, "_forward_backward", timed)
    for _ in range(6):
        seconds.append(next(durations))
        event = trainer.step()
    expected = 16 * 6 / sum(seconds)
    assert event.examples_per_second == pytest.approx(expected)          # 1,200/s, not ~10^8
    left = trainer.total_steps - trainer.steps_done
    assert event.eta_seconds == pytest.approx(left * sum(seconds) / 6)


def test_float32_model_trains_in_float32():
    model = tiny_model(dtype=np.float32)
    trainer = Trainer(model, TRAIN, batch_size=64, epochs=1)
    trainer.run(10)
    assert all(p.data.dtype == np.float32 for p in model.parameters())


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------
def test_grad_norms_speed_eta_and_history():
    trainer = Trainer(tiny_model(), TRAIN, batch_size=16, epochs=2)
    events = [e for e in trainer.run(10 ** 6) if e.kind == "step"]
    assert all(set(e.grad_norms) == {"0", "3"} for e in events)  # the layers with a weight
    assert all(v > 0 and math.isfinite(v) for e in events for v in e.grad_norms.values())
    assert all(e.examples_per_second > 0 for e in events)
    assert events[-1].eta_seconds == 0 < events[0].eta_seconds
    assert events[-1].elapsed >= events[0].elapsed > 0
    h = trainer.history
    assert len(h.loss) == len(h.lr) == len(h.grad_norms["0"]) == len(events) == trainer.total_steps
    assert h.epoch_loss == [h.running_loss[12], h.running_loss[-1]]  # 13 batches per epoch
    assert Trainer(tiny_model(), TRAIN, epochs=1, grad_norms=False).step().grad_norms == {}


def test_running_loss_is_the_epoch_mean_weighted_by_batch_size():
    events = [e for e in fit(tiny_model(), synthetic(40), batch_size=16, epochs=1) if e.kind in ("step", "epoch")]
    steps, epoch = events[:-1], events[-1]
    sizes = np.array([e.batch_size for e in steps])
    losses = np.array([e.loss for e in steps])
    assert epoch.loss == pytest.approx((losses * sizes).sum() / sizes.sum(), rel=1e-12)
    assert epoch.accuracy == pytest.approx(sum(e.accuracy * e.batch_size for e in steps) / 40, rel=1e-12)


@pytest.mark.parametrize("schedule", ["cosine", "step"])
def test_schedules(schedule):
    trainer = Trainer(tiny_model(), synthetic(40), lr=0.1, batch_size=10, epochs=6, schedule=schedule)
    lrs = [e.lr for e in trainer.run(10 ** 6) if e.kind == "step"]
    total = 24
    if schedule == "cosine":
        expected = [0.1 * 0.5 * (1 + math.cos(math.pi * t / total)) for t in range(total)]
    else:  # x0.1 every ceil(6/3) = 2 epochs of 4 steps
        expected = [0.1 * 0.1 ** (t // 8) for t in range(total)]
    assert lrs == pytest.approx(expected, rel=1e-9)


def test_setting_lr_with_a_schedule_rescales_the_rest_of_it():
    trainer = Trainer(tiny_model(), synthetic(40), lr=0.1, batch_size=10, epochs=2, schedule="cosine")
    trainer.run(3)
    trainer.lr = 0.5
    lrs = [e.lr for e in trainer.run(10) if e.kind == "step"]
    factor = [0.5 * (1 + math.cos(math.pi * t / 8)) for t in range(8)]
    assert lrs[0] == pytest.approx(0.5)
    assert lrs == pytest.approx([0.5 * f / factor[3] for f in factor[3:]], rel=1e-9)


def test_an_optimizer_object_is_used_as_is():
    model = tiny_model()
    opt = optim.SGD(model.parameters(), lr=0.03)
    trainer = Trainer(model, TRAIN, optimizer=opt, epochs=1)
    assert trainer.optimizer is opt and trainer.step().lr == 0.03


def test_bad_arguments():
    with pytest.raises(ShapeError, match="labels"):
        Trainer(tiny_model(), (TRAIN[0], TRAIN[1][:-1]))
    with pytest.raises(ValueError, match="schedule"):
        Trainer(tiny_model(), TRAIN, schedule="linear")
    with pytest.raises(ValueError, match="optimizer"):
        Trainer(tiny_model(), TRAIN, optimizer="rmsprop")
    with pytest.raises(ValueError, match=">= 0"):
        Trainer(tiny_model(), TRAIN).lr = -1


def test_a_few_real_digits_with_lenet5_and_augmentation():
    from cnncore import data, models
    images, labels = data.load_digits("train")
    test_images, test_labels = data.load_digits("test")
    cnncore.manual_seed(0)
    model = models.lenet5()
    events = list(fit(model, (images[:64], labels[:64]), test_data=(test_images[:50], test_labels[:50]),
                      optimizer="adam", batch_size=32, epochs=1, augment=data.augment))
    assert [e.kind for e in events] == ["step"] * 2 + ["epoch", "eval", "finished"]
    assert events[3].confusion.shape == (10, 10) and events[3].confusion.sum() == 50
    assert all(p.data.dtype == np.float32 and np.isfinite(p.data).all() for p in model.parameters())
    assert set(events[0].grad_norms) == {"0", "3", "7", "9", "11"}


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------
def test_evaluate_against_torch_and_its_confusion_matrix():
    model = tiny_model()
    Trainer(model, TRAIN, lr=0.05, batch_size=32, epochs=1).run(3)  # partly trained: some errors
    images, labels = TEST
    result = evaluate(model, images, labels, batch_size=32)
    logits = model.eval()(images)
    model.train()
    expected_loss = torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels))
    assert result.loss == pytest.approx(float(expected_loss), rel=1e-10)
    np.testing.assert_allclose(result.probabilities, torch.softmax(torch.from_numpy(logits), 1).numpy(),
                               rtol=1e-10, atol=1e-12)
    assert np.array_equal(result.predictions, logits.argmax(1))
    c = result.confusion
    assert c.shape == (10, 10) and c.dtype == np.int64 and c.sum() == len(labels)
    assert np.array_equal(c.sum(axis=1), np.bincount(labels, minlength=10))            # rows: true class
    assert np.array_equal(c.sum(axis=0), np.bincount(result.predictions, minlength=10))  # columns: predicted
    assert result.accuracy == np.trace(c) / len(labels) == (result.predictions == labels).mean()
    assert 0 < result.accuracy < 1
    np.testing.assert_allclose(predict_proba(model, images), result.probabilities, rtol=1e-12)


def test_evaluate_restores_each_modules_mode():
    model = tiny_model(dropout=True)
    model.train()
    evaluate(model, *TEST)
    assert all(m.training for m in model.modules())
    model[2].eval()  # a mixed model stays mixed
    evaluate(model, *TEST)
    assert [m.training for m in model.modules()] == [True, True, True, False, True, True]


def test_evaluate_uses_eval_mode():
    model = tiny_model(dropout=True)
    model.train()
    first, second = (evaluate(model, *TEST).probabilities for _ in range(2))
    assert np.array_equal(first, second)  # dropout off: deterministic
