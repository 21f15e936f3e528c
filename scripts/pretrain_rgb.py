"""Train the colour CNN the photo views offer and write ``cnncore/assets/photo_tiles.npz``.

    python scripts/pretrain_rgb.py            # train, print the held-out accuracy, save
    python scripts/pretrain_rgb.py --check    # train and compare with the shipped file

The data: 32x32 patches of the seven shipped pictures, labelled with the picture they come
from; held-out patches come from the right quarter of each picture, training patches from
the rest (``cnncore.models.photo_tiles.tile_split``: no held-out patch overlaps a training
patch). The network: ``cnncore.models.small_rgb.small_rgb_cnn(7)``, Adam, seeded.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnncore import backend  # noqa: E402
from cnncore.models import photo_tiles as tiles  # noqa: E402
from cnncore.pretrain import ASSETS, save_weights  # noqa: E402
from cnncore.random import manual_seed  # noqa: E402
from cnncore.train import Trainer, evaluate  # noqa: E402

EPOCHS, LR, BATCH, SEED = 12, 0.003, 32, 0


def train(log=print):
    """Train on the training patches; return ``(model, held-out EvalResult)``."""
    (train_x, train_y), (held_x, held_y) = tiles.tile_split()
    log(f"{len(train_y)} training patches, {len(held_y)} held-out patches, {len(tiles.PHOTO_CLASSES)} classes")
    manual_seed(SEED)
    model = tiles.photo_tiles(pretrained=False)
    held = (tiles.to_input(held_x), held_y)
    trainer = Trainer(model, (tiles.to_input(train_x), train_y), test_data=held, optimizer="adam", lr=LR,
                      batch_size=BATCH, epochs=EPOCHS, schedule="cosine", seed=SEED, grad_norms=False)
    start = time.perf_counter()
    for event in trainer.events():
        if event.kind == "eval":
            log(f"  epoch {event.epoch}: held-out accuracy {event.accuracy:.1%}")
        elif event.kind == "diverged":
            raise RuntimeError(f"training diverged: {event.reason}")
    model.eval()
    result = evaluate(model, *held)
    log(f"held-out accuracy {result.accuracy:.1%} (chance {1 / len(tiles.PHOTO_CLASSES):.1%}) "
        f"in {time.perf_counter() - start:.0f} s")
    for name, row in zip(tiles.PHOTO_CLASSES, result.confusion):
        log(f"  {name:10s} {row[list(tiles.PHOTO_CLASSES).index(name)]}/{row.sum()} right")
    return model, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ASSETS / f"{tiles.NAME}.npz")
    parser.add_argument("--check", action="store_true", help="compare with the shipped weights, write nothing")
    args = parser.parse_args(argv)
    backend.limit_blas_threads(1)
    model, _ = train()
    if args.check:
        shipped = tiles.photo_tiles(pretrained=True).state_dict()
        same = all(np.array_equal(shipped[k], v) for k, v in model.state_dict().items())
        print("same weights as the shipped file" if same else "the weights differ from the shipped file")
        return 0 if same else 1
    save_weights(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
