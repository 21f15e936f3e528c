"""The network of ConvNetJS's MNIST demo (Karpathy), for a like-for-like comparison."""
from .. import nn
from ._build import finish

__all__ = ["convnetjs_mnist"]


def convnetjs_mnist(pretrained=False):
    """``conv 8@5x5 pad 2 → pool 2 → conv 16@5x5 pad 2 → pool 3 → softmax 10``.

    ConvNetJS feeds random 24x24 crops; here the full 28x28 digit:
    ``28 → 14 → 4``.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)``
    """
    model = nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),    # (N, 8, 14, 14)
        nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 3),   # (N, 16, 4, 4)
        nn.Flatten(),                                                      # (N, 256)
        nn.Linear(16 * 4 * 4, 10),
    )
    return finish(model, "convnetjs_mnist", pretrained)
