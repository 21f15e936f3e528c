"""The equivariance & invariance lab: shift and rotate the input, see what moves."""
