"""GoogLeNet / Inception v1 (Szegedy et al., 2014), as in torchvision."""
from collections import OrderedDict

from .. import nn

__all__ = ["basic_conv", "inception", "googlenet"]


def basic_conv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Convolution (no bias) → BatchNorm (eps 0.001) → ReLU: torchvision's ``BasicConv2d``."""
    return nn.Sequential(OrderedDict(
        conv=nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
        bn=nn.BatchNorm2d(out_channels, eps=0.001),
        relu=nn.ReLU(),
    ))


def inception(in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, kernel5=3):
    """The Inception block: four parallel paths, concatenated on the channel axis.

    1x1 │ 1x1 → 3x3 │ 1x1 → 5x5 │ 3x3 max-pool → 1x1. The 1x1 "reduce"
    convolutions shrink the channels before the expensive larger kernels.
    torchvision's GoogLeNet uses a 3x3 kernel in the "5x5" path
    (``kernel5=3``), and so do the published parameter counts; pass
    ``kernel5=5`` for the paper's block.

    Shape:
        - Input: ``(N, in_channels, H, W)``
        - Output: ``(N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)``
    """
    return nn.Concat(OrderedDict(
        branch1=basic_conv(in_channels, ch1x1, 1),
        branch2=nn.Sequential(basic_conv(in_channels, ch3x3red, 1), basic_conv(ch3x3red, ch3x3, 3, padding=1)),
        branch3=nn.Sequential(basic_conv(in_channels, ch5x5red, 1),
                              basic_conv(ch5x5red, ch5x5, kernel5, padding=kernel5 // 2)),
        branch4=nn.Sequential(nn.MaxPool2d(3, 1, padding=1, ceil_mode=True), basic_conv(in_channels, pool_proj, 1)),
    ))


def googlenet(num_classes=1000):
    """GoogLeNet without auxiliary classifiers: 6,624,904 parameters, like torchvision's.

    Shape:
        - Input: ``(N, 3, 224, 224)``
        - Output: ``(N, num_classes)``
    """
    return nn.Sequential(OrderedDict(
        conv1=basic_conv(3, 64, 7, stride=2, padding=3),
        maxpool1=nn.MaxPool2d(3, 2, ceil_mode=True),                  # (N, 64, 56, 56)
        conv2=basic_conv(64, 64, 1),
        conv3=basic_conv(64, 192, 3, padding=1),
        maxpool2=nn.MaxPool2d(3, 2, ceil_mode=True),                  # (N, 192, 28, 28)
        inception3a=inception(192, 64, 96, 128, 16, 32, 32),
        inception3b=inception(256, 128, 128, 192, 32, 96, 64),
        maxpool3=nn.MaxPool2d(3, 2, ceil_mode=True),                  # (N, 480, 14, 14)
        inception4a=inception(480, 192, 96, 208, 16, 48, 64),
        inception4b=inception(512, 160, 112, 224, 24, 64, 64),
        inception4c=inception(512, 128, 128, 256, 24, 64, 64),
        inception4d=inception(512, 112, 144, 288, 32, 64, 64),
        inception4e=inception(528, 256, 160, 320, 32, 128, 128),
        maxpool4=nn.MaxPool2d(2, 2, ceil_mode=True),                  # (N, 832, 7, 7)
        inception5a=inception(832, 256, 160, 320, 32, 128, 128),
        inception5b=inception(832, 384, 192, 384, 48, 128, 128),
        avgpool=nn.AdaptiveAvgPool2d(1),                              # (N, 1024, 1, 1)
        flatten=nn.Flatten(),
        dropout=nn.Dropout(0.2),
        fc=nn.Linear(1024, num_classes),
    ))
