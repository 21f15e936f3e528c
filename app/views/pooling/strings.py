"""Texts of the Pooling & activations lab, in English and Chinese (merged into app.core.i18n.STRINGS)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "pool_heading": {"en": "Pool a feature map, then send the gradient back",
                     "zh": "对特征图做池化，再把梯度传回去"},
    "pool_layer": {"en": "Layer (its output is pooled)", "zh": "层（对它的输出做池化）"},
    "pool_channel": {"en": "Channel", "zh": "通道"},
    "pool_kind": {"en": "Pooling", "zh": "池化方式"},
    "pool_kind_max": {"en": "Max", "zh": "最大池化"},
    "pool_kind_avg": {"en": "Average", "zh": "平均池化"},
    "pool_kind_min": {"en": "Min", "zh": "最小池化"},
    "pool_kind_l2": {"en": "L2 (LP, p = 2)", "zh": "L2 池化（p = 2）"},
    "pool_kind_stochastic": {"en": "Stochastic", "zh": "随机池化"},
    "pool_kind_gap": {"en": "Global average", "zh": "全局平均池化"},
    "pool_window": {"en": "Window k (k × k)", "zh": "池化窗口 k（k × k）"},
    "pool_stride": {"en": "Stride s", "zh": "步幅 s"},
    "pool_grad_from": {"en": "Gradient sent back from", "zh": "反向传回的梯度来自"},
    "pool_grad_all": {"en": "every output cell (ones)", "zh": "所有输出单元（全为 1）"},
    "pool_grad_cell": {"en": "one output cell (click it)", "zh": "一个输出单元（点击选择）"},
    "pool_cell_row": {"en": "Output row", "zh": "输出行"},
    "pool_cell_col": {"en": "Output column", "zh": "输出列"},
    "pool_resample": {"en": "Draw again (new random pick)", "zh": "重新抽样（新的随机选择）"},
    "pool_input_title": {"en": "Feature map, channel {c} (• = chosen)",
                         "zh": "特征图，通道 {c}（• = 被选中）"},
    "pool_output_title": {"en": "Pooled output (click a cell)", "zh": "池化输出（可点击单元）"},
    "pool_grad_title": {"en": "Gradient arriving at the input", "zh": "传到输入上的梯度"},
    "pool_sum_shape": {"en": "Input {h} × {w}, window {k}, stride {s} → output",
                       "zh": "输入 {h} × {w}，窗口 {k}，步幅 {s} → 输出"},
    "pool_sum_grad": {"en": "Gradient sent back: total {n}; total arriving at the input:",
                      "zh": "传回的梯度总和 {n}；到达输入的梯度总和："},
    "pool_route_max": {"en": "Max pooling gives each window's whole gradient to its largest input (the dot); "
                              "every other input gets 0. An input that wins several overlapping windows collects "
                              "all their gradients, so the totals match.",
                       "zh": "最大池化把每个窗口的全部梯度交给窗口里最大的输入（圆点），其余输入得到 0。"
                             "一个输入若在几个重叠窗口里都最大，就收集所有这些梯度，所以两个总和相等。"},
    "pool_route_min": {"en": "Min pooling gives each window's whole gradient to its smallest input (the dot).",
                       "zh": "最小池化把每个窗口的全部梯度交给窗口里最小的输入（圆点）。"},
    "pool_route_avg": {"en": "Average pooling spreads each window's gradient evenly: every input of the window "
                              "gets 1/k² of it. Inputs in no window (when s > k or at the edge) get nothing.",
                       "zh": "平均池化把每个窗口的梯度平均分给窗口里的每个输入：每个得到 1/k²。"
                             "不在任何窗口里的输入（s > k 或在边缘）什么也得不到。"},
    "pool_route_l2": {"en": "L2 pooling shares each window's gradient in proportion to the inputs: x_i / y. "
                             "Big inputs get more, zeros get nothing, and the shares do not add up to 1.",
                      "zh": "L2 池化按输入的大小分配梯度：x_i / y。大的输入分得多，0 分不到，"
                            "而且这些份额加起来一般不等于 1。"},
    "pool_route_stochastic": {"en": "Stochastic pooling draws one input per window with probability a_i / Σa "
                                     "(the dot) and, like max pooling, gives it the whole gradient. "
                                     "Draw again to see another pick.",
                              "zh": "随机池化在每个窗口里按概率 a_i / Σa 随机选一个输入（圆点），"
                                    "并像最大池化一样把全部梯度交给它。点“重新抽样”看另一种选择。"},
    "pool_route_gap": {"en": "Global average pooling makes one number per channel; its gradient is spread "
                              "evenly over all H·W inputs.",
                       "zh": "全局平均池化让每个通道只剩一个数；它的梯度平均分给全部 H·W 个输入。"},
    "pool_kind_attention": {"en": "Attention", "zh": "注意力池化"},
    "pool_kind_bilinear": {"en": "Bilinear", "zh": "双线性池化"},
    "pool_beta": {"en": "Attention: score weight β on this channel (s = β·x)",
                  "zh": "注意力：这个通道的打分权重 β（s = β·x）"},
    "pool_grad_title_channel": {"en": "Gradient arriving at channel {c}", "zh": "传到通道 {c} 上的梯度"},
    "pool_attn_scores_title": {"en": "Scores s = {beta} · x (channel {c})", "zh": "打分 s = {beta} · x（通道 {c}）"},
    "pool_attn_weights_title": {"en": "Softmax weights a (they sum to 1)", "zh": "softmax 权重 a（总和为 1）"},
    "pool_attn_shape": {"en": "Input {c} channels × {h} × {w}, one window: all {h}·{w} positions → output: one number per channel,",
                        "zh": "输入 {c} 个通道 × {h} × {w}，只有一个窗口：全部 {h}·{w} 个位置 → 输出：每个通道一个数，"},
    "pool_attn_value": {"en": "Weighted average of channel {c}: y = Σ a·x =", "zh": "通道 {c} 的加权平均：y = Σ a·x ="},
    "pool_attn_compare": {"en": "(its plain average is {avg}, its maximum {max})",
                          "zh": "（普通平均为 {avg}，最大值为 {max}）"},
    "pool_attn_pos": {"en": "position (row, col)", "zh": "位置（行, 列）"},
    "pool_attn_x": {"en": "x", "zh": "x"},
    "pool_attn_s": {"en": "score s", "zh": "打分 s"},
    "pool_attn_a": {"en": "weight a", "zh": "权重 a"},
    "pool_attn_ax": {"en": "a · x", "zh": "a · x"},
    "pool_attn_caption": {"en": "The six positions with the largest weights; over all positions Σ a·x = y = {y} (channel {c})",
                          "zh": "权重最大的六个位置；对全部位置求和 Σ a·x = y = {y}（通道 {c}）"},
    "pool_route_attention": {
        "en": ("Attention pooling: a 1×1 convolution scores every position, a softmax turns the scores into "
               "weights (the heat map), and each channel's output is its weighted average. In a network the "
               "score weights are learned; here you set them: β on this channel, 0 on the others. β = 0 is "
               "global average pooling, a large β comes close to max pooling. The gradient of y goes to every "
               "position in proportion to its weight a, plus a share through the scores (positions above "
               "the average gain, those below lose)."),
        "zh": ("注意力池化：一个 1×1 卷积给每个位置打分，softmax 把打分变成权重（热力图），每个通道的输出就是"
               "它的加权平均。在网络里打分的权重是学出来的；这里由你设定：这个通道的权重为 β，其他通道为 0。"
               "β = 0 就是全局平均池化，β 很大时接近最大池化。y 的梯度按权重 a 分给每个位置，另外还有一部分"
               "经过打分传回（高于平均值的位置得到正的梯度，低于平均值的得到负的）。"),
    },
    "pool_bilinear_title": {"en": "B = mean of x·xᵀ ({c} × {c}; click an entry)",
                            "zh": "B = x·xᵀ 的平均（{c} × {c}；可点击一个元素）"},
    "pool_bilinear_product_title": {"en": "x_{i}·x_{j} per position (mean: B[{i}, {j}])",
                                    "zh": "每个位置的 x_{i}·x_{j}（平均：B[{i}, {j}]）"},
    "pool_input_title_plain": {"en": "Feature map, channel {c}", "zh": "特征图，通道 {c}"},
    "pool_bilinear_shape": {"en": "Input {c} channels × {h} × {w} → output: the matrix",
                            "zh": "输入 {c} 个通道 × {h} × {w} → 输出：矩阵"},
    "pool_bilinear_numbers": {"en": "= {n} numbers per image.", "zh": "，每张图 {n} 个数。"},
    "pool_bilinear_entry": {"en": "B[{i}, {j}] = (1 / {hw}) Σ x_{i}·x_{j} =", "zh": "B[{i}, {j}] = (1 / {hw}) Σ x_{i}·x_{j} ="},
    "pool_route_bilinear": {
        "en": ("Bilinear pooling multiplies every pair of channels at every position (the outer product x·xᵀ of "
               "the feature vector there) and averages over the positions: B[i, j] says how strongly features i "
               "and j occur together, wherever they are. The matrix is symmetric; its diagonal is each channel's "
               "mean square. The gradient of B[i, j] reaches channel i in proportion to channel j (and channel j "
               "in proportion to channel i); other channels get nothing from it. Bilinear CNNs then take "
               "sign(B)·√|B| and divide by the L2 norm."),
        "zh": ("双线性池化在每个位置把每一对通道相乘（该位置特征向量的外积 x·xᵀ），再对所有位置取平均："
               "B[i, j] 表示特征 i 和特征 j 一起出现的强度，而不管它们出现在哪里。这个矩阵是对称的，"
               "对角线是每个通道的均方值。B[i, j] 的梯度按通道 j 的值传给通道 i（也按通道 i 的值传给通道 j），"
               "其他通道得不到。双线性 CNN 之后还会取 sign(B)·√|B| 并除以 L2 范数。"),
    },
    "pool_window_caption": {"en": "Window of output cell ({r}, {c}): input value → its share of that cell's gradient",
                            "zh": "输出单元 ({r}, {c}) 的窗口：输入值 → 它分到的该单元梯度"},
    "pool_window_big": {"en": "The window has {n} inputs: too many to list.",
                        "zh": "窗口里有 {n} 个输入，太多，不一一列出。"},
    "pool_row": {"en": "row \\ col", "zh": "行 \\ 列"},
    "pool_divisor": {"en": "Divisor of this window: {d}", "zh": "这个窗口的除数：{d}"},
    "pool_explain": {
        "en": ("**Pooling** summarises every k × k window of a **feature map** by one number, channel by "
               "channel, sliding with **stride** s. It has no weights. What matters is *which* summary — "
               "and, for learning, where the gradient goes on the way back. The last two read every channel "
               "at once: **attention** pooling learns where to look (a softmax-weighted average), "
               "**bilinear** pooling keeps which features occur together (the outer product of features):"),
        "zh": ("**池化**把**特征图**上每个 k × k 窗口概括成一个数，逐通道进行，按**步幅** s 滑动。"
               "池化没有权重。关键在于用哪种概括方式——以及在反向传播时梯度流向哪里。最后两种同时读取所有通道："
               "**注意力**池化学习看哪里（softmax 加权平均），**双线性**池化记下哪些特征一起出现（特征的外积）："),
    },
    "pool_explain_size": {"en": "The output size follows the same rule as a convolution (no padding here):",
                          "zh": "输出尺寸的计算规则和卷积一样（这里没有填充）："},
    # --- activations ---------------------------------------------------------------
    "pool_act_heading": {"en": "Activation functions and their derivatives", "zh": "激活函数及其导数"},
    "pool_act_kind": {"en": "Activation", "zh": "激活函数"},
    "pool_act_relu": {"en": "ReLU", "zh": "ReLU"},
    "pool_act_leaky_relu": {"en": "Leaky ReLU", "zh": "Leaky ReLU"},
    "pool_act_sigmoid": {"en": "Sigmoid", "zh": "Sigmoid"},
    "pool_act_tanh": {"en": "Tanh", "zh": "Tanh"},
    "pool_act_layer": {"en": "Pre-activations of layer", "zh": "哪一层的激活前的值"},
    "pool_curve_title": {"en": "f(x) and its derivative f′(x)", "zh": "f(x) 及其导数 f′(x)"},
    "pool_curve_y": {"en": "value", "zh": "数值"},
    "pool_f": {"en": "f(x)", "zh": "f(x)"},
    "pool_fprime": {"en": "f′(x)", "zh": "f′(x)"},
    "pool_pre_title": {"en": "Pre-activation x", "zh": "激活前的值 x"},
    "pool_post_title": {"en": "After the activation f(x)", "zh": "激活后的值 f(x)"},
    "pool_deriv_title": {"en": "Derivative f′(x) (gradient gate)", "zh": "导数 f′(x)（梯度闸门）"},
    "pool_act_numbers": {
        "en": ("This map has {values} values from {low} to {high}; {neg} are ≤ 0. "
               "Share of values where f′(x) < 0.01 (almost no gradient passes):"),
        "zh": "这张特征图有 {values} 个值，范围 {low} 到 {high}，其中 {neg} 不大于 0。f′(x) < 0.01（几乎没有梯度通过）的比例：",
    },
    "pool_stats_wait": {"en": "Counting over the 1,000 test digits …", "zh": "正在统计 1000 个测试数字……"},
    "pool_stats_caption": {"en": "Over all {n} test digits, per layer (pre-activations of the current model)",
                           "zh": "在全部 {n} 个测试数字上逐层统计（当前模型激活前的值）"},
    "pool_st_layer": {"en": "layer", "zh": "层"},
    "pool_st_shape": {"en": "units", "zh": "单元"},
    "pool_st_dead": {"en": "dead ReLUs", "zh": "死亡 ReLU"},
    "pool_st_dead_frac": {"en": "dead %", "zh": "死亡比例"},
    "pool_st_dead_ch": {"en": "dead channels", "zh": "死亡通道"},
    "pool_st_sat_sig": {"en": "sigmoid saturated", "zh": "sigmoid 饱和"},
    "pool_st_sat_tanh": {"en": "tanh saturated", "zh": "tanh 饱和"},
    "pool_stats_note": {
        "en": ("A unit (one channel at one position) is dead if its ReLU output is 0 for every test digit: "
               "it never passes a gradient, so it can no longer learn. Saturated: the share of "
               "pre-activation values where sigmoid′(x) or tanh′(x) would be below 0.01, if the network "
               "used that function instead of ReLU."),
        "zh": ("一个单元（某通道某位置）如果对每个测试数字的 ReLU 输出都是 0，就是死亡的：它从不传递梯度，"
               "因此再也学不到东西。饱和：如果网络改用 sigmoid 或 tanh，激活前的值中导数会小于 0.01 的比例。"),
    },
    "pool_act_explain": {
        "en": ("Between layers a network applies an **activation function** f to every value. Without it, "
               "stacked layers would collapse into one linear map. On the way back, each gradient is "
               "multiplied by **f′(x)**: where f′ is 0, nothing flows (a **dead** ReLU); where f′ is tiny, "
               "almost nothing flows (a **saturated** sigmoid)."),
        "zh": ("网络在层与层之间对每个值使用**激活函数** f。没有它，多层叠加只相当于一个线性变换。"
               "反向传播时，每个梯度都要乘以 **f′(x)**：f′ 为 0 的地方梯度完全断流（**死亡** ReLU）；"
               "f′ 很小的地方几乎断流（**饱和**的 sigmoid）。"),
    },
    "pool_act_explain_after": {
        "en": ("Sigmoid's slope is at most 1/4, so ten sigmoid layers shrink a gradient by at least 4¹⁰ ≈ 10⁶: "
               "the vanishing gradient. ReLU passes gradients unchanged where x > 0; Leaky ReLU keeps a small "
               "slope α on the other side so units cannot die."),
        "zh": ("sigmoid 的斜率最多 1/4，所以十层 sigmoid 至少让梯度缩小 4¹⁰ ≈ 10⁶ 倍：这就是梯度消失。"
               "ReLU 在 x > 0 处原样传递梯度；Leaky ReLU 在另一侧保留小斜率 α，单元就不会死亡。"),
    },
}

add_strings(STRINGS)
