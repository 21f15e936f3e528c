"""The student's own data set: 2-6 named classes of small colour pictures, and its file format.

Every picture added (an upload, a webcam frame, a starter tile) is made ``SIZE x SIZE``
RGB at once (:func:`cnncore.images.fit`: cover the square keeping the aspect ratio, area
average, cut the middle), so the set is small and every picture is what the network sees.

**Held-out split.** The last quarter of each class (rounded down) is held out: the network
never trains on them, and they measure it. The *last* pictures, not every fourth: a webcam
burst gives near-identical neighbouring frames, and holding out the neighbour of a training
frame would measure memory, not learning.

**The file** (``to_bytes``/``from_bytes``): a ``.npz`` read with ``allow_pickle=False``,
so opening a file can never run code:

========== =================== ==========================================
key        dtype, shape        meaning
========== =================== ==========================================
format     str ()              ``"cnn-playground-classes/1"``
names      str (C,)            the class names, 2-6 of them
images     uint8 (N, 32, 32, 3) every picture, RGB, HWC
labels     int64 (N,)          each picture's class, 0..C-1, in order
========== =================== ==========================================

The trained network has a file of its own: :mod:`app.views.classes.network`.
"""
import io
import zipfile

import numpy as np

from cnncore.data import texture_patches
from cnncore.images import fit

__all__ = ["ClassData", "DataError", "SIZE", "MIN_CLASSES", "MAX_CLASSES", "MAX_PER_CLASS", "MIN_TO_TRAIN",
           "FORMAT"]

SIZE = 32
MIN_CLASSES, MAX_CLASSES = 2, 6
MAX_PER_CLASS = 500
MIN_TO_TRAIN = 2          # pictures a class needs before the network can train
MAX_NAME = 40
FORMAT = "cnn-playground-classes/1"
MAX_FILE_BYTES = 50_000_000


class DataError(ValueError):
    """Something the data set refuses; ``code`` and ``fields`` name it for a translated message."""

    def __init__(self, code, message, **fields):
        self.code, self.fields = code, fields
        super().__init__(message)


class ClassData:
    """Named classes, each a list of ``(SIZE, SIZE, 3)`` uint8 pictures."""

    def __init__(self, names=("class 1", "class 2")):
        self.names, self.pictures = [], []
        for name in names:
            self.add_class(name)

    # -- classes ---------------------------------------------------------------
    def add_class(self, name):
        """A new empty class; returns its index."""
        if len(self.names) >= MAX_CLASSES:
            raise DataError("too_many_classes", f"at most {MAX_CLASSES} classes", max=MAX_CLASSES)
        self.names.append(self._clean(name, len(self.names)))
        self.pictures.append([])
        return len(self.names) - 1

    def remove_class(self, index):
        if len(self.names) <= MIN_CLASSES:
            raise DataError("too_few_classes", f"at least {MIN_CLASSES} classes", min=MIN_CLASSES)
        del self.names[index], self.pictures[index]

    def rename(self, index, name):
        self.names[index] = self._clean(name, index)

    def _clean(self, name, index):
        """One line, at most MAX_NAME characters, never empty, never another class's name."""
        name = " ".join(str(name).split())[:MAX_NAME] or f"class {index + 1}"
        others = [n for i, n in enumerate(self.names) if i != index]
        base, k = name, 2
        while name in others:
            name, k = f"{base} ({k})", k + 1
        return name

    # -- pictures --------------------------------------------------------------
    def add(self, index, image):
        """Add one picture (any size, ``(H, W, 3)`` uint8) to class ``index``; returns False when
        the class is full (``MAX_PER_CLASS``), so a burst stops and says so."""
        if len(self.pictures[index]) >= MAX_PER_CLASS:
            return False
        image = np.asarray(image)
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise DataError("bad_picture", f"expected an (H, W, 3) uint8 picture, got {image.shape} {image.dtype}")
        small = image if image.shape[:2] == (SIZE, SIZE) else fit(image, (SIZE, SIZE))
        self.pictures[index].append(np.array(small, np.uint8))
        return True

    def clear(self, index):
        self.pictures[index] = []

    def counts(self):
        return [len(p) for p in self.pictures]

    def held_out_counts(self):
        """How many of each class are held out: the last quarter, rounded down."""
        return [n // 4 for n in self.counts()]

    # -- for training ------------------------------------------------------------
    def problems(self):
        """Why the network cannot train yet: ``[(class index, count), ...]`` of the classes with
        fewer than ``MIN_TO_TRAIN`` pictures (empty when it can)."""
        return [(i, n) for i, n in enumerate(self.counts()) if n < MIN_TO_TRAIN]

    def split(self):
        """``(train, held_out)``, each ``(images (N, SIZE, SIZE, 3) uint8, labels (N,) int64)``."""
        parts = {"train": ([], []), "held": ([], [])}
        for label, (pictures, held) in enumerate(zip(self.pictures, self.held_out_counts())):
            cut = len(pictures) - held
            for key, chosen in (("train", pictures[:cut]), ("held", pictures[cut:])):
                parts[key][0].extend(chosen)
                parts[key][1].extend([label] * len(chosen))
        return tuple(_stack(*parts[key]) for key in ("train", "held"))

    # -- the file ----------------------------------------------------------------
    def arrays(self):
        images = [p for pictures in self.pictures for p in pictures]
        labels = [label for label, pictures in enumerate(self.pictures) for _ in pictures]
        images, labels = _stack(images, labels)
        return {"format": np.array(FORMAT), "names": np.array(self.names), "images": images, "labels": labels}

    def to_bytes(self):
        """The data set as a ``.npz`` (see the module docstring)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **self.arrays())
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data):
        """Read a data-set file; anything else raises :class:`DataError` (``bad_file``) saying why."""
        def bad(why):
            return DataError("bad_file", f"not a data set of this playground: {why}", why=why)

        if len(data) > MAX_FILE_BYTES:
            raise bad(f"it is {len(data) / 1e6:.0f} MB, larger than {MAX_FILE_BYTES / 1e6:.0f} MB")
        try:
            with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in ("format", "names", "images", "labels") if key in archive}
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError, TypeError, AttributeError) as exc:
            raise bad(f"it is not a readable .npz ({type(exc).__name__})") from None
        missing = {"format", "names", "images", "labels"} - set(arrays)
        if missing:
            raise bad(f"it has no {', '.join(sorted(missing))}")
        if str(arrays["format"]) != FORMAT:
            raise bad(f"its format is {str(arrays['format'])[:40]!r}, not {FORMAT!r}")
        names, images, labels = arrays["names"], arrays["images"], arrays["labels"]
        if names.ndim != 1 or names.dtype.kind != "U" or not MIN_CLASSES <= len(names) <= MAX_CLASSES:
            raise bad(f"it needs {MIN_CLASSES}-{MAX_CLASSES} class names")
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != (SIZE, SIZE, 3):
            raise bad(f"its images are {images.dtype} {images.shape}, not uint8 (N, {SIZE}, {SIZE}, 3)")
        if labels.dtype.kind not in "iu" or labels.shape != (len(images),) or \
                (len(labels) and not (0 <= labels.min() and labels.max() < len(names))):
            raise bad("its labels do not match its images and classes")
        counts = np.bincount(labels, minlength=len(names)) if len(labels) else np.zeros(len(names), int)
        if counts.max(initial=0) > MAX_PER_CLASS:
            raise bad(f"a class has {counts.max()} pictures, more than {MAX_PER_CLASS}")
        out = cls(names=[str(n) for n in names])
        for image, label in zip(images, labels):
            out.pictures[int(label)].append(np.array(image))
        return out

    @classmethod
    def starter(cls):
        """The starter set that ships: brick, grass and gravel, 64 tiles of 32x32 each, cut
        side by side from the shipped 256x256 texture photos (grey pictures, so R = G = B)."""

        images, labels, names = texture_patches(SIZE)
        out = cls(names=names)
        for image, label in zip(images, labels):
            out.pictures[int(label)].append(image)
        return out


def _stack(images, labels):
    if not images:
        return np.zeros((0, SIZE, SIZE, 3), np.uint8), np.zeros(0, np.int64)
    return np.stack(images), np.asarray(labels, np.int64)
