"""Build ``cnncore/assets/photos.npz``: four real colour photos and three textures, offline.

Run once from the repository root (it needs Pillow and ``pip``; ``cnncore`` itself never
imports scikit-image, which is only where the pictures come from)::

    python scripts/make_photos.py                 # pip-download the wheel, write the .npz
    python scripts/make_photos.py --wheel X.whl   # use a wheel you already have
    python scripts/make_photos.py --check         # compare with the shipped file, write nothing

Source
    The sample images inside scikit-image's wheel (``skimage/data/``), read straight out of
    the wheel with ``zipfile`` and decoded with Pillow; scikit-image is never installed. The
    wheel's own ``skimage/data/README.txt`` says nothing about licences; what each image is and
    its licence are in the docstrings of ``skimage/data/_fetchers.py`` (the functions
    ``skimage.data.chelsea()`` etc.), quoted in ``CREDITS`` below and stored in the file.

What is kept
    * photos (RGB): ``chelsea``, ``coffee``, ``astronaut``, ``rocket``, each shrunk so its
      short side is 128 pixels (``cnncore.images.resize``: exact area averaging);
    * textures (grey in the source, stored with one channel): ``brick``, ``grass``,
      ``gravel``, 512x512 shrunk to 256x256 the same way. The "Your classes" view cuts its
      starter data set (32x32 patches) out of them.

The file
    A ``.npz`` (zip of ``.npy``, fixed timestamps, read with ``allow_pickle=False``):

    ============== ==================== ============================================
    key            dtype, shape         meaning
    ============== ==================== ============================================
    names          str (7,)             the pictures' names, photos first
    kinds          str (7,)             ``photo`` or ``texture``
    credits        str (7,)             what each picture is, its source and licence
    image_<name>   uint8 (H, W, 3 or 1) the picture, HWC, RGB (or one grey channel)
    credit         str ()               where the set comes from (the text above)
    ============== ==================== ============================================

    Rerunning on the same wheel writes the same bytes, given the same Pillow (the rocket is
    a JPEG: its decoded pixels depend on Pillow's libjpeg) and zlib.
"""
import argparse
import glob
import io
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cnncore.images import resize  # noqa: E402
from make_digits import to_npz_bytes  # noqa: E402  (same deterministic writer)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cnncore", "assets", "photos.npz")
PHOTO_SHORT_SIDE = 128
TEXTURE_SIZE = 256

# name -> (file in the wheel, kind, credit): the credit is what skimage/data/_fetchers.py says.
PICTURES = {
    "chelsea": ("chelsea.png", "photo",
                "Chelsea the cat. Photograph by Stefan van der Walt, CC0 (no copyright restrictions). "
                "From scikit-image's sample data (skimage.data.chelsea)."),
    "coffee": ("coffee.png", "photo",
               "Coffee cup, courtesy of Pikolo Espresso Bar. Photograph by Rachel Michetti, CC0 (no "
               "copyright restrictions). From scikit-image's sample data (skimage.data.coffee)."),
    "astronaut": ("astronaut.png", "photo",
                  "Astronaut Eileen Collins. NASA photograph from the NASA Great Images database "
                  "(https://flic.kr/p/r9qvLn), public domain (no known copyright restrictions). From "
                  "scikit-image's sample data (skimage.data.astronaut)."),
    "rocket": ("rocket.jpg", "photo",
               "Launch of DSCOVR on a Falcon 9 from Cape Canaveral, photograph by SpaceX "
               "(https://www.flickr.com/photos/spacexphotos/16511594820/), released into the public "
               "domain. From scikit-image's sample data (skimage.data.rocket)."),
    "brick": ("brick.png", "texture",
              "Brick wall: CC0Textures' Bricks25 (https://cc0textures.com/view.php?tex=Bricks25), CC0; "
              "perspective-corrected, rotated, cropped and made grey by scikit-image (skimage.data.brick)."),
    "grass": ("grass.png", "texture",
              "Grass: 'Grass 01' by linolafett on DeviantArt "
              "(https://www.deviantart.com/linolafett/art/Grass-01-434853879), CC0; cropped and made grey "
              "by scikit-image (skimage.data.grass)."),
    "gravel": ("gravel.png", "texture",
               "Gravel: CC0Textures' Gravel04 (https://cc0textures.com/view.php?tex=Gravel04), CC0; "
               "rescaled, cropped and made grey by scikit-image (skimage.data.gravel)."),
}
CREDIT = ("Sample images of scikit-image (https://scikit-image.org, skimage/data/), each CC0 or public "
          "domain (see 'credits'), shrunk by cnncore's scripts/make_photos.py: photos to a short side "
          f"of {PHOTO_SHORT_SIDE} px, textures to {TEXTURE_SIZE}x{TEXTURE_SIZE}, by area averaging.")


def download_wheel(folder):
    """``pip download --no-deps scikit-image`` into ``folder``; the wheel's path."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                    "scikit-image", "-d", folder], check=True)
    wheels = sorted(glob.glob(os.path.join(folder, "scikit_image-*.whl")))
    if not wheels:
        raise FileNotFoundError(f"pip wrote no scikit-image wheel into {folder}")
    return wheels[-1]


def shrink(image, kind):
    """A photo to a short side of PHOTO_SHORT_SIDE, a texture to TEXTURE_SIZE square."""
    h, w = image.shape[:2]
    if kind == "texture":
        return resize(image, (TEXTURE_SIZE, TEXTURE_SIZE))
    scale = PHOTO_SHORT_SIDE / min(h, w)
    return resize(image, (round(h * scale), round(w * scale)))


def read_picture(wheel, filename, kind):
    """One picture out of the wheel, as HWC uint8 (3 channels for photos, 1 for textures)."""
    from PIL import Image

    with Image.open(io.BytesIO(wheel.read(f"skimage/data/{filename}"))) as im:
        image = np.asarray(im.convert("RGB" if kind == "photo" else "L"))
    if image.ndim == 2:
        image = image[..., None]                     # (H, W) -> (H, W, 1)
    return shrink(image, kind)


def build(wheel_path):
    """Everything the file holds, as a dict of arrays."""
    arrays = {"names": np.array(list(PICTURES)),
              "kinds": np.array([kind for _, kind, _ in PICTURES.values()]),
              "credits": np.array([credit for _, _, credit in PICTURES.values()])}
    with zipfile.ZipFile(wheel_path) as wheel:
        for name, (filename, kind, _) in PICTURES.items():
            arrays[f"image_{name}"] = read_picture(wheel, filename, kind)
    arrays["credit"] = np.array(CREDIT)
    return arrays


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", help="a scikit-image wheel (default: pip-download one)")
    parser.add_argument("--out", default=OUT, help="where to write the .npz")
    parser.add_argument("--check", action="store_true", help="compare with the existing file instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        data = to_npz_bytes(build(args.wheel or download_wheel(folder)))
    if args.check:
        with open(args.out, "rb") as f:
            same = f.read() == data
        print(f"{args.out}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"wrote {os.path.normpath(args.out)} ({len(data) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
