"""The classic architectures lab: LeNet-5 to ResNet-152, the cost ledger and the roofline."""
