"""What every zoo constructor does last."""
from .pretrained import load_pretrained


def finish(model, name, pretrained):
    """Load the shipped weights if asked."""
    if pretrained:
        load_pretrained(model, name)
    return model
