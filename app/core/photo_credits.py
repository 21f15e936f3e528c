"""Who made each shipped picture, in the page's language.

The English credit is the asset's own (:func:`cnncore.photos.photo_credit`, written by
``scripts/make_photos.py``); the Chinese one below says the same, with the same names,
licences and links (``tests/app/test_photo_credits.py`` checks that they agree).
"""
from cnncore.photos import photo_credit

__all__ = ["credit"]

ZH = {
    "chelsea": "猫 Chelsea。摄影：Stefan van der Walt，CC0（无版权限制）。来自 scikit-image 的示例数据（skimage.data.chelsea）。",
    "coffee": ("一杯咖啡，由 Pikolo Espresso Bar 提供。摄影：Rachel Michetti，CC0（无版权限制）。"
               "来自 scikit-image 的示例数据（skimage.data.coffee）。"),
    "astronaut": ("宇航员 Eileen Collins。NASA 照片，来自 NASA Great Images 图库（https://flic.kr/p/r9qvLn），"
                  "公有领域（无已知版权限制）。来自 scikit-image 的示例数据（skimage.data.astronaut）。"),
    "rocket": ("DSCOVR 卫星搭乘 Falcon 9 火箭从卡纳维拉尔角发射，摄影：SpaceX"
               "（https://www.flickr.com/photos/spacexphotos/16511594820/），已发布到公有领域。"
               "来自 scikit-image 的示例数据（skimage.data.rocket）。"),
    "brick": ("砖墙：CC0Textures 的 Bricks25（https://cc0textures.com/view.php?tex=Bricks25），CC0；"
              "由 scikit-image 做了透视校正、旋转、裁剪并转为灰度（skimage.data.brick）。"),
    "grass": ("草地：DeviantArt 上 linolafett 的 'Grass 01'（https://www.deviantart.com/linolafett/art/Grass-01-434853879），"
              "CC0；由 scikit-image 裁剪并转为灰度（skimage.data.grass）。"),
    "gravel": ("碎石：CC0Textures 的 Gravel04（https://cc0textures.com/view.php?tex=Gravel04），CC0；"
               "由 scikit-image 缩放、裁剪并转为灰度（skimage.data.gravel）。"),
}


def credit(name, lang="en"):
    """The credit of the shipped picture ``name`` in ``lang`` (``"en"`` or ``"zh"``)."""
    if lang == "zh" and name in ZH:
        return ZH[name]
    return photo_credit(name)
