"""VGG (Simonyan and Zisserman, 2014): only 3x3 convolutions, stacked deep, as in torchvision."""
from collections import OrderedDict

from .. import nn

__all__ = ["vgg", "vgg11", "vgg16", "vgg19", "VGG_CONFIGS"]

# Output channels of each 3x3 convolution; "M" is a 2x2 max-pool.
VGG_CONFIGS = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"],
}


def vgg(depth, num_classes=1000, in_channels=3):
    """VGG-``depth`` (11, 16 or 19 weight layers) with torchvision's keys and sizes.

    Two stacked 3x3 convolutions see a 5x5 window with fewer weights than
    one 5x5 (2*9 vs 25 per channel pair) and an extra non-linearity.

    Shape:
        - Input: ``(N, 3, 224, 224)``
        - Output: ``(N, num_classes)``
    """
    layers, channels = [], in_channels
    for v in VGG_CONFIGS[depth]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, v, 3, padding=1), nn.ReLU()]
            channels = v
    classifier = nn.Sequential(
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes),
    )
    return nn.Sequential(OrderedDict(features=nn.Sequential(*layers), avgpool=nn.AdaptiveAvgPool2d(7),
                                     flatten=nn.Flatten(), classifier=classifier))


def vgg11(num_classes=1000):
    """VGG-11 (configuration A): 132,863,336 parameters."""
    return vgg(11, num_classes)


def vgg16(num_classes=1000):
    """VGG-16 (configuration D): 138,357,544 parameters."""
    return vgg(16, num_classes)


def vgg19(num_classes=1000):
    """VGG-19 (configuration E): 143,667,240 parameters."""
    return vgg(19, num_classes)
