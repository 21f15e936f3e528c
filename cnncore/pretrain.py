"""Train the zoo's digit models and write the weights that ship with the package.

    python -m cnncore.pretrain                 # every model
    python -m cnncore.pretrain lenet5 tiny_vgg # some of them
    python -m cnncore.pretrain --list          # the recipes

Each model is trained on the 4,000 training digits with a fixed recipe
(optimizer, learning-rate schedule, augmentation, seed), evaluated on the
1,000 held-out test digits, and saved as a plain state_dict in
``cnncore/assets/<name>.npz``. The same command on the same NumPy gives the
same weights.
"""
import argparse
import io
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import backend, data, models
from .random import manual_seed
from .train import Trainer, evaluate


@dataclass(frozen=True)
class Recipe:
    optimizer: str = "sgd"
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    batch_size: int = 64
    epochs: int = 30
    schedule: str = "cosine"
    augment: bool = True
    seed: int = 0


RECIPES = {
    "lenet5": Recipe(),
    "tiny_vgg": Recipe(),
    "nin_small": Recipe(),
    "resnet_small": Recipe(lr=0.05, epochs=20),
    "plain_net": Recipe(lr=0.05, epochs=20),
    "convnetjs_mnist": Recipe(),
}

ASSETS = Path(__file__).parent / "assets"


def save_weights(model, path):
    """Write ``model.state_dict()`` as an ``.npz`` with fixed zip timestamps (reproducible bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in model.state_dict().items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.array(value, order="C"), allow_pickle=False)  # 0-d stays 0-d
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def train_one(name, recipe=None, log=print):
    """Train zoo model ``name`` with its recipe; return ``(model, test accuracy)``."""
    recipe = recipe or RECIPES[name]
    manual_seed(recipe.seed)
    model = models.get_model(name)
    train, test = data.load_digits("train"), data.load_digits("test")
    trainer = Trainer(model, train, test_data=test, optimizer=recipe.optimizer, lr=recipe.lr,
                      momentum=recipe.momentum, weight_decay=recipe.weight_decay,
                      batch_size=recipe.batch_size, epochs=recipe.epochs, schedule=recipe.schedule,
                      augment=data.augment if recipe.augment else None, seed=recipe.seed,
                      grad_norms=False)
    start = time.perf_counter()
    for event in trainer.events():
        if event.kind == "eval":
            log(f"  {name} step {event.step}: test accuracy {event.accuracy:.2%}")
        elif event.kind == "diverged":
            raise RuntimeError(f"{name} diverged: {event.reason}")
    model.eval()
    accuracy = evaluate(model, *test).accuracy
    log(f"{name}: {accuracy:.2%} on the 1,000 test digits in {time.perf_counter() - start:.0f} s")
    return model, accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="models to train (default: all)")
    parser.add_argument("--list", action="store_true", help="print the recipes and exit")
    parser.add_argument("--out", type=Path, default=ASSETS, help="folder for the .npz files")
    args = parser.parse_args(argv)
    backend.limit_blas_threads(1)
    if args.list:
        for name, recipe in RECIPES.items():
            print(f"{name}: {recipe}")
        return 0
    for name in args.names or list(RECIPES):
        if name not in RECIPES:
            parser.error(f"unknown model {name!r}; choose from {', '.join(RECIPES)}")
        model, _ = train_one(name)
        args.out.mkdir(parents=True, exist_ok=True)
        save_weights(model, args.out / f"{name}.npz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
