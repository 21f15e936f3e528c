"""Lessons: an ordered list of views with notes, played full screen and shared as a link or file."""
