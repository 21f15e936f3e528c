"""The cost ledger: what every layer of a network costs, computed from shapes alone.

For each layer: the output shape, the number of parameters, the
multiply-accumulates (MACs) of one forward pass, the bytes of its output
(*activation memory*), and the bytes this engine keeps for the backward
pass (a convolution keeps its im2col matrix: ``k*k`` times its input). For
convolutions it also gives the parameter count of the fully-connected layer
that would map the same input to the same output — weight sharing, in
numbers.

Nothing is computed on data, so a model built inside
``cnncore.nn.init.meta()`` (placeholder weights) gives VGG-16's ledger
without allocating its 138 million parameters.
"""
from dataclasses import dataclass, field

import numpy as np

from .. import nn

__all__ = ["LayerCost", "Summary", "summary"]


@dataclass
class LayerCost:
    """One row of the ledger."""
    name: str
    kind: str
    input_shape: tuple
    output_shape: tuple
    params: int = 0
    macs: int = 0
    activation_bytes: int = 0   # the layer's output
    saved_bytes: int = 0        # what backward needs from the forward pass
    fc_params: int = 0          # a fully-connected layer with the same input and output
    detail: str = ""            # e.g. "5x5 s1 p2"


@dataclass
class Summary:
    """The ledger of a whole network: ``rows`` and their totals."""
    input_shape: tuple
    rows: list = field(default_factory=list)
    params: int = 0
    param_bytes: int = 0

    @property
    def output_shape(self):
        return self.rows[-1].output_shape if self.rows else self.input_shape

    @property
    def macs(self):
        return sum(r.macs for r in self.rows)

    @property
    def activation_bytes(self):
        return sum(r.activation_bytes for r in self.rows)

    @property
    def saved_bytes(self):
        return sum(r.saved_bytes for r in self.rows)

    @property
    def bottleneck(self):
        """The layer with the most multiply-accumulates."""
        return max(self.rows, key=lambda r: r.macs)

    def by_kind(self):
        """Totals per layer type: ``{kind: {"params", "macs", "activation_bytes"}}``."""
        out = {}
        for r in self.rows:
            t = out.setdefault(r.kind, {"params": 0, "macs": 0, "activation_bytes": 0, "layers": 0})
            t["params"] += r.params
            t["macs"] += r.macs
            t["activation_bytes"] += r.activation_bytes
            t["layers"] += 1
        return out

    def table(self):
        """The ledger as fixed-width text."""
        head = f"{'layer':<28}{'type':<18}{'output':<22}{'params':>14}{'MACs':>17}{'act. KB':>11}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.name[:27]:<28}{r.kind[:17]:<18}{str(r.output_shape)[:21]:<22}"
                         f"{r.params:>14,}{r.macs:>17,}{r.activation_bytes / 1024:>11,.1f}")
        lines.append("-" * len(head))
        lines.append(f"{'total':<68}{self.params:>14,}{self.macs:>17,}{self.activation_bytes / 1024:>11,.1f}")
        return "\n".join(lines)


def _count(shape):
    return int(np.prod(shape, dtype=np.int64))


def _leaf_cost(module, name, in_shape, out_shape, itemsize):
    kind = type(module).__name__
    row = LayerCost(name, kind, tuple(in_shape), tuple(out_shape),
                    params=sum(p.size for p in module._parameters.values() if p is not None),
                    activation_bytes=_count(out_shape) * itemsize)
    n_in, n_out = _count(in_shape), _count(out_shape)
    if isinstance(module, nn.Conv2d):
        (kh, kw), c = module.kernel_size, module.in_channels
        window = c // module.groups * kh * kw
        row.macs = n_out * window
        row.saved_bytes = n_out // out_shape[1] * c * kh * kw * itemsize       # the im2col matrix
        per_example_in, per_example_out = n_in // in_shape[0], n_out // out_shape[0]
        row.fc_params = per_example_in * per_example_out + per_example_out
        row.detail = (f"{kh}x{kw} s{module.stride[0]} p{module.padding if isinstance(module.padding, str) else module.padding[0]}"
                      + (f" d{module.dilation[0]}" if module.dilation != (1, 1) else "")
                      + (f" g{module.groups}" if module.groups != 1 else ""))
    elif isinstance(module, nn.Linear):
        row.macs = in_shape[0] * module.in_features * module.out_features
        row.saved_bytes = n_in * itemsize
        row.fc_params = row.params
    elif kind.startswith("BatchNorm"):
        row.macs = n_in                      # y = a*x + b per element at evaluation
        row.saved_bytes = n_in * itemsize    # the normalized input
    elif kind in ("MaxPool2d", "MinPool2d", "StochasticPool2d"):
        row.saved_bytes = n_out * 8          # which input won, one index per output
        k = getattr(module, "kernel_size", 1)
        row.detail = f"{k} s{getattr(module, 'stride', k)}"
    elif kind in ("AvgPool2d", "LPPool2d", "AdaptiveAvgPool2d"):
        row.macs = n_in                      # every input is added once (or more with overlap)
    elif kind == "AttentionPool2d":
        row.macs = 2 * n_in                  # the 1x1 score and the weighted sum read every input once each
        row.saved_bytes = n_in // in_shape[1] * itemsize   # the softmax weights, one per position
    elif kind == "BilinearPool2d":
        row.macs = n_in * in_shape[1]        # every pair of channels at every position: N C C H W
    elif kind in ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"):
        row.saved_bytes = n_out * itemsize
    elif kind == "Dropout":
        row.saved_bytes = n_out * itemsize   # the mask
    return row


def _is_residual_block(module):
    return all(hasattr(module, a) for a in ("conv1", "bn1", "conv2", "bn2", "downsample"))


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def _trace(module, shape, name, rows, itemsize):
    """Walk ``module`` in execution order, appending a row per layer; return its output shape."""
    if isinstance(module, nn.Sequential):
        for child_name, child in module.named_children():
            shape = _trace(child, shape, _join(name, child_name), rows, itemsize)
        return shape
    if isinstance(module, nn.Concat):
        outs = [_trace(b, shape, _join(name, bn), rows, itemsize) for bn, b in module.named_children()]
        out = (outs[0][0], sum(o[1] for o in outs), *outs[0][2:])
        rows.append(LayerCost(_join(name, "concat"), "Concat", tuple(shape), out,
                              activation_bytes=_count(out) * itemsize))
        return out
    if _is_residual_block(module):
        x_shape = shape
        main = ["conv1", "bn1", "relu", "conv2", "bn2"] + (["relu", "conv3", "bn3"] if hasattr(module, "conv3") else [])
        for part in main:
            layer = getattr(module, part, None) if part != "relu" else nn.ReLU()
            shape = _trace(layer, shape, _join(name, part), rows, itemsize)
        if getattr(module, "downsample", None) is not None:
            _trace(module.downsample, x_shape, _join(name, "downsample"), rows, itemsize)
        if getattr(module, "shortcut", True) is not False:
            rows.append(LayerCost(_join(name, "add"), "Add", tuple(shape), tuple(shape),
                                  macs=0, activation_bytes=_count(shape) * itemsize))
        return _trace(nn.ReLU(), shape, _join(name, "relu_out"), rows, itemsize)
    if module._modules:
        raise NotImplementedError(f"the ledger cannot trace {type(module).__name__} ({name})")
    out = tuple(module.output_shape(shape))
    rows.append(_leaf_cost(module, name, shape, out, itemsize))
    return out


def summary(model, input_shape, dtype=np.float32):
    """The cost ledger of ``model`` for inputs of ``input_shape``.

    ``input_shape`` may leave out the batch axis (``(1, 28, 28)`` means one
    example). Parameters are counted once even if a layer is used twice.

    Shape:
        - input_shape: ``(N, C, H, W)`` or ``(C, H, W)``
    """
    shape = tuple(input_shape)
    if len(shape) == 3:
        shape = (1,) + shape
    itemsize = np.dtype(dtype).itemsize
    result = Summary(shape)
    _trace(model, shape, "", result.rows, itemsize)
    params = {id(p): p for p in model.parameters()}
    result.params = sum(p.size for p in params.values())
    result.param_bytes = sum(p.size * itemsize for p in params.values())
    return result
