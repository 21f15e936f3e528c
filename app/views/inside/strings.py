"""Every text of the "Inside the network" view, in English and Chinese (中文).

Merged into ``app.core.i18n.STRINGS`` when this module is imported (the view does
that first). Keys start with ``inside_``.
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    # --- input ----------------------------------------------------------------
    "inside_heading": {"en": "Inside the network", "zh": "网络内部"},
    "inside_loading": {"en": "Loading the network's layers…", "zh": "正在载入网络的各层……"},
    "inside_input_title": {"en": "Input", "zh": "输入"},
    "inside_samples": {"en": "Sample digits from the test set", "zh": "测试集中的示例数字"},
    "inside_sample_button": {"en": "Show the network the sample {digit}", "zh": "让网络看示例数字 {digit}"},
    "inside_drawing": {"en": "✎ Your drawing", "zh": "✎ 你写的数字"},
    "inside_drawing_help": {"en": "Use the digit you drew in Draw & predict",
                            "zh": "使用你在“手写识别”中写的数字"},
    "inside_source_sample": {"en": "Sample digit {digit}", "zh": "示例数字 {digit}"},
    "inside_source_drawing": {"en": "Your drawing", "zh": "你写的数字"},
    "inside_prediction": {"en": "The model reads it as <b>{digit}</b> ({p:.0%} sure).",
                          "zh": "模型认为这是 <b>{digit}</b>（把握 {p:.0%}）。"},
    # --- choosing a unit --------------------------------------------------------
    "inside_choose": {"en": "Choose a unit", "zh": "选择一个单元"},
    "inside_layer": {"en": "Layer", "zh": "层"},
    "inside_channel": {"en": "Channel", "zh": "通道"},
    "inside_unit": {"en": "Unit", "zh": "单元"},
    "inside_row": {"en": "Row i", "zh": "行 i"},
    "inside_col": {"en": "Column j", "zh": "列 j"},
    "inside_show_erf": {"en": "Show the effective receptive field", "zh": "显示有效感受野"},
    "inside_keyboard": {"en": "Keyboard: Tab to a control, then the arrow keys move the unit.",
                        "zh": "键盘：用 Tab 选中控件，再用方向键移动单元。"},
    # --- overview -----------------------------------------------------------------
    "inside_overview_title": {"en": "Every layer, for this input", "zh": "每一层，对这个输入"},
    "inside_overview_hint": {
        "en": "Each small square is one feature map (one channel). Click any pixel of any map to pick that unit. "
              "The orange boxes show what it can see in every earlier layer.",
        "zh": "每个小方块是一张特征图（一个通道）。点击任意特征图上的任意像素来选择那个单元；"
              "橙色框标出它在前面每一层能看到的区域。"},
    "inside_layer_shape": {"en": "{shape}", "zh": "{shape}"},
    "inside_layer_range": {"en": "{low} … {high}", "zh": "{low} … {high}"},
    "inside_layer_aria": {"en": "{layer}: output {shape}, values from {low} to {high}",
                          "zh": "{layer}：输出 {shape}，取值从 {low} 到 {high}"},
    "inside_input_layer": {"en": "Input", "zh": "输入"},
    "inside_input_layer_rgb": {"en": "Input picture (channel 0 = R, 1 = G, 2 = B)",
                               "zh": "输入图片（通道 0 = R，1 = G，2 = B）"},
    "inside_input_rgb": {"en": "R, G, B (top to bottom)", "zh": "R、G、B（从上到下）"},
    "inside_kind_conv": {"en": "Conv", "zh": "卷积"},
    "inside_kind_max_pool": {"en": "Max pool", "zh": "最大池化"},
    "inside_kind_avg_pool": {"en": "Avg pool", "zh": "平均池化"},
    "inside_kind_batch_norm": {"en": "Batch norm", "zh": "批量归一化"},
    "inside_kind_linear": {"en": "Fully connected", "zh": "全连接"},
    "inside_kind_block": {"en": "Residual block", "zh": "残差块"},
    "inside_kind_relu": {"en": "ReLU", "zh": "ReLU"},
    "inside_kind_tanh": {"en": "Tanh", "zh": "Tanh"},
    "inside_kind_sigmoid": {"en": "Sigmoid", "zh": "Sigmoid"},
    "inside_legend": {
        "en": "Colours: in a map with negative values, purple is positive, orange negative and white zero; "
              "otherwise dark purple is 0 and yellow the largest value of the layer.",
        "zh": "颜色：含负值的特征图中，紫色为正、橙色为负、白色为零；"
              "否则深紫色表示 0，黄色表示这一层的最大值。"},
    # --- the chosen unit ------------------------------------------------------------
    "inside_unit_title": {"en": "{layer} · channel {channel} · unit ({i}, {j})",
                          "zh": "{layer} · 第 {channel} 通道 · 单元 ({i}, {j})"},
    "inside_unit_title_vector": {"en": "{layer} · unit {channel}", "zh": "{layer} · 第 {channel} 个单元"},
    "inside_value": {"en": "Value in the feature map: <b>{value}</b>", "zh": "特征图中的值：<b>{value}</b>"},
    "inside_rf_title": {"en": "What it sees in the input", "zh": "它在输入中看到的区域"},
    "inside_rf_caption": {
        "en": "Box: the theoretical receptive field, rows {top}–{bottom}, columns {left}–{right} "
              "({h} × {w} pixels). Orange glow: the effective receptive field, how strongly each pixel "
              "changes this unit (|∂unit/∂pixel|).",
        "zh": "方框：理论感受野，第 {top}–{bottom} 行、第 {left}–{right} 列（{h} × {w} 像素）。"
              "橙色光晕：有效感受野，即每个像素对这个单元的影响有多大（|∂单元/∂像素|）。"},
    "inside_rf_whole": {"en": "This unit sees the whole image: every pixel can change it.",
                        "zh": "这个单元能看到整幅图像：每个像素都能改变它。"},
    "inside_erf_dead": {
        "en": "The effective receptive field is empty here: this unit (or a ReLU on its way) is 0, "
              "so no gradient flows back to the pixels.",
        "zh": "这里的有效感受野是空的：这个单元（或途中的某个 ReLU）输出为 0，梯度无法传回像素。"},
    "inside_focus_title": {"en": "The chosen feature map", "zh": "选中的特征图"},
    "inside_focus_caption": {"en": "Click a pixel to choose a unit.", "zh": "点击一个像素来选择单元。"},
    "inside_focus_vector": {"en": "A fully-connected layer has no map: each unit looks at every input.",
                            "zh": "全连接层没有特征图：每个单元都看全部输入。"},
    # --- the computation ----------------------------------------------------------------
    "inside_compute_title": {"en": "How this number was computed", "zh": "这个数是怎么算出来的"},
    "inside_in_channel": {"en": "Input channel to show", "zh": "显示哪个输入通道"},
    "inside_in_channel_option": {"en": "channel {channel} (sum {s})", "zh": "第 {channel} 通道（和 {s}）"},
    "inside_step_window": {"en": "① The window it reads from channel {channel} of {layer}",
                           "zh": "① 它从 {layer} 第 {channel} 通道读取的窗口"},
    "inside_window_where": {"en": "rows {rows}, columns {cols}", "zh": "第 {rows} 行，第 {cols} 列"},
    "inside_caption_window": {"en": "input window", "zh": "输入窗口"},
    "inside_caption_kernel": {"en": "kernel, input channel {channel}", "zh": "卷积核（输入通道 {channel}）"},
    "inside_caption_products": {"en": "element-wise products", "zh": "逐元素乘积"},
    "inside_padding_note": {"en": "Grey dashed cells are padding: zeros added around the map.",
                            "zh": "灰色虚线格是填充：在特征图四周补的 0。"},
    "inside_channel_short": {"en": "ch {channel}", "zh": "通道 {channel}"},
    "inside_sum_products": {"en": "the sum of the {n} products", "zh": "{n} 个乘积之和"},
    "inside_many_terms": {"en": "the {n} channel sums above", "zh": "上面 {n} 个通道的和"},
    "inside_step_sum": {"en": "② Add up all the products, channel by channel ({n} channels)",
                        "zh": "② 把所有乘积逐通道相加（共 {n} 个通道）"},
    "inside_step_sum_one": {"en": "② Add up all the products", "zh": "② 把所有乘积相加"},
    "inside_step_bias": {"en": "③ Add the bias", "zh": "③ 加上偏置"},
    "inside_step_activation": {"en": "④ Then the activation {name} (the next layer)",
                               "zh": "④ 然后经过激活函数 {name}（下一层）"},
    "inside_pool_winner": {"en": "The largest input wins (row {row}, column {col}); the others are dropped.",
                           "zh": "最大的输入胜出（第 {row} 行，第 {col} 列），其余的被丢弃。"},
    "inside_avg_note": {"en": "Average pooling: the mean of the window.", "zh": "平均池化：窗口内的平均值。"},
    "inside_step_linear": {"en": "Each of the {n} inputs from {layer} times its weight; the {top} largest products:",
                           "zh": "来自 {layer} 的 {n} 个输入分别乘以各自的权重；绝对值最大的 {top} 个乘积："},
    "inside_more_terms": {"en": "… and {n} more products in the sum.", "zh": "……求和中还有 {n} 个乘积。"},
    "inside_col_index": {"en": "input #", "zh": "输入序号"},
    "inside_col_input": {"en": "input", "zh": "输入"},
    "inside_col_weight": {"en": "weight", "zh": "权重"},
    "inside_col_product": {"en": "product", "zh": "乘积"},
    "inside_step_bn": {"en": "Batch norm with the statistics learned in training:",
                       "zh": "用训练中得到的统计量做批量归一化："},
    "inside_step_elementwise": {"en": "{name} acts on each number on its own, at the same position:",
                                "zh": "{name} 对每个数单独作用，位置不变："},
    "inside_elementwise_note": {"en": "The input is the same channel and position in the layer before.",
                                "zh": "输入是上一层同一通道、同一位置的值。"},
    "inside_block_note": {
        "en": "A residual block adds its input to what its layers compute: output = ReLU(F(x) + x). "
              "Pick a layer inside the block to see its numbers.",
        "zh": "残差块把输入加到它各层的计算结果上：输出 = ReLU(F(x) + x)。选择块内的某一层查看具体数值。"},
    "inside_global_pool_note": {
        "en": ("{name} mixes every position of the map before it: each of its values is a weighted sum over the "
               "whole picture, so there is no small window to take apart here. The Pooling lab shows its weights "
               "and sums with numbers."),
        "zh": "{name} 把前一层特征图的所有位置混合在一起：它的每个值都是对整幅图的加权和，所以这里没有可以拆开的小窗口。池化实验室会用具体数字展示它的权重和求和。"},
    "inside_check": {"en": "Same as the value in the feature map: {value} ✓", "zh": "与特征图中的值相同：{value} ✓"},
    # --- kernels ------------------------------------------------------------------------
    "inside_kernels_title": {"en": "The learned kernels", "zh": "学到的卷积核"},
    "inside_kernels_caption": {
        "en": "Each small square is one kernel (weights). Columns: output channels; rows: input channels. "
              "Purple = positive weight, orange = negative, white = 0. The same kernel slides over the whole "
              "input (weight sharing). Click a kernel to choose that channel.",
        "zh": "每个小方块是一个卷积核（权重）。列：输出通道；行：输入通道。紫色为正权重、橙色为负、白色为 0。"
              "同一个卷积核在整个输入上滑动（权值共享）。点击卷积核即可选择那个通道。"},
    "inside_kernel_header": {"en": "{layer}: {out} × {inp} kernels of {kh} × {kw}",
                             "zh": "{layer}：{out} × {inp} 个 {kh} × {kw} 卷积核"},
    # --- explanation ------------------------------------------------------------------------
    "inside_explain_title": {"en": "What you see here", "zh": "这里展示了什么"},
    "inside_explain": {
        "en": ("**Feature maps.** Every layer turns its input into new maps. A convolution slides a small "
               "**kernel** over the maps before it: each output pixel is a weighted sum of a small window, "
               "plus a bias. ReLU keeps positives and sets negatives to 0. **Pooling** keeps the largest "
               "value of each 2 × 2 block, halving the map.\n\n"
               "**Receptive field.** A unit deep in the network depends on a larger patch of the image than "
               "one near the input: the orange boxes grow from layer to layer. Not all of that patch matters "
               "equally: the **effective receptive field** (the orange glow) shows which pixels actually "
               "move the unit, usually the ones near the centre.\n\n"
               "**Try it.** Pick a unit in a late layer and see how big its window is; pick a unit in a "
               "ReLU layer that is 0 and see why its effective receptive field is empty; switch the sample "
               "digit and watch the same kernel respond to different strokes."),
        "zh": ("**特征图。** 每一层把输入变成新的特征图。卷积层用一个小**卷积核**在前一层的特征图上滑动："
               "每个输出像素是一个小窗口的加权和再加上偏置。ReLU 保留正数、把负数变成 0。"
               "**池化**保留每个 2 × 2 小块中最大的值，使特征图缩小一半。\n\n"
               "**感受野。** 越深的单元依赖图像中越大的区域：橙色方框一层比一层大。"
               "但区域内的像素并不同样重要：**有效感受野**（橙色光晕）显示真正能改变这个单元的像素，"
               "通常集中在中心附近。\n\n"
               "**试一试。** 选一个深层的单元，看看它的窗口有多大；选一个值为 0 的 ReLU 单元，"
               "想想为什么它的有效感受野是空的；换一个示例数字，看同一个卷积核对不同笔画的反应。"),
    },
    "inside_explain_photo": {
        "en": ("**Feature maps.** Every layer turns its input into new maps. The first convolution reads the "
               "picture's three colour channels (R, G, B) at once: each of its kernels has one 2-D slice per "
               "channel. A convolution slides a small **kernel** over the maps before it: each output pixel is a "
               "weighted sum of a small window, plus a bias. ReLU keeps positives and sets negatives to 0. "
               "**Pooling** keeps the largest value of each 2 × 2 block, halving the map.\n\n"
               "**Receptive field.** A unit deep in the network depends on a larger patch of the picture than "
               "one near the input: the orange boxes grow from layer to layer. Not all of that patch matters "
               "equally: the **effective receptive field** (the orange glow) shows which pixels actually "
               "move the unit, usually the ones near the centre.\n\n"
               "**Try it.** Pick a unit in a late layer and see how big its window is; pick a unit in a "
               "ReLU layer that is 0 and see why its effective receptive field is empty; switch the picture "
               "and watch the same kernel respond to different edges, colours and textures."),
        "zh": ("**特征图。** 每一层把输入变成新的特征图。第一个卷积层同时读取图片的三个颜色通道（R、G、B）："
               "它的每个卷积核对每个通道各有一片二维权重。卷积层用一个小**卷积核**在前一层的特征图上滑动："
               "每个输出像素是一个小窗口的加权和再加上偏置。ReLU 保留正数、把负数变成 0。"
               "**池化**保留每个 2 × 2 小块中最大的值，使特征图缩小一半。\n\n"
               "**感受野。** 越深的单元依赖图片中越大的区域：橙色方框一层比一层大。"
               "但区域内的像素并不同样重要：**有效感受野**（橙色光晕）显示真正能改变这个单元的像素，"
               "通常集中在中心附近。\n\n"
               "**试一试。** 选一个深层的单元，看看它的窗口有多大；选一个值为 0 的 ReLU 单元，"
               "想想为什么它的有效感受野是空的；换一张图片，看同一个卷积核对不同边缘、颜色和纹理的反应。"),
    },
    "inside_bad_layer": {"en": "this model has no layer {layer!r}", "zh": "这个模型没有名为 {layer!r} 的层"},
}

add_strings(STRINGS)
