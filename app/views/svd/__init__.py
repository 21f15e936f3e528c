"""The weights & SVD lab: singular values of every layer, low-rank approximations."""
