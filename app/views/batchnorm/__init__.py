"""The BatchNorm & Dropout lab: batch statistics, running statistics, train vs eval, masks."""
