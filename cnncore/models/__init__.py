"""The model zoo: small networks to train on digits, and the classics for the cost ledger.

Trainable on 28x28 digits (pretrained weights ship for these):
``lenet5``, ``tiny_vgg``, ``nin_small``, ``resnet_small``, ``plain_net``,
``convnetjs_mnist``. Call with ``pretrained=True`` to get the shipped
weights, as in torchvision.

Classic ImageNet architectures, with torchvision's structure and keys (build
them inside ``cnncore.nn.init.meta()`` to get shapes and counts without
allocating the weights): ``lenet5_1998``, ``alexnet``, ``vgg11``, ``vgg16``,
``vgg19``, ``nin``, ``googlenet``, ``resnet18`` ... ``resnet152``.
"""
from .alexnet import alexnet
from .convnetjs import convnetjs_mnist
from .googlenet import basic_conv, googlenet, inception
from .lenet import lenet5, lenet5_1998
from .nin import nin, nin_block, nin_small
from .pretrained import available as pretrained_available, load_pretrained
from .resnet import plain_net, resnet, resnet18, resnet34, resnet50, resnet101, resnet152, resnet_small
from .tiny_vgg import tiny_vgg
from .vgg import vgg, vgg11, vgg16, vgg19

# Zoo models for 28x28 digits: name -> constructor(pretrained=False).
DIGIT_MODELS = {
    "lenet5": lenet5,
    "tiny_vgg": tiny_vgg,
    "nin_small": nin_small,
    "resnet_small": resnet_small,
    "plain_net": plain_net,
    "convnetjs_mnist": convnetjs_mnist,
}

# Classic architectures: name -> (constructor, input shape of one example, year).
CLASSIC_MODELS = {
    "lenet5": (lenet5_1998, (1, 32, 32), 1998),
    "alexnet": (alexnet, (3, 224, 224), 2012),
    "vgg11": (vgg11, (3, 224, 224), 2014),
    "vgg16": (vgg16, (3, 224, 224), 2014),
    "vgg19": (vgg19, (3, 224, 224), 2014),
    "nin": (nin, (3, 224, 224), 2013),
    "googlenet": (googlenet, (3, 224, 224), 2014),
    "resnet18": (resnet18, (3, 224, 224), 2015),
    "resnet34": (resnet34, (3, 224, 224), 2015),
    "resnet50": (resnet50, (3, 224, 224), 2015),
    "resnet101": (resnet101, (3, 224, 224), 2015),
    "resnet152": (resnet152, (3, 224, 224), 2015),
}


def get_model(name, pretrained=False):
    """A digit zoo model by name (``'lenet5'``, ...)."""
    if name not in DIGIT_MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(DIGIT_MODELS)}")
    return DIGIT_MODELS[name](pretrained=pretrained)


def pretrained_models():
    """Names of the digit models whose pretrained weights ship with this installation."""
    return [name for name in DIGIT_MODELS if pretrained_available(name)]
