"""Inside the network: every layer's maps and kernels; a unit's receptive field and arithmetic."""
