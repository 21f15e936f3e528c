"""The 1-D convolution lab: kernels, stride, padding and pooling over time on a series."""
