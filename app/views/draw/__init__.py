"""Draw & predict: a canvas, what the model sees, the ten probabilities."""
