"""Looking inside a network: every layer's output, and every layer's gradient.

A network is a tree of modules (``features.0``, ``layer1.0.conv1``, ...).
To see what each one computes, we run the network once while every
module's ``forward`` is temporarily wrapped by a function that keeps a copy
of what it returns; to see how the loss depends on each layer, we run the
backward pass with every ``backward`` wrapped the same way, keeping the
upstream gradient ``dL/d(output)`` each module receives. The wrappers are
removed afterwards (also when the pass fails), so the model is unchanged.

Gradients here start from a chosen quantity at the output:

* a class **score** ``z_t`` (saliency style): ``dz_t/dz`` is one-hot;
* a **cross-entropy** loss for label ``t``:
  ``dL/dz = (softmax(z) - onehot(t)) / N`` (the batch mean, as in PyTorch).

The model runs in whatever mode it is in; call ``model.eval()`` first so
that dropout and batch normalization behave as at test time.
"""
import contextlib
from collections import OrderedDict

import numpy as np

from ..errors import ShapeError

__all__ = ['INPUT', 'capture', 'capture_gradients', 'output_gradient', 'input_gradient']

#: Key of the gradient with respect to the network's input in :func:`capture_gradients`.
INPUT = "input"


def _named_submodules(model):
    """``(name, module)`` for every module below the root, each module once."""
    seen = set()
    for name, module in model.named_modules():
        if module is model or id(module) in seen:
            continue
        seen.add(id(module))
        yield name, module


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@contextlib.contextmanager
def _wrapped(named_modules, method, make_wrapper):
    """Temporarily replace ``module.<method>`` by ``make_wrapper(name, module, original)``.

    The wrapper is set on the instance, so it shadows the class's method for
    every caller (``module(x)``, ``Sequential``, residual blocks). The
    original is put back on exit, even if the pass raised.
    """
    saved = []
    try:
        for name, module in named_modules:
            own = module.__dict__.get(method, _MISSING)
            original = getattr(module, method)
            saved.append((module, own))
            object.__setattr__(module, method, make_wrapper(name, module, original))
        yield
    finally:
        for module, own in reversed(saved):
            if own is _MISSING:
                object.__delattr__(module, method)
            else:
                object.__setattr__(module, method, own)


_MISSING = object()


@contextlib.contextmanager
def _gradient_pass(model):
    """Backward passes inside leave the model's gradients as they were.

    Every ``backward`` *adds* into ``param.grad``. Inside this context the
    parameters start with ``grad = None``; on exit their previous gradients
    are put back, so an inspection never leaves gradients behind (nor
    spoils a training step's accumulated ones). ``needs_input_grad`` is
    switched on for every layer meanwhile, so the first layer also computes
    ``dL/dx`` (normally skipped: the input is the image).
    """
    params = list(model.parameters())
    grads = [p.grad for p in params]
    flags = [(m, m.needs_input_grad) for m in model.modules() if hasattr(m, "needs_input_grad")]
    try:
        for p in params:
            p.grad = None
        for m, _ in flags:
            m.needs_input_grad = True
        yield
    finally:
        for p, g in zip(params, grads):
            p.grad = g
        for m, flag in flags:
            m.needs_input_grad = flag


def _run_recording(model, x, inputs=False):
    """One forward pass that records outputs (copies) and, optionally, inputs.

    Returns ``(output, outputs, inputs, order)``: ``outputs`` and ``inputs``
    map module names to arrays in the order the outputs were produced;
    ``order`` lists module names in the order their forward *started*.
    The recorded inputs are the arrays the modules received (not copies).
    """
    outputs, seen_inputs, order = OrderedDict(), OrderedDict(), []

    def make_wrapper(name, module, original):
        def forward(*args, **kwargs):
            order.append(name)
            if inputs and args:
                seen_inputs[name] = args[0]
            y = original(*args, **kwargs)
            outputs.pop(name, None)          # a module called twice keeps its last output
            outputs[name] = _copy(y)
            return y
        return forward

    with _wrapped(list(_named_submodules(model)), "forward", make_wrapper):
        output = model(x)
    return output, outputs, seen_inputs, order


def capture(model, x):
    """Run ``model`` on ``x`` once and return every module's output by name.

    Names are the module paths of ``model.named_modules()``: ``'0'``,
    ``'1'``, ... in a ``Sequential``; for nested blocks both the layers
    inside (``'layer1.0.conv1'``) and the blocks themselves (``'layer1.0'``,
    ``'layer1'``). Entries are in the order the outputs were produced, so a
    block comes right after the last layer inside it. A module used twice in
    one pass (a shared ReLU) keeps the output of its last call.

    The activations are copies: later in-place operations (a residual
    ``out += identity``) do not change them.

    Args:
        model: any :class:`~cnncore.nn.Module`.
        x: the input batch.

    Returns:
        ``(output, activations)``: the model's output (exactly what
        ``model(x)`` returns) and an ``OrderedDict`` name -> array.

    Shape:
        - x: ``(N, C, H, W)`` (or whatever ``model`` accepts)
        - activations[name]: that module's output, e.g. ``(N, C_l, H_l, W_l)``
    """
    output, outputs, _, _ = _run_recording(model, x)
    return output, outputs


def _softmax(z, axis=-1):
    """``exp(z - max z) / sum exp(z - max z)``: subtracting the max avoids overflow."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _targets(logits, target):
    """Class index per sample: the prediction for ``None``/``'pred'``, else ``target``."""
    n, k = logits.shape
    if target is None or (isinstance(target, str) and target == "pred"):
        return logits.argmax(axis=1)
    if isinstance(target, str):
        raise ValueError(f"target must be None, 'pred', a class index or one per sample, got {target!r}")
    t = np.broadcast_to(np.asarray(target), (n,)).astype(np.int64)
    if t.min() < 0 or t.max() >= k:
        raise ShapeError(f"target class {t.tolist()} out of range for {k} classes")
    return t


def output_gradient(logits, target=None, loss=None):
    """The gradient a backward pass starts from, and the classes it refers to.

    Args:
        logits: class scores ``z``.
        target: ``None`` or ``'pred'`` (each sample's predicted class), a
            class index (the same for every sample) or one index per sample.
        loss: ``None`` or ``'score'``: the gradient of the score
            ``sum_n z[n, t_n]``, i.e. one-hot rows (saliency style).
            ``'cross_entropy'``: the gradient of the mean cross-entropy
            ``-mean_n log softmax(z)[n, t_n]``, ``(softmax(z) - onehot) / N``.
            A callable ``loss(logits, targets) -> dL/dlogits`` is used as is.

    Returns:
        ``(grad, targets)``: ``dL/dz`` with the shape and dtype of ``logits``,
        and the class index per sample.

    Shape:
        - logits: ``(N, K)``
        - grad: ``(N, K)``; targets: ``(N,)``
    """
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ShapeError(f"output_gradient: expected class scores (N, K), got shape {tuple(logits.shape)}")
    t = _targets(logits, target)
    onehot = np.zeros(logits.shape, dtype=logits.dtype)
    onehot[np.arange(len(t)), t] = 1
    if loss is None or (isinstance(loss, str) and loss == "score"):
        return onehot, t
    if isinstance(loss, str) and loss == "cross_entropy":
        return ((_softmax(logits) - onehot) / len(t)).astype(logits.dtype), t
    if callable(loss):
        return np.asarray(loss(logits, t), dtype=logits.dtype).reshape(logits.shape), t
    raise ValueError(f"loss must be None, 'score', 'cross_entropy' or a callable, got {loss!r}")


def capture_gradients(model, x, target=None, loss=None):
    """One forward and one backward pass; every module's output gradient by name.

    The backward pass starts from :func:`output_gradient` (``target`` and
    ``loss`` as there: by default the one-hot gradient of the predicted
    class's score). Each module's entry is the upstream gradient it
    received, ``dL/d(output of that module)``, so it has the shape of the
    module's activation in :func:`capture`. The first entry, key
    :data:`INPUT` (``'input'``), is ``dL/dx`` for the network's input.

    Parameter gradients: the pass adds into every ``param.grad``; here the
    gradients are cleared before and the previous ones restored after, so
    the model's ``.grad`` are left exactly as they were.

    Returns:
        ``(output, gradients)``: the model's output and an ``OrderedDict``
        name -> ``dL/d(activation)``, in the order of :func:`capture`
        (after ``'input'``).

    Shape:
        - x: ``(N, C, H, W)``; output: ``(N, K)``
        - gradients[name]: the shape of that module's output
    """
    grads = {}

    def make_wrapper(name, module, original):
        def backward(grad_out):
            grads[name] = _copy(grad_out)
            return original(grad_out)
        return backward

    with _gradient_pass(model):
        output, outputs, _, _ = _run_recording(model, x)
        seed, _ = output_gradient(output, target, loss)
        with _wrapped(list(_named_submodules(model)), "backward", make_wrapper):
            dx = model.backward(seed)
    ordered = OrderedDict([(INPUT, dx)])
    for name in outputs:
        if name in grads:
            ordered[name] = grads[name]
    return output, ordered


def input_gradient(model, x, target=None, loss=None):
    """``(output, dL/dx, targets)`` from one forward and one backward pass.

    The same pass as :func:`capture_gradients` without recording the
    layers: the building block of saliency maps. ``model``'s parameter
    gradients are left as they were.

    Shape:
        - x: ``(N, C, H, W)``; output: ``(N, K)``; dL/dx: ``(N, C, H, W)``; targets: ``(N,)``
    """
    with _gradient_pass(model):
        output = model(x)
        seed, t = output_gradient(output, target, loss)
        dx = model.backward(seed)
    return output, dx, t
