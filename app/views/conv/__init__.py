"""The convolution lab: kernel size, stride, padding, dilation; the sliding window; RGB and 1x1."""
