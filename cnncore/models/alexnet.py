"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012), as in torchvision."""
from collections import OrderedDict

from .. import nn

__all__ = ["alexnet"]


def alexnet(num_classes=1000):
    """ReLU, dropout and large early kernels: 61,100,840 parameters, like ``torchvision.models.alexnet``.

    State_dict keys match torchvision (``features.0.weight``, ``classifier.1.weight``, ...).

    Shape:
        - Input: ``(N, 3, 224, 224)``
        - Output: ``(N, num_classes)``
    """
    features = nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),   # (N, 64, 27, 27)
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),            # (N, 192, 13, 13)
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),           # (N, 256, 6, 6)
    )
    classifier = nn.Sequential(
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, num_classes),
    )
    return nn.Sequential(OrderedDict(features=features, avgpool=nn.AdaptiveAvgPool2d(6),
                                     flatten=nn.Flatten(), classifier=classifier))
