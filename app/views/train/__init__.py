"""Train: pick or build a network, train it live, export it to PyTorch."""
