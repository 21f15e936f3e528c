"""The residual learning lab: a plain and a residual network trained side by side."""
