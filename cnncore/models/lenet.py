"""LeNet-5 (LeCun et al., 1998), the network that started it all."""
from .. import nn
from ._build import finish

__all__ = ["lenet5", "lenet5_1998"]


def lenet5(pretrained=False):
    """LeNet-5 for 28x28 digits, in its modern form (ReLU and max-pooling).

    ``conv 6@5x5 pad 2 → pool → conv 16@5x5 → pool → 120 → 84 → 10``.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)`` logits
    """
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # (N, 16, 5, 5)
        nn.Flatten(),                                                 # (N, 400)
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
    return finish(model, "lenet5", pretrained)


def lenet5_1998():
    """LeNet-5 as published: 32x32 input, tanh, average-pooling "subsampling", C5 as a 5x5 conv.

    For the cost ledger. The 1998 paper's C3 connects each of its 16 maps
    to only some of S2's 6 maps (1,516 weights); this version connects all
    of them (2,416), as most re-implementations do: 61,706 parameters.

    Shape:
        - Input: ``(N, 1, 32, 32)``
        - Output: ``(N, 10)``
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),              # C1, S2: (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),             # C3, S4: (N, 16, 5, 5)
        nn.Conv2d(16, 120, 5), nn.Tanh(),                            # C5: (N, 120, 1, 1)
        nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(),                               # F6
        nn.Linear(84, 10),
    )
