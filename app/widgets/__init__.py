"""Widgets and plots two or more views share, and every browser component of the playground.

Every custom browser component (a ``JSComponent``) is imported here, with the package: the page
learns a component's type only from the document it is first rendered with, so a view built
later (the playground builds each view when it is first shown) may only use components that
already existed then ("could not resolve type ..." in the browser otherwise).
"""
from app.widgets.canvas import *  # noqa: F401,F403
from app.widgets.kernel_grid import KernelGrid, KeyShortcuts  # noqa: F401
from app.widgets.lesson_remote import LessonRemote  # noqa: F401
from app.widgets.plots import *  # noqa: F401,F403
from app.widgets.upload import FileUpload  # noqa: F401
from app.widgets.webcam import Webcam  # noqa: F401
