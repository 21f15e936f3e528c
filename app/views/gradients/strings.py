"""Texts of the Gradients lab, in English and Chinese (merged into app.core.i18n.STRINGS)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "grad_subtitle": {"en": "Where the gradient goes: saliency, backpropagation, and a check by finite differences",
                      "zh": "梯度去了哪里：显著图、反向传播，以及用有限差分来检验"},
    # --- choosing ---------------------------------------------------------------
    "grad_target": {"en": "Gradient of the score of class", "zh": "求梯度的类别得分"},
    "grad_target_pred": {"en": "predicted", "zh": "预测类别"},
    "grad_loss": {"en": "Quantity L sent back (layers, conv layer, check)", "zh": "反向传播的量 L（各层、卷积层、检验）"},
    "grad_loss_score": {"en": "score z_t", "zh": "得分 z_t"},
    "grad_loss_cross_entropy": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    # --- saliency ------------------------------------------------------------------
    "grad_sal_heading": {"en": "Saliency: which pixels would change the score most",
                         "zh": "显著图：改变哪些像素最能影响得分"},
    "grad_input_title": {"en": "Input x", "zh": "输入 x"},
    "grad_sal_title": {"en": "Saliency |∂z_t/∂x|", "zh": "显著图 |∂z_t/∂x|"},
    "grad_signed_title": {"en": "Signed ∂z_t/∂x", "zh": "带符号的 ∂z_t/∂x"},
    "grad_sal_summary": {
        "en": "Prediction: {pred} ({p} sure). Gradient of the score of class t = {t} (z_t = {z}, probability {pt}). "
              "Largest |∂z_t/∂x| = {m} at row {r}, column {c}: brighter pixels matter more. "
              "Purple: more ink there raises z_t; orange: more ink lowers it. Click a pixel to check its gradient below.",
        "zh": "预测结果：{pred}（把握 {p}）。这里求的是类别 t = {t} 的得分梯度（z_t = {z}，概率 {pt}）。"
              "最大的 |∂z_t/∂x| = {m}，位于第 {r} 行第 {c} 列：越亮的像素越重要。"
              "紫色：那里墨水越多 z_t 越大；橙色：墨水越多 z_t 越小。点击一个像素，可以在下面检验它的梯度。"},
    "grad_sal_summary_photo": {
        "en": "Prediction: {pred} ({p} sure). Gradient of the score of class t = {t} (z_t = {z}, probability {pt}). "
              "Largest |∂z_t/∂x| = {m} at row {r}, column {c} (the largest of R, G and B): brighter pixels matter "
              "more. In the signed maps, purple: more of that colour there raises z_t; orange: more of it lowers it. "
              "Click a pixel to check its gradient below.",
        "zh": "预测结果：{pred}（把握 {p}）。这里求的是类别 t = {t} 的得分梯度（z_t = {z}，概率 {pt}）。"
              "最大的 |∂z_t/∂x| = {m}（R、G、B 中最大的），位于第 {r} 行第 {c} 列：越亮的像素越重要。"
              "带符号的图中，紫色：那里这种颜色越多 z_t 越大；橙色：这种颜色越多 z_t 越小。"
              "点击一个像素，可以在下面检验它的梯度。"},
    "grad_url_target": {"en": "-1 (the predicted class) or a class of this model, 0 to {hi} ({names})",
                        "zh": "-1（预测类别）或这个模型的类别 0 到 {hi}（{names}）"},
    "grad_sal_check": {
        "en": "The saliency map and the input gradient of an ordinary backward pass differ by at most",
        "zh": "显著图与普通反向传播得到的输入梯度的最大差："},
    # --- every layer ----------------------------------------------------------------
    "grad_layers_heading": {"en": "The gradient arriving at every layer, ∂L/∂(layer output)",
                            "zh": "到达每一层的梯度 ∂L/∂(该层输出)"},
    "grad_layers_note": {
        "en": "One heatmap per layer, all channels side by side (white = 0, purple > 0, orange < 0; each layer "
              "has its own colour scale). Read from the bottom of the network (right) to the image (left): "
              "max pooling sends the gradient only to the winners, ReLU blocks it where the unit was off.",
        "zh": "每层一张热力图，各通道并排（白色 = 0，紫色 > 0，橙色 < 0；每层的颜色范围各不相同）。"
              "从网络末端（右）往图像（左）看：最大池化只把梯度交给胜出的位置，ReLU 在单元未激活处把梯度挡住。"},
    "grad_layers_caption": {"en": "Size of each layer's gradient", "zh": "每层梯度的大小"},
    "grad_col_layer": {"en": "layer", "zh": "层"},
    "grad_col_shape": {"en": "shape", "zh": "形状"},
    "grad_col_max": {"en": "max |g|", "zh": "最大 |g|"},
    "grad_col_norm": {"en": "‖g‖₂", "zh": "‖g‖₂"},
    "grad_col_zero": {"en": "exactly 0", "zh": "恰好为 0"},
    "grad_input_layer": {"en": "input", "zh": "输入"},
    # --- one conv layer -------------------------------------------------------------------
    "grad_conv_heading": {"en": "Backward through one convolution layer, with numbers",
                          "zh": "逐个数值看反向传播如何穿过一个卷积层"},
    "grad_conv_layer": {"en": "Convolution layer", "zh": "卷积层"},
    "grad_out_ch": {"en": "Output channel o", "zh": "输出通道 o"},
    "grad_in_ch": {"en": "Input channel c", "zh": "输入通道 c"},
    "grad_cell_u": {"en": "Kernel row u", "zh": "卷积核行 u"},
    "grad_cell_v": {"en": "Kernel column v", "zh": "卷积核列 v"},
    "grad_x_title": {"en": "Layer input x[{c}]", "zh": "该层输入 x[{c}]"},
    "grad_g_title": {"en": "Upstream g[{o}] = ∂L/∂y[{o}]", "zh": "上游梯度 g[{o}] = ∂L/∂y[{o}]"},
    "grad_partial_title": {"en": "full(g[{o}] ⋆ rot180(w[{o},{c}]))", "zh": "full(g[{o}] ⋆ rot180(w[{o},{c}]))"},
    "grad_dx_title": {"en": "∂L/∂x[{c}], sum over o", "zh": "∂L/∂x[{c}]（对 o 求和）"},
    "grad_kernel_caption": {"en": "Kernel w[o={o}, c={c}]", "zh": "卷积核 w[o={o}, c={c}]"},
    "grad_rot_caption": {"en": "Rotated 180°: rot180(w)", "zh": "旋转 180°：rot180(w)"},
    "grad_dw_caption": {"en": "Weight gradient ∂L/∂w[o={o}, c={c}]", "zh": "权值梯度 ∂L/∂w[o={o}, c={c}]"},
    "grad_conv_agree": {
        "en": "Two ways to get ∂L/∂x: the full convolution of g with the rotated kernels, and the engine's own "
              "backward pass of the convolution (im2col form). Largest difference:",
        "zh": "求 ∂L/∂x 的两种方法：g 与旋转后卷积核的完全卷积，以及引擎中卷积层自己的反向传播（im2col 形式）。最大差："},
    "grad_conv_net": {
        "en": "Against the network's own float32 backward pass:",
        "zh": "与网络自身 float32 反向传播的最大差："},
    "grad_conv_corr": {
        "en": "Weight gradient as a correlation of x with g, against the weight gradient of the engine's "
              "backward pass:",
        "zh": "把权值梯度算成 x 与 g 的相关，与引擎反向传播得到的权值梯度比较，最大差："},
    "grad_worked": {"en": "Worked cell (u = {u}, v = {v}): {n} terms, one per output position; the largest:",
                    "zh": "算一个格子（u = {u}，v = {v}）：共 {n} 项，每个输出位置一项；绝对值最大的几项："},
    "grad_worked_engine": {
        "en": "The engine's backward pass gives",
        "zh": "引擎的反向传播给出"},
    "grad_padded_note": {"en": "(x counted with the layer's padding of {p}: x[c, 0, 0] is a padded zero)",
                         "zh": "（x 包含该层 {p} 圈填充：x[c, 0, 0] 是填充的零）"},
    "grad_worked_more": {"en": "… and {n} more terms", "zh": "……另有 {n} 项"},
    "grad_conv_none": {"en": "This model has no convolution layer.", "zh": "这个模型没有卷积层。"},
    # --- finite differences ---------------------------------------------------------------------
    "grad_fd_heading": {"en": "Check a gradient yourself: finite differences", "zh": "自己检验梯度：有限差分"},
    "grad_fd_kind": {"en": "Nudge", "zh": "微调"},
    "grad_fd_weight": {"en": "a weight", "zh": "一个权值"},
    "grad_fd_pixel": {"en": "an input pixel", "zh": "一个输入像素"},
    "grad_fd_layer": {"en": "Layer", "zh": "层"},
    "grad_fd_index": {"en": "Weight index (flat)", "zh": "权值序号（展平后）"},
    "grad_fd_largest": {"en": "Largest gradient", "zh": "梯度最大的权值"},
    "grad_fd_row": {"en": "Pixel row", "zh": "像素行"},
    "grad_fd_col": {"en": "Pixel column", "zh": "像素列"},
    "grad_fd_eps": {"en": "Step ε", "zh": "步长 ε"},
    "grad_fd_which_weight": {"en": "θ = w{pos} of layer {layer} = {value}", "zh": "θ = 第 {layer} 层的 w{pos} = {value}"},
    "grad_fd_which_pixel": {"en": "θ = x[{r}, {c}] = {value}", "zh": "θ = x[{r}, {c}] = {value}"},
    "grad_fd_which_pixel_rgb": {"en": "θ = x[{k}, {r}, {c}] = {value} (channel {colour}, normalised)",
                                "zh": "θ = x[{k}, {r}, {c}] = {value}（{colour} 通道，已归一化）"},
    "grad_fd_channel": {"en": "Colour channel", "zh": "颜色通道"},
    "grad_signed_channel_title": {"en": "Signed ∂z_t/∂x, {c}", "zh": "带符号的 ∂z_t/∂x，{c}"},
    "grad_fd_numeric": {"en": "finite difference (L(θ+ε) − L(θ−ε)) / 2ε =", "zh": "有限差分 (L(θ+ε) − L(θ−ε)) / 2ε ="},
    "grad_fd_analytic": {"en": "backpropagation ∂L/∂θ =", "zh": "反向传播 ∂L/∂θ ="},
    "grad_fd_rel": {"en": "relative error |a − b| / max(|a|, |b|) =", "zh": "相对误差 |a − b| / max(|a|, |b|) ="},
    "grad_fd_verdict_ok": {"en": "They agree: the backward pass is right.", "zh": "两者一致：反向传播是对的。"},
    "grad_fd_verdict_close": {"en": "Close, not exact: try another ε.", "zh": "接近但不完全一致：换一个 ε 试试。"},
    "grad_fd_verdict_bad": {"en": "They differ: ε too large (a ReLU or max pooling switched), or too small (rounding).",
                            "zh": "两者不一致：ε 太大（某个 ReLU 或最大池化切换了），或者太小（舍入误差）。"},
    "grad_fd_table": {"en": "Every ε at once (float64, a copy of the model)", "zh": "所有 ε 一起看（float64，模型的副本）"},
    "grad_col_eps": {"en": "ε", "zh": "ε"},
    "grad_col_plus": {"en": "L(θ+ε)", "zh": "L(θ+ε)"},
    "grad_col_minus": {"en": "L(θ−ε)", "zh": "L(θ−ε)"},
    "grad_col_numeric": {"en": "finite difference", "zh": "有限差分"},
    "grad_col_rel": {"en": "relative error", "zh": "相对误差"},
    "grad_fd_loss": {"en": "L = {what} of class t = {t}; L(θ) = {value}", "zh": "L = 类别 t = {t} 的{what}；L(θ) = {value}"},
    # --- explanations -------------------------------------------------------------------------------
    "grad_explain_sal": {
        "en": "The network computes a score z_t for each class t. Its **gradient** with respect to the image says, "
              "for every pixel, how fast z_t changes when that pixel changes. One backward pass, started from a 1 at "
              "z_t and 0 at the other scores, gives it for all 784 pixels at once:",
        "zh": "网络给每个类别 t 算出一个得分 z_t。它对图像的**梯度**告诉我们：每个像素变化时 z_t 变化得有多快。"
              "从 z_t 处为 1、其他得分处为 0 开始做一次反向传播，就能同时得到全部 784 个像素的梯度："},
    "grad_explain_sal_photo": {
        "en": "The network computes a score z_t for each class t. Its **gradient** with respect to the picture says, "
              "for every pixel and colour channel, how fast z_t changes when that number changes. One backward "
              "pass, started from a 1 at z_t and 0 at the other scores, gives it for all 3 × 32 × 32 = 3,072 input "
              "numbers (R, G and B of each pixel) at once; the saliency map keeps the largest of a pixel's three:",
        "zh": "网络给每个类别 t 算出一个得分 z_t。它对图片的**梯度**告诉我们：每个像素的每个颜色通道变化时 z_t "
              "变化得有多快。从 z_t 处为 1、其他得分处为 0 开始做一次反向传播，就能同时得到全部 3 × 32 × 32 = 3072 "
              "个输入数值（每个像素的 R、G、B）的梯度；显著图取每个像素三个通道中最大的那个："},
    "grad_explain_chain": {
        "en": "Backpropagation is the chain rule applied layer by layer, from the output back to the image: "
              "each layer turns the gradient of its output g into the gradient of its input.",
        "zh": "反向传播就是从输出到图像逐层使用链式法则：每一层把它输出的梯度 g 变成它输入的梯度。"},
    "grad_explain_conv": {
        "en": "A convolution layer computes y[o] = b[o] + Σ_c w[o,c] ⋆ x[c] (⋆: sliding window). Its backward pass "
              "needs two things. The gradient for its **input** is the *full* convolution (zero padding of k − 1 "
              "all round) of g with the kernel **rotated by 180°**, input and output channels swapped:",
        "zh": "卷积层计算 y[o] = b[o] + Σ_c w[o,c] ⋆ x[c]（⋆：滑动窗口）。它的反向传播要算两样东西。"
              "对**输入**的梯度，是 g 与**旋转 180°** 的卷积核做*完全*卷积（四周补 k − 1 圈零），输入输出通道对调："},
    "grad_explain_dw": {
        "en": "The gradient for a **weight** adds up, over every position where the kernel was used "
              "(**weight sharing**), the input it saw times the gradient there: a correlation of x with g.",
        "zh": "对某个**权值**的梯度，是把这个卷积核用过的每个位置（**权值共享**）上“它看到的输入 × 那里的梯度”加起来："
              "也就是 x 与 g 的相关。"},
    "grad_explain_fd": {
        "en": "To check a gradient without calculus, nudge one number θ both ways and watch L. The **central "
              "difference** has an error of order ε² (the curvature) plus a rounding error of order "
              "10⁻¹⁶ · |L| / ε: a middle ε is best. It is computed in float64 on a copy of the model; "
              "in float32 rounding would swamp it.",
        "zh": "不用微积分也能检验梯度：把一个数 θ 往两边各推一点，看 L 怎么变。**中心差分**的误差约为 ε²（曲率造成），"
              "再加上约 10⁻¹⁶ · |L| / ε 的舍入误差：ε 取中间值最好。这里在模型的 float64 副本上计算；"
              "用 float32 的话，舍入误差会淹没结果。"},
    "grad_explain_kinks": {
        "en": "With the score z_t, L is piecewise linear in one weight (ReLU and max pooling are linear between "
              "their switches), so even ε = 0.1 is often exact, unless a switch falls inside ±ε. "
              "Cross-entropy is curved: large ε errs.",
        "zh": "以得分 z_t 作为 L 时，L 关于单个权值是分段线性的（ReLU 和最大池化在切换点之间都是线性的），"
              "所以即使 ε = 0.1 也常常是精确的——除非 ±ε 范围内恰好有一个切换点。交叉熵是弯曲的：ε 大了就有误差。"},
}
add_strings(STRINGS)
