"""The fully-connected layer."""
import numpy as np

from .. import backend
from ..errors import ShapeError
from .init import uniform_fan_in
from .module import Module, Parameter

__all__ = ['Linear']


class Linear(Module):
    """``y = x W^T + b``, as ``torch.nn.Linear``.

    Backward: ``dL/dW = g^T x``, ``dL/db = sum of g over the batch``,
    ``dL/dx = g W``.

    Shape:
        - Input: ``(N, in_features)``
        - Output: ``(N, out_features)``

    Attributes:
        weight: ``(out_features, in_features)``. bias: ``(out_features,)``.
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ShapeError(f"Linear: in_features and out_features must be at least 1, "
                             f"got {in_features} and {out_features}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(uniform_fan_in((out_features, in_features), in_features, dtype))
        self.bias = Parameter(uniform_fan_in((out_features,), in_features, dtype)) if bias else None
        self.needs_input_grad = True

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ShapeError(f"Linear: expected input (N, {self.in_features}), got shape {tuple(x.shape)}")
        self._x = x
        y = backend.matmul(x, self.weight.data.T)
        if self.bias is not None:
            y += self.bias.data                   # y is new: add in place
        return y

    def output_shape(self, input_shape):
        if len(input_shape) != 2 or input_shape[1] != self.in_features:
            raise ShapeError(f"Linear: expected input (N, {self.in_features}), got shape {tuple(input_shape)}")
        return (input_shape[0], self.out_features)

    def backward(self, grad_out):
        self.weight.accumulate(backend.matmul(grad_out.T, self._x))  # (out, N) @ (N, in)
        if self.bias is not None:
            self.bias.accumulate(grad_out.sum(axis=0))
        return backend.matmul(grad_out, self.weight.data) if self.needs_input_grad else None

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
