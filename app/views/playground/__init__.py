"""The playground: every view behind one navigation bar (``?view=<key>``)."""
