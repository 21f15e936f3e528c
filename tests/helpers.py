"""Shared test tools: comparing with PyTorch and finite differences."""
import numpy as np
import torch

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}


def tol(dtype):
    """The issue's tolerances: 1e-10 relative in float64, 1e-4 in float32."""
    return TOL[np.dtype(dtype).type]


def assert_close(ours, theirs, dtype=np.float64, what=""):
    """Equal within `tol`; in float32 the absolute part scales with the tensor's largest value,
    because a sum of many float32 terms is only exact to ~1e-7 of its biggest terms, and a small
    element beside large ones inherits their rounding."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert ours is not None, f"{what}: got None"
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != {theirs.shape}"
    bounds = dict(tol(dtype))
    if np.dtype(dtype) == np.float32 and theirs.size:
        bounds["atol"] *= max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(ours, theirs, err_msg=what, **bounds)


def copy_weights(ours, theirs):
    """Load our state_dict into a torch module (strict), as a user would."""
    theirs.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in ours.state_dict().items()},
                           strict=True)
    return theirs


def compare_module(ours, theirs, x, dtype=np.float64, seed=0, check_input_grad=True):
    """Forward, input gradient and every parameter gradient against torch."""
    x = x.astype(dtype)
    ours.to(dtype)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    copy_weights(ours, theirs)
    y = ours(x)
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    assert_close(y, yt, dtype, f"{type(ours).__name__} forward")
    g = np.random.default_rng(seed).standard_normal(y.shape).astype(dtype)
    ours.zero_grad()
    dx = ours.backward(g)
    yt.backward(torch.from_numpy(g))
    if check_input_grad:
        assert_close(dx, xt.grad, dtype, f"{type(ours).__name__} input grad")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs_params[name].grad, dtype, f"grad of {name}")
    return y, dx


def numeric_grad(f, x, eps=1e-6):
    """Central finite differences of the scalar ``f()`` w.r.t. array ``x`` (changed in place)."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def check_module_gradients(module, x, seed=0, eps=1e-6, rtol=1e-6, atol=1e-8):
    """Finite-difference check (float64) of dL/dx and every dL/dparam for ``L = sum(g * y)``."""
    module.double()
    x = x.astype(np.float64)
    g = np.random.default_rng(seed).standard_normal(module(x).shape)
    loss = lambda: float((module(x) * g).sum())  # noqa: E731
    module.zero_grad()
    module(x)
    dx = module.backward(g)
    np.testing.assert_allclose(dx, numeric_grad(loss, x, eps), rtol=rtol, atol=atol, err_msg="dL/dx")
    for name, p in module.named_parameters():
        analytic = p.grad.copy()
        np.testing.assert_allclose(analytic, numeric_grad(loss, p.data, eps), rtol=rtol, atol=atol,
                                   err_msg=f"dL/d{name}")
