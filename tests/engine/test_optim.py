"""SGD, Adam and the learning-rate schedules against torch.optim, step by step."""
import numpy as np
import pytest
import torch

from cnncore import nn, optim
from cnncore.errors import StateDictError
from cnncore.nn.module import Parameter
from tests.helpers import assert_close

SHAPES = [(3, 4), (4,), (2, 3, 3, 3)]


def make_pair(dtype=np.float64, seed=0):
    """The same initial weights as our Parameters and as torch leaf tensors."""
    rng = np.random.default_rng(seed)
    values = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    return [Parameter(v.copy()) for v in values], [torch.tensor(v, requires_grad=True) for v in values]


def gradient_sequence(steps, dtype=np.float64, seed=1, with_none=False):
    """Per step, one gradient per parameter; with ``with_none`` some are None (skipped)."""
    rng = np.random.default_rng(seed)
    seq = []
    for step in range(steps):
        grads = [(rng.standard_normal(s) * rng.choice([0.01, 1.0, 30.0])).astype(dtype) for s in SHAPES]
        if with_none and step % 3 == 1:
            grads[step % len(grads)] = None
        seq.append(grads)
    return seq


def run_side_by_side(make_ours, make_theirs, steps=10, dtype=np.float64, with_none=False,
                     lr_changes=None):
    """Apply the same gradients to both; compare every weight after every step."""
    ours_p, theirs_p = make_pair(dtype)
    ours, theirs = make_ours(ours_p), make_theirs(theirs_p)
    for step, grads in enumerate(gradient_sequence(steps, dtype, with_none=with_none)):
        if lr_changes and step in lr_changes:
            ours.lr = lr_changes[step]
            theirs.param_groups[0]["lr"] = lr_changes[step]
        ours.zero_grad()
        theirs.zero_grad()
        for p, pt, g in zip(ours_p, theirs_p, grads):
            if g is not None:
                p.accumulate(g)
                pt.grad = torch.from_numpy(g.copy())
        ours.step()
        theirs.step()
        for i, (p, pt) in enumerate(zip(ours_p, theirs_p)):
            assert p.data.dtype == dtype
            assert_close(p.data, pt, dtype, f"step {step}, parameter {i}")
    return ours, theirs, ours_p, theirs_p


SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.5),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.1, weight_decay=0.01),
    dict(lr=0.02, momentum=0.8, weight_decay=0.1),
    dict(lr=0.02, momentum=0.5, dampening=0.3, weight_decay=0.05),
    dict(lr=0.03, momentum=0.99, nesterov=True, weight_decay=0.2),
]
ADAM_CONFIGS = [
    dict(),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.1, betas=(0.5, 0.9), eps=1e-3),
    dict(lr=0.003, betas=(0.0, 0.99), weight_decay=0.01),
]


@pytest.mark.parametrize("config", SGD_CONFIGS, ids=str)
def test_sgd_matches_torch(config):
    run_side_by_side(lambda p: optim.SGD(p, **config), lambda p: torch.optim.SGD(p, **config), with_none=True)


@pytest.mark.parametrize("config", ADAM_CONFIGS, ids=str)
def test_adam_matches_torch(config):
    run_side_by_side(lambda p: optim.Adam(p, **config), lambda p: torch.optim.Adam(p, **config), with_none=True)


@pytest.mark.parametrize("make_ours,make_theirs", [
    (lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    (lambda p: optim.Adam(p, lr=0.01, weight_decay=0.01), lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01)),
])
def test_float32_matches_torch(make_ours, make_theirs):
    run_side_by_side(make_ours, make_theirs, dtype=np.float32)


@pytest.mark.parametrize("make_ours,make_theirs", [
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    (lambda p: optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
])
def test_learning_rate_changed_mid_run_matches_torch(make_ours, make_theirs):
    run_side_by_side(make_ours, make_theirs, steps=12, lr_changes={4: 0.003, 7: 0.2, 9: 0.0})


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_training_a_small_model_matches_torch(kind):
    """Conv2d -> ReLU -> Linear with CrossEntropyLoss: ten optimizer steps, weights compared each step."""
    rng = np.random.default_rng(41)
    ours = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 5)).double()
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                 torch.nn.Linear(3 * 4 * 4, 5)).double()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    if kind == "sgd":
        opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
        opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    else:
        opt, opt_t = optim.Adam(ours.parameters(), lr=0.01), torch.optim.Adam(theirs.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    for step in range(10):
        x, t = rng.standard_normal((6, 1, 6, 6)), rng.integers(0, 5, 6)
        opt.zero_grad()
        loss = criterion(ours(x), t)
        ours.backward(criterion.backward())
        opt.step()
        opt_t.zero_grad()
        loss_t = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(t))
        loss_t.backward()
        opt_t.step()
        assert_close(np.asarray(loss), loss_t, what=f"loss at step {step}")
        their_params = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            assert_close(p.data, their_params[name], what=f"{name} after step {step}")


def test_zero_grad_and_skipped_parameters():
    params, _ = make_pair()
    opt = optim.Adam(params, lr=0.1)
    before = [p.data.copy() for p in params]
    params[0].accumulate(np.ones(SHAPES[0]))
    opt.step()
    assert not np.array_equal(params[0].data, before[0])
    for p, b in zip(params[1:], before[1:]):
        np.testing.assert_array_equal(p.data, b)      # grad None: untouched, no state
    assert opt.state[0] and not opt.state[1] and not opt.state[2]
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(params[0].grad, 0)
    assert params[1].grad is None
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def _is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, (int, str)) and _is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    return isinstance(value, (np.ndarray, int, float, bool, str)) or value is None


@pytest.mark.parametrize("make_ours,make_theirs", [
    (lambda p: optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1)),
    (lambda p: optim.Adam(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.01),
     lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.01)),
])
def test_state_dict_resumes_exactly_and_loads_into_torch(make_ours, make_theirs):
    grads = gradient_sequence(10)
    params, _ = make_pair()
    opt = make_ours(params)

    def run(opt, params, steps):
        for g_step in steps:
            opt.zero_grad()
            for p, g in zip(params, g_step):
                p.accumulate(g)
            opt.step()

    run(opt, params, grads[:5])
    state = opt.state_dict()
    assert _is_plain(state)
    saved_weights = [p.data.copy() for p in params]
    run(opt, params, grads[5:])                         # uninterrupted run

    resumed_params = [Parameter(w.copy()) for w in saved_weights]
    resumed = make_ours(resumed_params)
    resumed.lr = 123.0                                  # overwritten by the state_dict, as in torch
    resumed.load_state_dict(state)
    run(resumed, resumed_params, grads[5:])
    for p, q in zip(params, resumed_params):
        np.testing.assert_array_equal(p.data, q.data)

    # Our state_dict, with arrays as tensors, continues identically in torch.
    torch_params = [torch.tensor(w, requires_grad=True) for w in saved_weights]
    torch_opt = make_theirs(torch_params)
    torch_opt.load_state_dict({
        "state": {i: {k: torch.tensor(v) for k, v in s.items()} for i, s in state["state"].items()},
        "param_groups": state["param_groups"]})
    for g_step in grads[5:]:
        for pt, g in zip(torch_params, g_step):
            pt.grad = torch.from_numpy(g.copy())
        torch_opt.step()
    for p, pt in zip(params, torch_params):
        assert_close(p.data, pt)


def test_load_state_dict_refuses_mismatches():
    params, _ = make_pair()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    for p in params:
        p.accumulate(np.ones(p.shape))
    opt.step()
    state = opt.state_dict()
    with pytest.raises(StateDictError, match="3 parameters"):
        optim.SGD(params[:2], lr=0.1, momentum=0.9).load_state_dict(state)
    swapped = [Parameter(np.zeros((4, 3))), params[1], params[2]]
    with pytest.raises(StateDictError, match=r"\(3, 4\)"):
        optim.SGD(swapped, lr=0.1, momentum=0.9).load_state_dict(state)


@pytest.mark.parametrize("name,kwargs,words", [
    ("SGD", dict(lr=-0.1), ["Invalid learning rate", "-0.1"]),
    ("SGD", dict(lr=0.1, momentum=-0.5), ["momentum", "-0.5"]),
    ("SGD", dict(lr=0.1, weight_decay=-1), ["weight_decay", "-1"]),
    ("SGD", dict(lr=0.1, nesterov=True), ["Nesterov", "momentum"]),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ["Nesterov", "dampening"]),
    ("Adam", dict(lr=-1.0), ["Invalid learning rate"]),
    ("Adam", dict(eps=-1e-8), ["epsilon"]),
    ("Adam", dict(betas=(1.0, 0.999)), ["beta", "index 0"]),
    ("Adam", dict(betas=(0.9, -0.1)), ["beta", "index 1"]),
    ("Adam", dict(weight_decay=-0.1), ["weight_decay"]),
])
def test_bad_arguments_are_refused_like_torch(name, kwargs, words):
    params, tparams = make_pair()
    with pytest.raises(ValueError) as info:
        getattr(optim, name)(params, **kwargs)
    for word in words:
        assert word in str(info.value)
    with pytest.raises(ValueError):
        getattr(torch.optim, name)(tparams, **kwargs)


def test_bad_parameter_lists():
    p = Parameter(np.zeros(3))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Parameters"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([p, p], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        opt.lr = -1
    assert "lr: 0.1" in repr(opt) and "momentum: 0" in repr(opt)


def run_schedule(make_ours, make_theirs, steps=16, lr_changes=None):
    ours_opt = optim.SGD([Parameter(np.zeros(2))], lr=0.1)
    their_opt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
    ours, theirs = make_ours(ours_opt), make_theirs(their_opt)
    assert ours.get_last_lr() == theirs.get_last_lr()
    for step in range(steps):
        if lr_changes and step in lr_changes:
            ours_opt.lr = lr_changes[step]
            their_opt.param_groups[0]["lr"] = lr_changes[step]
        ours_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-14, atol=1e-300,
                                   err_msg=f"after step {step}")
        assert ours_opt.lr == ours.get_last_lr()[0]
        np.testing.assert_allclose(ours_opt.lr, their_opt.param_groups[0]["lr"], rtol=1e-14, atol=1e-300)


SCHEDULES = [
    (lambda o: optim.StepLR(o, step_size=3), lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3)),
    (lambda o: optim.StepLR(o, 4, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 4, gamma=0.5)),
    (lambda o: optim.CosineAnnealingLR(o, T_max=5),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5)),
    (lambda o: optim.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01)),
]


@pytest.mark.parametrize("make_ours,make_theirs", SCHEDULES)
def test_schedule_matches_torch(make_ours, make_theirs):
    run_schedule(make_ours, make_theirs)                      # 16 steps: past T_max, the rise too


@pytest.mark.parametrize("make_ours,make_theirs", SCHEDULES)
def test_schedule_with_lr_changed_by_hand_matches_torch(make_ours, make_theirs):
    run_schedule(make_ours, make_theirs, lr_changes={2: 0.5, 6: 0.02})


def test_cosine_closed_form_and_state_dict():
    opt = optim.SGD([Parameter(np.zeros(1))], lr=0.2)
    sched = optim.CosineAnnealingLR(opt, T_max=8, eta_min=0.05)
    for epoch in range(1, 9):
        sched.step()
        np.testing.assert_allclose(opt.lr, 0.05 + 0.15 * (1 + np.cos(np.pi * epoch / 8)) / 2, rtol=1e-12)
    saved = sched.state_dict()
    assert "optimizer" not in saved and _is_plain(saved)
    other = optim.CosineAnnealingLR(optim.SGD([Parameter(np.zeros(1))], lr=0.2), T_max=8, eta_min=0.05)
    other.load_state_dict(saved)
    assert other.last_epoch == 8 and other.get_last_lr() == sched.get_last_lr()


@pytest.mark.parametrize("make", [lambda o: optim.StepLR(o, 0), lambda o: optim.StepLR(o, 1.5),
                                  lambda o: optim.CosineAnnealingLR(o, 0)])
def test_bad_schedule_arguments(make):
    with pytest.raises(ValueError):
        make(optim.SGD([Parameter(np.zeros(1))], lr=0.1))
