"""Tiny VGG, the network of CNN Explainer (Wang et al., 2020)."""
from .. import nn
from ._build import finish

__all__ = ["tiny_vgg"]


def tiny_vgg(pretrained=False):
    """Two VGG blocks of two 3x3 convolutions (10 channels, no padding) and a max-pool each.

    CNN Explainer runs it on 64x64 colour images; here it reads 28x28 digits:
    ``28 → 26 → 24 → 12 → 10 → 8 → 4``.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)``
    """
    model = nn.Sequential(
        nn.Conv2d(1, 10, 3), nn.ReLU(), nn.Conv2d(10, 10, 3), nn.ReLU(), nn.MaxPool2d(2),   # (N, 10, 12, 12)
        nn.Conv2d(10, 10, 3), nn.ReLU(), nn.Conv2d(10, 10, 3), nn.ReLU(), nn.MaxPool2d(2),  # (N, 10, 4, 4)
        nn.Flatten(),                                                                         # (N, 160)
        nn.Linear(10 * 4 * 4, 10),
    )
    return finish(model, "tiny_vgg", pretrained)
