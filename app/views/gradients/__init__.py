"""The gradients lab: saliency, every layer's gradient, a convolution's backward pass, a finite-difference check."""
