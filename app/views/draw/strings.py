"""Texts of the Draw & predict view, in English and Chinese (merged into ``app.core.i18n.STRINGS``).

The texts it shares with other views (the model picker, the probabilities, the hints about a
drawing) are in :mod:`app.core.i18n`.
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "draw_heading": {"en": "Draw a digit", "zh": "写一个数字"},
    "brush": {"en": "Brush width", "zh": "笔刷粗细"},
    "samples": {"en": "Start from a sample digit", "zh": "从示例数字开始"},
    "confidence": {"en": "{p:.0%} sure", "zh": "把握 {p:.0%}"},
    "keyboard_hint": {"en": "Keyboard: Ctrl+Z undoes a stroke, Delete clears the canvas.",
                      "zh": "键盘：Ctrl+Z 撤销一笔，Delete 清除画板。"},
    "explain_draw": {
        "en": ("1. **Preprocessing.** Your drawing is cropped to the ink, shrunk so its longer side is "
               "20 pixels and centred in a 28 × 28 image by its centre of mass: exactly how the MNIST "
               "digits the model learned from were made.\n\n"
               "2. **The network.** Convolution layers slide small learned **kernels** over the image; "
               "every output pixel of a **feature map** looks at a small window (its **receptive field**), "
               "and the same kernel is used everywhere (**weight sharing**). **Pooling** halves the maps. "
               "The last layer gives ten numbers z₀ … z₉, the *logits*.\n\n"
               "3. **Softmax** turns the logits into probabilities that are positive and add up to 1:"),
        "zh": ("1. **预处理。** 先把你的画裁剪到墨迹范围，缩放到长边为 20 像素，再按重心放到 28 × 28 图像的中央——"
               "这正是模型学习过的 MNIST 数字的制作方式。\n\n"
               "2. **网络。** 卷积层用学到的小**卷积核**在图像上滑动；**特征图**上的每个像素只看一个小窗口"
               "（它的**感受野**），而且同一个卷积核在所有位置上共用（**权值共享**）。**池化**把特征图缩小一半。"
               "最后一层给出十个数 z₀ … z₉，称为 *logits*。\n\n"
               "3. **Softmax** 把 logits 变成概率：都是正数，加起来等于 1："),
    },
    "explain_draw_after": {
        "en": ("The predicted digit is the one with the largest probability. A model is only sure of "
               "what it has seen: try a digit written very small, off-centre or upside down."),
        "zh": "预测结果就是概率最大的数字。模型只对见过的东西有把握：试试写得很小、偏离中心或倒过来的数字。",
    },
}

add_strings(STRINGS)
