"""Your classes: the student's own pictures in 2-6 classes, a colour CNN trained in the page."""
