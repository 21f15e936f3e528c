"""Texts of the architectures lab's roofline card, in English and 中文 (merged into ``app.core.i18n.STRINGS``)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "archlab_roofline": {"en": "Roofline: memory-bound or compute-bound on your machine?",
                         "zh": "屋顶线模型：在你的机器上，每层受限于内存还是计算？"},
    "archlab_roof_title": {"en": "{name}, batch {batch}: every layer that computes, on the roof",
                           "zh": "{name}，批大小 {batch}：每个有计算的层在屋顶线上的位置"},
    "archlab_roof_legend": {"en": "roof: min(peak, intensity × bandwidth)", "zh": "屋顶：min(峰值, 强度 × 带宽)"},
    "archlab_roof_ridge": {"en": "ridge point", "zh": "脊点"},
    "archlab_roof_x": {"en": "arithmetic intensity (FLOPs per byte moved)", "zh": "算术强度（每搬运一个字节的浮点运算数）"},
    "archlab_roof_y": {"en": "attainable FLOP/s", "zh": "可达到的 FLOP/s"},
    "archlab_roof_measure": {"en": "Measure my machine", "zh": "测量我的机器"},
    "archlab_roof_measuring": {"en": "Measuring (about a second) …", "zh": "正在测量（大约一秒）……"},
    "archlab_bound_memory": {"en": "memory-bound", "zh": "受限于内存"},
    "archlab_bound_compute": {"en": "compute-bound", "zh": "受限于计算"},
    "archlab_bound_none": {"en": "not measured yet", "zh": "尚未测量"},
    "archlab_roof_waiting": {
        "en": "The dots are the layers of {name} at their arithmetic intensity (batch {batch}); {none} of its "
              "{total} layers do no arithmetic at all (ReLU, max pooling, …): they only move data. Press "
              "“Measure my machine” to draw the roof of the computer that runs this page.",
        "zh": "这些点是 {name} 的各层，横坐标是它们的算术强度（批大小 {batch}）；{total} 层中有 {none} 层"
              "完全不做算术运算（ReLU、最大池化等），只搬运数据。点击“测量我的机器”，画出运行这个页面的计算机的屋顶线。"},
    "archlab_roof_result": {
        "en": "This machine: peak {peak} GFLOP/s ({n} × {n} matrix products, {kind}), memory bandwidth {bw} GB/s "
              "(copying {mb} MB), so the ridge point is at {ridge} FLOPs per byte (measured in {sec} s, medians of "
              "{repeats} runs). At batch {batch}, {compute} of the {total} layers that compute are compute-bound, "
              "{memory} memory-bound; the {none} layers without arithmetic are memory-bound by nature.",
        "zh": "这台机器：峰值 {peak} GFLOP/s（{n} × {n} 矩阵乘法，{kind}），内存带宽 {bw} GB/s（复制 {mb} MB），"
              "所以脊点在每字节 {ridge} 次浮点运算（测量用时 {sec} 秒，取 {repeats} 次的中位数）。批大小为 {batch} 时，"
              "{total} 个有计算的层中 {compute} 个受限于计算，{memory} 个受限于内存；另外 {none} 个不做算术的层"
              "本来就受限于内存。"},
    "archlab_roof_where": {
        "en": "Measured in the Python that runs this page: in your browser on the static site, on the server "
              "with panel serve. Both numbers are rough (a busy machine measures lower), but the ridge point "
              "shows the idea.",
        "zh": "测量在运行这个页面的 Python 里进行：静态网站上就是你的浏览器，用 panel serve 时是服务器。"
              "两个数字都只是粗略估计（机器忙时测得更低），但足以说明脊点的意思。"},
    "archlab_roof_1x1_numbers": {
        "en": "In {name} at batch {batch}: the 1×1 convolutions reach {lo}–{hi} FLOPs per byte.",
        "zh": "在 {name} 中（批大小 {batch}）：1×1 卷积的算术强度为每字节 {lo}–{hi} 次浮点运算。"},
    "archlab_roof_fc_numbers": {
        "en": "Its fully-connected layers: {lo}–{hi} FLOPs per byte.",
        "zh": "它的全连接层：每字节 {lo}–{hi} 次浮点运算。"},
    "archlab_explain_roofline": {
        "en": "**Roofline.** A layer does F floating-point operations (a multiply-accumulate is 2) and moves Q "
              "bytes: it reads its input and its weights once and writes its output once, 4 bytes per float32 "
              "number (the least traffic possible). Its **arithmetic intensity** is I = F / Q. A machine computes "
              "at most P FLOP/s and moves at most B bytes/s, so the layer runs at most at min(P, I·B): below "
              "the **ridge point** P / B it waits for memory, above it for arithmetic.",
        "zh": "**屋顶线模型。** 一层做 F 次浮点运算（一次乘加算 2 次），搬运 Q 个字节：输入和权重各读一次，"
              "输出写一次，每个 float32 数 4 字节（这是最少的数据搬运量）。它的**算术强度**是 I = F / Q。"
              "一台机器每秒最多算 P 次浮点运算、搬运 B 个字节，所以这一层最快只能达到 min(P, I·B)："
              "强度低于**脊点** P / B 时它在等内存，高于脊点时它在等计算。"},
    "archlab_explain_1x1": {
        "en": "**Why 1×1 convolutions reuse data well** (NiN's performance argument). A 1×1 convolution is a "
              "fully-connected layer applied at every position with the same weights: each weight, fetched "
              "once, is used N·H·W times, and each input value C_out times. A fully-connected layer at batch 1 "
              "uses each weight once: about half a FLOP per byte, far below any ridge point. Larger batches "
              "help the fully-connected layers (try the batch size); the 1×1 convolutions are efficient "
              "already at batch 1.",
        "zh": "**为什么 1×1 卷积能很好地复用数据**（NiN 关于性能的论点）。1×1 卷积相当于在每个位置用同一组权重"
              "做一次全连接：每个权重只取一次，却用了 N·H·W 次，每个输入值用了 C_out 次。批大小为 1 的全连接层"
              "每个权重只用一次：每字节大约只有半次浮点运算，远低于任何机器的脊点。更大的批能帮助全连接层"
              "（试试改变批大小）；而 1×1 卷积在批大小为 1 时就已经很高效。"},
}

add_strings(STRINGS)
