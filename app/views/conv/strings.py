"""Every text of the convolution lab, in English and Chinese (merged into ``app.core.i18n.STRINGS``)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

_MODES = {
    "zeros": ("zeros", "零填充"),
    "reflect": ("reflect (mirror)", "反射填充（镜像）"),
    "replicate": ("replicate (repeat edge)", "复制填充（重复边缘）"),
    "circular": ("circular (wrap around)", "循环填充（首尾相接）"),
}
_PRESETS = {
    "identity": ("Identity", "恒等"),
    "box": ("Box blur", "均值模糊"),
    "gaussian": ("Gaussian blur", "高斯模糊"),
    "sharpen": ("Sharpen", "锐化"),
    "sobel_x": ("Sobel x (vertical edges)", "Sobel x（竖直边缘）"),
    "sobel_y": ("Sobel y (horizontal edges)", "Sobel y（水平边缘）"),
    "laplacian": ("Laplacian", "拉普拉斯"),
    "emboss": ("Emboss", "浮雕"),
    "luminance": ("Luminance (R, G, B → grey)", "亮度（R、G、B → 灰度）"),
    "custom": ("Custom (typed in)", "自定义（手动输入）"),
}

STRINGS = {
    **{f"conv_lab_mode_{k}": {"en": en, "zh": zh} for k, (en, zh) in _MODES.items()},
    **{f"conv_lab_preset_{k}": {"en": en, "zh": zh} for k, (en, zh) in _PRESETS.items()},
    "conv_lab_heading": {"en": "Slide the kernel over the image", "zh": "让卷积核在图像上滑动"},
    "conv_lab_settings": {"en": "Settings", "zh": "设置"},
    "conv_lab_source": {"en": "Input", "zh": "输入"},
    "conv_lab_source_digit": {"en": "Test digit", "zh": "测试数字"},
    "conv_lab_source_picture": {"en": "Drawing", "zh": "简笔画"},
    "conv_lab_source_photo": {"en": "Photo", "zh": "照片"},
    "conv_lab_source_yours": {"en": "Yours", "zh": "你的图片"},
    "conv_lab_photo": {"en": "Photo", "zh": "照片"},
    "conv_lab_photo_chelsea": {"en": "Chelsea the cat", "zh": "猫咪 Chelsea"},
    "conv_lab_photo_coffee": {"en": "A cup of coffee", "zh": "一杯咖啡"},
    "conv_lab_photo_astronaut": {"en": "Astronaut Eileen Collins", "zh": "宇航员艾琳·柯林斯"},
    "conv_lab_photo_rocket": {"en": "A rocket launch", "zh": "火箭发射"},
    "conv_lab_photo_brick": {"en": "Texture: brick wall", "zh": "纹理：砖墙"},
    "conv_lab_photo_grass": {"en": "Texture: grass", "zh": "纹理：草地"},
    "conv_lab_photo_gravel": {"en": "Texture: gravel", "zh": "纹理：砾石"},
    "conv_lab_digit": {"en": "Digit", "zh": "数字"},
    "conv_lab_channels": {"en": "Channels", "zh": "通道"},
    "conv_lab_grey": {"en": "Grey (1 channel)", "zh": "灰度（1 个通道）"},
    "conv_lab_rgb": {"en": "RGB (3 channels)", "zh": "RGB（3 个通道）"},
    "conv_lab_size": {"en": "Input size n", "zh": "输入尺寸 n"},
    "conv_lab_kernel_size": {"en": "Kernel size k", "zh": "卷积核大小 k"},
    "conv_lab_stride": {"en": "Stride s", "zh": "步幅 s"},
    "conv_lab_padding": {"en": "Padding p (each side)", "zh": "填充 p（每一边）"},
    "conv_lab_same": {"en": "same", "zh": "same"},
    "conv_lab_mode": {"en": "Padding mode", "zh": "填充方式"},
    "conv_lab_dilation": {"en": "Dilation d", "zh": "空洞率（膨胀）d"},
    "conv_lab_one_by_one": {"en": "Try a 1 × 1 convolution on RGB", "zh": "试试 RGB 上的 1 × 1 卷积"},
    "conv_lab_padded_input": {"en": "Input, padded by the engine", "zh": "输入（引擎填充后）"},
    "conv_lab_output_map": {"en": "Output feature map", "zh": "输出特征图"},
    "conv_lab_legend_window": {"en": "kernel taps (window)", "zh": "卷积核覆盖的位置（窗口）"},
    "conv_lab_legend_padding": {"en": "padding", "zh": "填充"},
    "conv_lab_legend_frame": {"en": "the original image", "zh": "原始图像"},
    "conv_lab_legend_signed": {"en": "Output colours: orange < 0 < purple (white = 0)",
                               "zh": "输出颜色：橙色 < 0 < 紫色（白色 = 0）"},
    "conv_lab_legend_positive": {"en": "Output colours: viridis, dark = 0, yellow = largest",
                                 "zh": "输出颜色：viridis，深色 = 0，黄色 = 最大"},
    "conv_lab_caption": {
        "en": ("Output cell ({i}, {j}) of {oh} × {ow} = {value}. Its window reads padded rows {r0}–{r1} "
               "and columns {c0}–{c1}. Output values range from {lo} to {hi}."),
        "zh": ("输出位置 ({i}, {j})（共 {oh} × {ow}）= {value}。它的窗口读取填充后图像的第 {r0}–{r1} 行、"
               "第 {c0}–{c1} 列。输出值范围：{lo} 到 {hi}。"),
    },
    "conv_lab_play": {"en": "▶ Play", "zh": "▶ 播放"},
    "conv_lab_pause": {"en": "❚❚ Pause", "zh": "❚❚ 暂停"},
    "conv_lab_play_tip": {"en": "Slide the window by itself (Space)", "zh": "让窗口自动滑动（空格键）"},
    "conv_lab_prev": {"en": "◀ Back", "zh": "◀ 后退"},
    "conv_lab_next": {"en": "Step ▶", "zh": "前进 ▶"},
    "conv_lab_reset": {"en": "|◀ Start", "zh": "|◀ 开头"},
    "conv_lab_prev_tip": {"en": "One position back (←)", "zh": "后退一个位置（←）"},
    "conv_lab_next_tip": {"en": "One position on (→)", "zh": "前进一个位置（→）"},
    "conv_lab_speed": {"en": "Speed (steps per second)", "zh": "速度（每秒步数）"},
    "conv_lab_keys": {"en": "Keys: Space play/pause · ← → one step · ↑ ↓ one row · Home/End first/last. "
                            "Click an output cell to jump there.",
                      "zh": "按键：空格 播放/暂停 · ← → 走一步 · ↑ ↓ 换一行 · Home/End 第一个/最后一个。"
                            "点击输出特征图上的格子可直接跳转。"},
    "conv_lab_size_title": {"en": "Output size", "zh": "输出尺寸"},
    "conv_lab_output_is": {"en": "Output:", "zh": "输出："},
    "conv_lab_input_is": {"en": "input {n} × {n} with {c} channel(s)", "zh": "输入 {n} × {n}，{c} 个通道"},
    "conv_lab_engine_shape": {"en": "the engine's output shape {shape}", "zh": "引擎输出的形状 {shape}"},
    "conv_lab_problem_title": {"en": "This setting cannot work.", "zh": "这个设置行不通。"},
    "conv_lab_problem_kept": {"en": "The pictures still show the last setting that worked.",
                              "zh": "图中仍显示上一个可行的设置。"},
    "conv_lab_hint_too_big": {
        "en": ("The kernel, with its dilation, spans d(k−1)+1 pixels, more than the padded input has: "
               "no window fits. Use a smaller kernel or dilation, more padding, or a larger input."),
        "zh": ("卷积核加上空洞后覆盖 d(k−1)+1 个像素，比填充后的输入还大：一个窗口也放不下。"
               "请减小卷积核或空洞率、增加填充，或者增大输入。"),
    },
    "conv_lab_hint_reflect": {
        "en": ("Reflect padding mirrors the image without repeating its edge, so it needs more pixels "
               "than it pads (circular padding can wrap around at most once). Use less padding, a "
               "larger input, or zeros/replicate padding."),
        "zh": ("反射填充以边缘为轴做镜像、不重复边缘像素，所以填充的宽度必须小于输入的尺寸"
               "（循环填充最多绕一圈）。请减少填充、增大输入，或改用零填充/复制填充。"),
    },
    "conv_lab_hint_same": {
        "en": ("'same' padding keeps the output as large as the input only at stride 1; with a larger "
               "stride no padding can do that, and PyTorch refuses it too. Set the stride to 1 or pick "
               "a padding amount."),
        "zh": ("'same' 填充只有在步幅为 1 时才能让输出与输入一样大；步幅更大时任何填充都做不到，"
               "PyTorch 也会拒绝。请把步幅设为 1，或者选择一个具体的填充量。"),
    },
    "conv_lab_bad_weights": {"en": "the kernel in the link does not match the kernel size",
                             "zh": "链接中的卷积核与卷积核大小不符"},
    "conv_lab_kernel_title": {"en": "The kernel (edit any number)", "zh": "卷积核（每个数都可以修改）"},
    "conv_lab_preset": {"en": "Preset", "zh": "预设"},
    "conv_lab_bias_name": {"en": "Bias b", "zh": "偏置 b"},
    "conv_lab_channel": {"en": "Channel {name}", "zh": "通道 {name}"},
    "conv_lab_cell_label": {"en": "Kernel weight {channel} row {row}, column {col}",
                            "zh": "卷积核权重 {channel} 第 {row} 行第 {col} 列"},
    "conv_lab_note_needs3": {"en": "This filter needs a kernel of at least 3 × 3; at this size it is all zeros.",
                             "zh": "这个滤波器至少需要 3 × 3 的卷积核；在这个尺寸下它全为 0。"},
    "conv_lab_note_needs2": {"en": "An edge filter needs at least 2 taps; a 1 × 1 Sobel kernel is zero.",
                             "zh": "边缘滤波器至少需要 2 个抽头；1 × 1 的 Sobel 卷积核为 0。"},
    "conv_lab_note_embedded": {"en": "The classic 3 × 3 table sits in the middle, with zeros around it.",
                               "zh": "经典的 3 × 3 卷积核放在中间，周围补 0。"},
    "conv_lab_note_luminance_grey": {"en": "With one channel, luminance is the identity. Switch to RGB to see "
                                           "the channels weighed 0.299, 0.587 and 0.114.",
                                     "zh": "只有一个通道时，亮度就是恒等变换。切换到 RGB，"
                                           "可以看到三个通道分别乘以 0.299、0.587 和 0.114。"},
    "conv_lab_products_title": {"en": "One output value, step by step", "zh": "一个输出值的计算过程"},
    "conv_lab_window": {"en": "window", "zh": "窗口"},
    "conv_lab_kernel": {"en": "kernel", "zh": "卷积核"},
    "conv_lab_products": {"en": "products", "zh": "逐元素乘积"},
    "conv_lab_bias": {"en": "bias", "zh": "偏置"},
    "conv_lab_output": {"en": "output", "zh": "输出"},
    "conv_lab_output_at": {"en": "engine's output[{i}, {j}]", "zh": "引擎的输出[{i}, {j}]"},
    "conv_lab_channels_title": {"en": "Each channel's share", "zh": "每个通道的贡献"},
    "conv_lab_partial": {"en": "{name} ⊛ kernel {name}", "zh": "{name} ⊛ 卷积核 {name}"},
    "conv_lab_partials_sum": {"en": "At ({i}, {j}) the output adds the channels' shares and the bias:",
                              "zh": "在 ({i}, {j}) 处，输出 = 各通道的贡献之和 + 偏置："},
    "conv_lab_explain_title": {"en": "What happens here", "zh": "这里发生了什么"},
    "conv_lab_explain": {
        "en": ("**Sliding window.** The kernel (k × k weights) is laid on the input, each weight is "
               "multiplied with the pixel under it and the products are added, plus the bias: one "
               "number of the output **feature map**. Then the window moves by the **stride** s. The "
               "same kernel is used at every position (**weight sharing**). Deep-learning libraries "
               "do not flip the kernel (strictly, this is cross-correlation).\n\n"
               "**Padding** adds p pixels around the image so that windows can sit on the edge: zeros, "
               "a mirror image (reflect), the edge repeated (replicate) or the opposite side "
               "(circular). 'same' picks p so that the output is as large as the input.\n\n"
               "**Dilation** d spreads the taps apart: a 3 × 3 kernel with d = 2 covers 5 × 5 pixels "
               "with 9 weights, a larger **receptive field** for free.\n\n"
               "**Channels.** For an RGB image the kernel has one k × k slice per channel; each slice "
               "filters its channel and the three results are added. A **1 × 1 convolution** does "
               "nothing spatial: it only mixes the channels at each pixel."),
        "zh": ("**滑动窗口。** 把卷积核（k × k 个权重）放在输入上，每个权重乘以它下面的像素，乘积相加，"
               "再加上偏置，得到输出**特征图**上的一个数。然后窗口按**步幅** s 移动。"
               "所有位置用的是同一个卷积核（**权值共享**）。深度学习库不会翻转卷积核"
               "（严格地说这是互相关）。\n\n"
               "**填充**在图像四周加上 p 个像素，让窗口也能落在边缘上：补零、镜像（反射）、"
               "重复边缘（复制）或接上另一侧（循环）。'same' 会选择合适的 p，使输出与输入一样大。\n\n"
               "**空洞（膨胀）** d 把卷积核的抽头拉开：d = 2 的 3 × 3 卷积核只用 9 个权重就覆盖 5 × 5 "
               "个像素，**感受野**更大却不增加参数。\n\n"
               "**通道。** 对 RGB 图像，卷积核的每个通道各有一个 k × k 切片；每个切片对自己的通道做卷积，"
               "三个结果相加。**1 × 1 卷积**没有空间上的作用：它只在每个像素上混合各通道。"),
    },
}

add_strings(STRINGS)
