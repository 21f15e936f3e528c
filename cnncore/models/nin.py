"""Network in Network (Lin, Chen and Yan, 2013): 1x1 convolutions and global average pooling."""
from .. import nn
from ._build import finish

__all__ = ["nin_block", "nin_small", "nin"]


def nin_block(in_channels, out_channels, kernel_size, stride=1, padding=0, batch_norm=False):
    """One convolution followed by two 1x1 convolutions (a tiny MLP at every pixel), each with ReLU.

    With ``batch_norm`` each convolution is followed by ``BatchNorm2d``.
    """
    layers = []
    for conv in (nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
                 nn.Conv2d(out_channels, out_channels, 1), nn.Conv2d(out_channels, out_channels, 1)):
        layers += [conv, nn.BatchNorm2d(out_channels), nn.ReLU()] if batch_norm else [conv, nn.ReLU()]
    return nn.Sequential(*layers)


def nin_small(pretrained=False):
    """NiN for 28x28 digits: no fully-connected layer at all.

    The last block has one channel per class; global average pooling turns
    each channel's map into that class's score. Every convolution is
    followed by BatchNorm (which the 2013 paper predates): without it this
    stack of nine convolutions does not start learning from PyTorch's
    default initialisation (measured: 10% accuracy after 3 epochs, 80% with it).

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)``
    """
    model = nn.Sequential(
        nin_block(1, 24, 5, padding=2, batch_norm=True), nn.MaxPool2d(2),    # (N, 24, 14, 14)
        nin_block(24, 32, 3, padding=1, batch_norm=True), nn.MaxPool2d(2),   # (N, 32, 7, 7)
        nin_block(32, 10, 3, padding=1, batch_norm=True),                    # (N, 10, 7, 7)
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),                # (N, 10)
    )
    return finish(model, "nin_small", pretrained)


def nin(num_classes=1000):
    """NiN for 224x224 ImageNet images, as in Dive into Deep Learning (for the cost ledger).

    Shape:
        - Input: ``(N, 3, 224, 224)``
        - Output: ``(N, num_classes)``
    """
    return nn.Sequential(
        nin_block(3, 96, 11, stride=4), nn.MaxPool2d(3, 2),
        nin_block(96, 256, 5, padding=2), nn.MaxPool2d(3, 2),
        nin_block(256, 384, 3, padding=1), nn.MaxPool2d(3, 2),
        nn.Dropout(0.5),
        nin_block(384, num_classes, 3, padding=1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )
