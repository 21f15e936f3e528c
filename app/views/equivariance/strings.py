"""Texts of the Translation equivariance lab, in English and Chinese (merged into app.core.i18n.STRINGS)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "eq_heading_move": {"en": "Move the digit, watch the feature maps", "zh": "移动数字，观察特征图"},
    "eq_heading_move_photo": {"en": "Move the picture, watch the feature maps", "zh": "移动图片，观察特征图"},
    "eq_heading_layers": {"en": "How far each layer's maps moved", "zh": "每一层的特征图移动了多少"},
    "eq_heading_predict": {"en": "Does the prediction stay put?", "zh": "预测结果会不会变？"},
    "eq_heading_compare": {"en": "Confidence vs shift, network by network", "zh": "各网络的把握随平移量的变化"},
    "eq_dx": {"en": "Shift right Δx (pixels)", "zh": "向右平移 Δx（像素）"},
    "eq_dy": {"en": "Shift down Δy (pixels)", "zh": "向下平移 Δy（像素）"},
    "eq_angle": {"en": "Rotate (degrees, counter-clockwise)", "zh": "旋转（度，逆时针）"},
    "eq_layer": {"en": "Layer", "zh": "层"},
    "eq_channel": {"en": "Channel", "zh": "通道"},
    "eq_input_before": {"en": "Input", "zh": "输入"},
    "eq_input_after": {"en": "Moved input", "zh": "移动后的输入"},
    "eq_map_before": {"en": "f(x): map of the input", "zh": "f(x)：原输入的特征图"},
    "eq_map_after": {"en": "f(shift x): map of the moved input", "zh": "f(shift x)：移动后输入的特征图"},
    "eq_map_moved": {"en": "shift f(x): the map moved by ({ex}, {ey})", "zh": "shift f(x)：把特征图移动 ({ex}, {ey})"},
    "eq_map_diff": {"en": "Difference f(shift x) − shift f(x)", "zh": "差值 f(shift x) − shift f(x)"},
    "eq_numbers_input": {
        "en": "The input moved by ({dx}, {dy}). This layer's jump (cumulative stride) is {jump}, so its maps should move by",
        "zh": "输入移动了 ({dx}, {dy})。这一层的累计步幅为 {jump}，所以它的特征图应当移动",
    },
    "eq_numbers_measured": {"en": "they moved by", "zh": "实际移动了"},
    "eq_numbers_error": {"en": "equivariance error", "zh": "等变误差"},
    "eq_exact": {"en": "A whole number of pixels: away from the borders the maps match exactly.",
                 "zh": "这是整数个像素：除边缘外，特征图完全吻合。"},
    "eq_not_exact": {"en": "Not a whole number of pixels: the layer's grid cannot represent this shift (aliasing).",
                     "zh": "不是整数个像素：这一层的网格无法准确表示这个平移（混叠）。"},
    "eq_col_layer": {"en": "layer", "zh": "层"},
    "eq_col_jump": {"en": "jump", "zh": "累计步幅"},
    "eq_col_expected": {"en": "should move", "zh": "应移动"},
    "eq_col_measured": {"en": "moved", "zh": "实际移动"},
    "eq_col_exact": {"en": "whole?", "zh": "整数？"},
    "eq_col_error": {"en": "error", "zh": "误差"},
    "eq_layer_caption": {"en": "Every layer: shift (Δx, Δy) in its own pixels; error = relative change "
                                "(for vectors after flattening: how much they changed)",
                         "zh": "每一层：以该层像素计的平移 (Δx, Δy)；误差为相对变化（展平后的向量：变化了多少）"},
    "eq_line_expected": {"en": "should move (Δx / jump)", "zh": "应移动（Δx / 累计步幅）"},
    "eq_line_measured": {"en": "moved (best alignment)", "zh": "实际移动（最佳对齐）"},
    "eq_layer_plot_title": {"en": "Horizontal shift of each layer's maps for Δx = {dx}",
                            "zh": "Δx = {dx} 时各层特征图的水平移动"},
    "eq_layer_plot_x": {"en": "layer", "zh": "层"},
    "eq_layer_plot_y": {"en": "shift (its own pixels)", "zh": "移动量（该层像素）"},
    "eq_pred_before": {"en": "Before:", "zh": "移动前："},
    "eq_pred_after": {"en": "after:", "zh": "移动后："},
    "eq_p_original": {"en": "probability of {k} after the move:", "zh": "移动后 {k} 的概率："},
    "eq_same": {"en": "The prediction did not change (invariance).", "zh": "预测没有改变（不变性）。"},
    "eq_changed": {"en": "The prediction changed: the network is not invariant to this move.",
                   "zh": "预测改变了：网络对这种移动并不具有不变性。"},
    "eq_cmp_photo": {"en": ("Only this network is compared: the digit networks read 28 × 28 grey digits, "
                            "not colour pictures."),
                     "zh": "只比较这个网络：数字网络读的是 28 × 28 的灰度数字，不是彩色图片。"},
    "eq_photo_edge": {"en": ("The picture moves inside its 32 × 32 frame; the edge it uncovers is filled with 0 "
                             "after normalisation (mid-grey)."),
                      "zh": "图片在它的 32 × 32 画框里移动；露出的边缘填入归一化后的 0（中灰色）。"},
    "eq_bars_before": {"en": "Before the move", "zh": "移动前"},
    "eq_bars_after": {"en": "After the move", "zh": "移动后"},
    "eq_sweep_title": {"en": "Probability of the original class as the digit slides sideways",
                       "zh": "数字左右滑动时原类别的概率"},
    "eq_sweep_title_photo": {"en": "Probability of the original class as the picture slides sideways",
                             "zh": "图片左右滑动时原类别的概率"},
    "eq_sweep_x": {"en": "shift Δx (pixels)", "zh": "平移 Δx（像素）"},
    "eq_sweep_y": {"en": "probability", "zh": "概率"},
    "eq_cmp_net": {"en": "network", "zh": "网络"},
    "eq_cmp_arch": {"en": "what shrinks the maps", "zh": "缩小特征图的部件"},
    "eq_cmp_jump": {"en": "last jump J", "zh": "最终累计步幅 J"},
    "eq_cmp_moved": {"en": "Δx / J", "zh": "Δx / J"},
    "eq_cmp_pred": {"en": "prediction", "zh": "预测"},
    "eq_cmp_p": {"en": "p(original)", "zh": "原类别概率"},
    "eq_cmp_min": {"en": "worst over −8..8", "zh": "−8..8 中最低"},
    "eq_cmp_caption": {"en": "At Δx = {dx} (and the Δy and rotation above)", "zh": "Δx = {dx} 时（Δy 与旋转同上）"},
    "eq_cmp_missing": {"en": "Not compared yet (no pretrained weights in this installation): {names}.",
                       "zh": "尚未比较（此安装中没有预训练权重）：{names}。"},
    "eq_arch_max_pool": {"en": "{n}× max pooling", "zh": "{n} 个最大池化"},
    "eq_arch_avg_pool": {"en": "{n}× average pooling", "zh": "{n} 个平均池化"},
    "eq_arch_gap": {"en": "global average pooling", "zh": "全局平均池化"},
    "eq_arch_strided_conv": {"en": "{n}× stride-2 convolution", "zh": "{n} 个步幅为 2 的卷积"},
    "eq_arch_linear": {"en": "{n}× fully connected", "zh": "{n} 个全连接层"},
    "eq_explain": {
        "en": ("A convolution uses the same **kernel** at every position (**weight sharing**), so moving the "
               "input moves its **feature maps** by the same amount: convolution is **translation equivariant**. "
               "After layers with **stride** (pooling, strided convolutions) one map pixel stands for J input "
               "pixels (J = the *jump*, the product of the strides), so a shift of Δ moves the maps by Δ / J:"),
        "zh": ("卷积在每个位置使用同一个**卷积核**（**权值共享**），所以输入移动多少，**特征图**就移动多少："
               "卷积具有**平移等变性**。经过带**步幅**的层（池化、步幅卷积）之后，特征图的一个像素代表 J 个输入像素"
               "（J 为累计步幅，即各层步幅之积），所以平移 Δ 会让特征图移动 Δ / J："),
    },
    "eq_explain_error": {"en": "When Δ / J is not a whole number, the maps cannot follow exactly (aliasing). "
                                "The error compares the maps away from the borders:",
                         "zh": "当 Δ / J 不是整数时，特征图无法准确跟随（混叠）。误差只比较远离边缘的部分："},
    "eq_explain_after": {
        "en": ("**Invariance** is what we want at the output: the class should not change when the digit moves. "
               "**Pooling** gives a little of it (a max over a window does not care where in the window the "
               "maximum is), and **global average pooling** gives more (it averages over every position). "
               "Rotation is different: a convolution is *not* rotation-equivariant, so a turned digit makes "
               "new maps."),
        "zh": ("**不变性**是我们希望输出端具有的性质：数字移动时，类别不应改变。**池化**提供一点不变性"
               "（窗口内的最大值不在乎最大值在窗口的哪个位置），**全局平均池化**提供更多（它对所有位置求平均）。"
               "旋转则不同：卷积*不*具有旋转等变性，转过的数字会产生全新的特征图。"),
    },
    "eq_explain_after_photo": {
        "en": ("**Invariance** is what we want at the output: the class should not change when the picture moves. "
               "**Pooling** gives a little of it (a max over a window does not care where in the window the "
               "maximum is), and **global average pooling** gives more (it averages over every position). "
               "Rotation is different: a convolution is *not* rotation-equivariant, so a turned picture makes "
               "new maps."),
        "zh": ("**不变性**是我们希望输出端具有的性质：图片移动时，类别不应改变。**池化**提供一点不变性"
               "（窗口内的最大值不在乎最大值在窗口的哪个位置），**全局平均池化**提供更多（它对所有位置求平均）。"
               "旋转则不同：卷积*不*具有旋转等变性，转过的图片会产生全新的特征图。"),
    },
}

add_strings(STRINGS)
