"""The pooling & activations lab: pooling of real feature maps and where the gradient goes."""
