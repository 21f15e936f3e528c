"""The small colour network of the "Your classes" view: a student's 2-6 classes of 32x32 pictures."""
from .. import nn
from ..random import manual_seed

__all__ = ["small_rgb_cnn"]


def small_rgb_cnn(num_classes, seed=0):
    """Conv 3->8 3x3, ReLU, MaxPool 2, Conv 8->16 3x3, ReLU, MaxPool 2, Linear 1024 -> classes.

    Small enough to train from scratch in a browser tab in seconds (about 8,000 parameters for
    3 classes), yet two convolutions deep, so its feature maps are worth looking at.

    Shape:
        - Input: ``(N, 3, 32, 32)``; Output: ``(N, num_classes)`` logits
    """
    manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # -> (N, 8, 16, 16)
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # -> (N, 16, 8, 8)
        nn.Flatten(), nn.Linear(16 * 8 * 8, num_classes))              # -> (N, 1024) -> (N, classes)
