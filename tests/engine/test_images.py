"""cnncore.images: resizing (against PyTorch and Pillow), cropping, HWC uint8 -> NCHW float."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from cnncore import backend, images
from cnncore.data import photo
from cnncore.errors import ShapeError


def torch_resize(x, size, mode):
    t = torch.from_numpy(np.moveaxis(np.atleast_3d(x).astype(np.float64), 2, 0))[None]   # (1, C, H, W)
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    return np.moveaxis(F.interpolate(t, size=size, mode=mode, **kwargs)[0].numpy(), 0, 2)


def pillow_resize(x, size, method):
    """Each channel through Pillow in 32-bit float mode ('F'), so no rounding hides a difference."""
    planes = [np.asarray(Image.fromarray(np.ascontiguousarray(x[..., c], np.float32), "F")
                         .resize(size[::-1], method)) for c in range(x.shape[2])]
    return np.stack(planes, axis=2)


@pytest.fixture(params=["matmul", "einsum"])
def matmul_kind(request):
    previous = backend.set_matmul(request.param)
    yield request.param
    backend.set_matmul(previous)


@pytest.mark.parametrize("size", [(80, 120), (37, 100), (74, 53), (200, 201)])
def test_enlarging_is_torch_bilinear_without_align_corners(size, matmul_kind):
    x = np.random.default_rng(0).random((37, 53, 3))
    np.testing.assert_allclose(images.resize(x, size), torch_resize(x, size, "bilinear"), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(images.resize(x, size), pillow_resize(x, size, Image.BILINEAR), atol=1e-5)


@pytest.mark.parametrize("size", [(20, 30), (10, 15), (40, 10), (1, 1)])
def test_shrinking_by_whole_factors_is_torch_area_and_pillow_box(size, matmul_kind):
    x = np.random.default_rng(1).random((40, 60, 3))
    np.testing.assert_allclose(images.resize(x, size), torch_resize(x, size, "area"), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(images.resize(x, size), pillow_resize(x, size, Image.BOX), atol=1e-5)


def test_shrinking_by_any_factor_is_an_exact_area_average():
    """Non-whole factors: each output pixel is the mean of the area it covers, partly covered pixels
    counted by their fraction (torch's 'area' counts them whole, Pillow's BOX by their centre)."""
    x = np.random.default_rng(2).random((7, 10))
    out = images.resize(x, (3, 4))
    # Output pixel (0, 0) covers rows [0, 7/3) and columns [0, 2.5): rows 0, 1 whole and 1/3 of
    # row 2; columns 0, 1 whole and half of column 2.
    rows = np.array([1, 1, 1 / 3]) / (7 / 3)
    cols = np.array([1, 1, 0.5]) / 2.5
    assert out[0, 0] == pytest.approx(rows @ x[:3, :3] @ cols, rel=1e-12)
    assert out.mean() == pytest.approx(x.mean(), rel=1e-12)          # nothing lost, nothing counted twice
    assert np.all(images.resize(np.full((9, 13), 0.25), (4, 5)) == pytest.approx(0.25))


def test_shrinking_a_real_photo_is_close_to_pillow_box():
    """On a real photo the fractional edges hardly matter: within a grey level or so of Pillow's BOX."""
    cat = photo("chelsea")                                             # (128, 192, 3)
    ours = images.resize(cat, (45, 70)).astype(np.float64)
    theirs = pillow_resize(cat.astype(np.float64), (45, 70), Image.BOX)
    assert np.abs(ours - theirs).mean() < 1.5
    assert np.abs(ours - theirs).max() < 25               # nearest-neighbour: 4.1 and 53


def test_mixed_axes_shrink_one_and_enlarge_the_other():
    x = np.random.default_rng(3).random((40, 30, 2))
    both = images.resize(x, (20, 90))
    rows_only = torch_resize(x, (20, 30), "area")                     # 40 -> 20 by area
    np.testing.assert_allclose(both, torch_resize(rows_only, (20, 90), "bilinear"), rtol=1e-10, atol=1e-12)


def test_uint8_in_uint8_out_grey_stays_grey():
    grey = (np.arange(12 * 16).reshape(12, 16) % 256).astype(np.uint8)
    out = images.resize(grey, (6, 8))
    assert out.dtype == np.uint8 and out.shape == (6, 8)
    np.testing.assert_array_equal(out, np.rint(images.resize(grey.astype(float), (6, 8))).astype(np.uint8))
    assert images.resize(grey, (12, 16)).tolist() == grey.tolist()   # same size: unchanged


def test_resize_weights_rows_sum_to_one():
    for n_in, n_out in [(7, 3), (3, 7), (5, 5), (1, 4), (4, 1)]:
        np.testing.assert_allclose(images.resize_weights(n_in, n_out).sum(1), 1.0)


def test_fit_covers_then_crops_the_middle():
    x = np.zeros((100, 200, 3), np.uint8)
    x[:, 50:150] = 255                                                 # a white middle square
    out = images.fit(x, (32, 32))
    assert out.shape == (32, 32, 3) and out.min() == 255               # the middle is all that is left
    assert images.center_crop(np.arange(25).reshape(5, 5), (3, 1)).ravel().tolist() == [7, 12, 17]


def test_to_tensor_keeps_rgb_order_scales_and_normalises():
    x = np.zeros((2, 3, 3), np.uint8)
    x[..., 0], x[..., 1], x[..., 2] = 255, 51, 0                      # red, a little green, no blue
    t = images.to_tensor(x)
    assert t.shape == (1, 3, 2, 3) and t.dtype == np.float32
    assert t[0, :, 0, 0].tolist() == pytest.approx([1.0, 0.2, 0.0])   # channel 0 is red
    n = images.to_tensor(x, mean=images.IMAGENET_MEAN, std=images.IMAGENET_STD)
    expected = (np.array([1.0, 0.2, 0.0]) - images.IMAGENET_MEAN) / images.IMAGENET_STD
    assert n[0, :, 1, 2] == pytest.approx(expected, rel=1e-6)
    back = images.to_image(n[0], mean=images.IMAGENET_MEAN, std=images.IMAGENET_STD)
    np.testing.assert_array_equal(back, x)
    assert images.to_tensor(np.zeros((4, 5, 6, 3), np.uint8)).shape == (4, 3, 5, 6)
    assert images.to_tensor(np.zeros((5, 6), np.uint8)).shape == (1, 1, 5, 6)


def test_bad_shapes_raise_shape_errors():
    with pytest.raises(ShapeError):
        images.resize(np.zeros((0, 4)), (2, 2))
    with pytest.raises(ShapeError):
        images.resize(np.zeros((4, 4)), (0, 2))
    with pytest.raises(ShapeError):
        images.center_crop(np.zeros((4, 4)), (5, 2))
    with pytest.raises(ShapeError):
        images.to_tensor(np.zeros((1, 2, 3, 4, 5)))
    with pytest.raises(ValueError, match="std"):
        images.to_tensor(np.zeros((2, 2, 3), np.uint8), std=(1, 0, 1))
