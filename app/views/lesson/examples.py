"""Example lessons shipped with the playground: open one in the Lesson view and play it at once.

Each is a lesson in the format of :mod:`app.views.lesson.format` (the same dictionary a ``.json``
lesson file holds); ``tests/app/test_lesson_format.py`` checks every setting against its view.
"""
from app.views.lesson.format import FORMAT, VERSION, from_dict

__all__ = ["EXAMPLES", "example"]


def _lesson(title, steps):
    return {"format": FORMAT, "version": VERSION, "title": title,
            "steps": [{"view": v, "query": q, "note_en": en, "note_zh": zh} for v, q, en, zh in steps]}


EXAMPLES = {
    "convolution": _lesson("Convolution in 6 steps · 卷积六步", [
        ("conv", {"size": "10", "kernel": "3", "preset": "box"},
         "A 3 × 3 kernel slides over a 10 × 10 digit. Each output value is the sum of the nine products "
         "window × kernel: press Space to watch the window move. The output is 8 × 8: 10 − 3 + 1.",
         "一个 3 × 3 的卷积核在 10 × 10 的数字上滑动。每个输出值都是窗口 × 卷积核的九个乘积之和："
         "按空格键观看窗口移动。输出是 8 × 8：10 − 3 + 1。"),
        ("conv", {"size": "10", "kernel": "5", "preset": "box"},
         "A larger kernel sees more of the picture at once, and the output shrinks faster: 10 − 5 + 1 = 6.",
         "更大的卷积核一次看到更多的图像，输出也缩小得更快：10 − 5 + 1 = 6。"),
        ("conv", {"size": "10", "kernel": "5", "padding": "2", "preset": "box"},
         "Padding adds a border of zeros: with p = 2 a 5 × 5 kernel keeps the size, 10 + 2·2 − 5 + 1 = 10. "
         "This is what 'same' padding means.",
         "填充在边上补零：p = 2 时 5 × 5 的卷积核保持尺寸不变，10 + 2·2 − 5 + 1 = 10。这就是 “same” 填充。"),
        ("conv", {"size": "10", "kernel": "3", "padding": "1", "stride": "2", "preset": "box"},
         "Stride 2 moves the window two pixels at a time: the output halves, ⌊(10 + 2 − 3) / 2⌋ + 1 = 5.",
         "步幅 2 让窗口每次移动两个像素：输出减半，⌊(10 + 2 − 3) / 2⌋ + 1 = 5。"),
        ("conv", {"size": "10", "kernel": "3", "dilation": "2", "preset": "box"},
         "Dilation spreads the kernel's taps apart: a 3 × 3 kernel with d = 2 covers 5 × 5 pixels "
         "with only nine weights.",
         "空洞（膨胀）卷积把卷积核的采样点拉开：d = 2 的 3 × 3 卷积核只用九个权重就覆盖 5 × 5 个像素。"),
        ("conv", {"source": "photo", "photo": "chelsea", "channels": "rgb", "size": "28", "preset": "sobel_x"},
         "On a colour photo the kernel has one 3 × 3 slice per channel (R, G, B) and the three sums add up. "
         "The Sobel kernel answers where the brightness changes from left to right: edges.",
         "在彩色照片上，卷积核对每个通道（R、G、B）各有一个 3 × 3 切片，三个和相加。"
         "Sobel 卷积核对亮度从左到右变化的地方作出反应：也就是边缘。"),
    ]),
    "pixels_to_prediction": _lesson("From a drawing to a prediction · 从手写到预测", [
        ("draw", {},
         "Draw a digit. The network sees it as a 28 × 28 grid of numbers and answers with ten probabilities.",
         "写一个数字。网络把它看成 28 × 28 的数字网格，并给出十个概率。"),
        ("inside", {},
         "Inside the network: every layer is a stack of feature maps. Click a unit to see the window of the "
         "input it looks at, its receptive field, and the arithmetic behind its value.",
         "网络内部：每一层都是一叠特征图。点击一个单元，看看它看的是输入的哪个窗口（感受野），以及它的值是怎么算出来的。"),
        ("pooling", {"pool": "max", "window": "2"},
         "Max pooling keeps the largest value of each 2 × 2 window: the maps halve, and the gradient flows "
         "back only to the winners.",
         "最大池化保留每个 2 × 2 窗口中最大的值：特征图减半，梯度只流回最大值所在的位置。"),
        ("train", {},
         "Training: press Start and watch the loss fall and the kernels take shape.",
         "训练：按下开始，观察损失下降、卷积核逐渐成形。"),
    ]),
}


def example(key):
    """The example lesson ``key`` as a :class:`~app.views.lesson.format.Lesson` (checked like a file)."""
    return from_dict(EXAMPLES[key])
