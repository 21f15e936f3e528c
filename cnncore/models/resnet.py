"""Residual networks (He et al., 2015): torchvision's ImageNet ResNets and small ones for digits."""
from collections import OrderedDict

from .. import nn
from ._build import finish

__all__ = ["resnet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
           "resnet_small", "plain_net"]

_LAYOUTS = {18: ("basic", [2, 2, 2, 2]), 34: ("basic", [3, 4, 6, 3]), 50: ("bottleneck", [3, 4, 6, 3]),
            101: ("bottleneck", [3, 4, 23, 3]), 152: ("bottleneck", [3, 8, 36, 3])}


def _stage(block, inplanes, planes, blocks, stride, shortcut=True):
    """``blocks`` residual blocks; the first may change size (and gets the projection shortcut)."""
    kwargs = {} if shortcut else {"shortcut": False}
    layers = [block(inplanes, planes, stride, **kwargs)]
    inplanes = planes * block.expansion
    layers += [block(inplanes, planes, **kwargs) for _ in range(1, blocks)]
    return nn.Sequential(*layers), inplanes


def resnet(depth, num_classes=1000):
    """ResNet-``depth`` (18, 34, 50, 101, 152) with torchvision's structure and keys.

    18 and 34 use the basic block (two 3x3 convolutions); 50 and deeper the
    bottleneck (1x1 → 3x3 → 1x1, expansion 4).

    Shape:
        - Input: ``(N, 3, 224, 224)``
        - Output: ``(N, num_classes)``
    """
    kind, counts = _LAYOUTS[depth]
    block = nn.BasicBlock if kind == "basic" else nn.Bottleneck
    parts = OrderedDict(conv1=nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False),
                        bn1=nn.BatchNorm2d(64), relu=nn.ReLU(), maxpool=nn.MaxPool2d(3, 2, padding=1))
    inplanes = 64
    for i, (planes, blocks) in enumerate(zip((64, 128, 256, 512), counts)):
        parts[f"layer{i + 1}"], inplanes = _stage(block, inplanes, planes, blocks, 1 if i == 0 else 2)
    parts.update(avgpool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(), fc=nn.Linear(inplanes, num_classes))
    return nn.Sequential(parts)


def resnet18(num_classes=1000):
    """ResNet-18: 11,689,512 parameters."""
    return resnet(18, num_classes)


def resnet34(num_classes=1000):
    """ResNet-34: 21,797,672 parameters."""
    return resnet(34, num_classes)


def resnet50(num_classes=1000):
    """ResNet-50: 25,557,032 parameters."""
    return resnet(50, num_classes)


def resnet101(num_classes=1000):
    """ResNet-101: 44,549,160 parameters."""
    return resnet(101, num_classes)


def resnet152(num_classes=1000):
    """ResNet-152: 60,192,808 parameters."""
    return resnet(152, num_classes)


def _small(depth, width, shortcut, name, pretrained):
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n+2 (8, 14, 20, 26, 32, ...), got {depth}")
    n = (depth - 2) // 6
    parts = OrderedDict(conv1=nn.Conv2d(1, width, 3, padding=1, bias=False),
                        bn1=nn.BatchNorm2d(width), relu=nn.ReLU())      # (N, w, 28, 28)
    inplanes = width
    for i, stride in enumerate((1, 2, 2)):                               # 28 → 28 → 14 → 7
        parts[f"layer{i + 1}"], inplanes = _stage(nn.BasicBlock, inplanes, width * 2 ** i, n, stride, shortcut)
    parts.update(avgpool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(), fc=nn.Linear(inplanes, 10))
    model = nn.Sequential(parts)
    return finish(model, name, pretrained and depth == 8 and width == 8)


def resnet_small(depth=8, width=8, pretrained=False):
    """A CIFAR-style ResNet for 28x28 digits: ``depth = 6n + 2`` layers with weights.

    A 3x3 stem, three stages of ``n`` basic blocks with ``width``, ``2*width``
    and ``4*width`` channels (the second and third halve the size, through a
    projection shortcut), global average pooling and one linear layer.
    Pretrained weights ship for ``depth=8, width=8``.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)``
    """
    return _small(depth, width, True, "resnet_small", pretrained)


def plain_net(depth=8, width=8, pretrained=False):
    """:func:`resnet_small` without the shortcuts: the same layers, no additions.

    Deep plain networks train worse than shallow ones (the *degradation*
    problem); the same depth with shortcuts does not.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)``
    """
    return _small(depth, width, False, "plain_net", pretrained)
