"""Texts of the 1-D convolution lab, in English and Chinese (merged into app.core.i18n.STRINGS)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "c1d_subtitle": {"en": "The same ideas on a time series: kernel, stride, padding, pooling, learned detectors",
                     "zh": "同样的思想用在时间序列上：卷积核、步幅、填充、池化、学到的检测器"},
    "c1d_heading": {"en": "Slide a 1-D kernel along a price series", "zh": "让一维卷积核沿着价格序列滑动"},
    "c1d_seed": {"en": "Series seed", "zh": "序列随机种子"},
    "c1d_preset": {"en": "Kernel", "zh": "卷积核"},
    "c1d_preset_moving_average": {"en": "moving average", "zh": "移动平均"},
    "c1d_preset_difference": {"en": "difference (slope)", "zh": "差分（斜率）"},
    "c1d_preset_second_difference": {"en": "second difference", "zh": "二阶差分"},
    "c1d_preset_step": {"en": "step detector", "zh": "阶跃检测器"},
    "c1d_preset_custom": {"en": "your own (typed in)", "zh": "自定义（手动输入）"},
    "c1d_k": {"en": "Kernel size k", "zh": "卷积核大小 k"},
    "c1d_stride": {"en": "Stride s", "zh": "步幅 s"},
    "c1d_padding": {"en": "Padding p", "zh": "填充 p"},
    "c1d_mode": {"en": "Padding mode", "zh": "填充方式"},
    "c1d_mode_zeros": {"en": "zeros", "zh": "补零"},
    "c1d_mode_replicate": {"en": "replicate", "zh": "复制边缘"},
    "c1d_mode_reflect": {"en": "reflect", "zh": "镜像反射"},
    "c1d_mode_circular": {"en": "circular", "zh": "循环"},
    "c1d_pool": {"en": "Pooling over time", "zh": "时间上的池化"},
    "c1d_pool_none": {"en": "none", "zh": "无"},
    "c1d_pool_max": {"en": "max", "zh": "最大池化"},
    "c1d_pool_avg": {"en": "average", "zh": "平均池化"},
    "c1d_pool_k": {"en": "Pool window (= its stride)", "zh": "池化窗口（= 其步幅）"},
    "c1d_pos": {"en": "Output position i", "zh": "输出位置 i"},
    "c1d_kernel_label": {"en": "Kernel weights (type to edit; Enter applies)", "zh": "卷积核权值（可直接修改；按回车生效）"},
    "c1d_cell_label": {"en": "weight {col}", "zh": "权值 {col}"},
    "c1d_series_title": {"en": "Synthetic price (seed {seed}): random walk + trend + patterns",
                         "zh": "合成价格序列（种子 {seed}）：随机游走 + 趋势 + 形态"},
    "c1d_time": {"en": "time step t", "zh": "时间步 t"},
    "c1d_price": {"en": "price", "zh": "价格"},
    "c1d_kind_spike": {"en": "spike", "zh": "尖峰"},
    "c1d_kind_step": {"en": "step", "zh": "阶跃"},
    "c1d_kind_head_shoulders": {"en": "head-and-shoulders", "zh": "头肩形"},
    "c1d_kind_none": {"en": "no pattern", "zh": "无形态"},
    "c1d_output_title": {"en": "Output of Conv1d (drawn at the centre of each window)",
                         "zh": "Conv1d 的输出（画在每个窗口的中心）"},
    "c1d_output": {"en": "output y", "zh": "输出 y"},
    "c1d_conv_legend": {"en": "Conv1d output", "zh": "Conv1d 输出"},
    "c1d_pool_legend": {"en": "after pooling", "zh": "池化之后"},
    "c1d_formula": {"en": "Output length:", "zh": "输出长度："},
    "c1d_engine": {
        "en": "The engine's 1-D convolution layer says",
        "zh": "引擎的一维卷积层给出"},
    "c1d_pool_formula": {"en": "After pooling with window and stride {k}:", "zh": "用窗口和步幅都为 {k} 的池化之后："},
    "c1d_window": {"en": "Output {i} reads times {first} … {last} (the orange band):",
                   "zh": "输出 {i} 读取时间 {first} … {last}（橙色区域）："},
    "c1d_window_pad": {"en": "times below 0 or above {last} are padding", "zh": "小于 0 或大于 {last} 的时间是填充"},
    "c1d_note_min": {"en": "The {name} kernel needs k ≥ {k}; k was raised to {k}.",
                     "zh": "{name}卷积核需要 k ≥ {k}；已把 k 调到 {k}。"},
    # --- learned -----------------------------------------------------------------------
    "c1d_learned_heading": {"en": "What a learned 1-D kernel detects", "zh": "学到的一维卷积核在检测什么"},
    "c1d_training": {"en": "Training a tiny 1-D CNN on 800 labelled windows…", "zh": "正在用 800 个带标签的窗口训练一个小型一维 CNN……"},
    "c1d_trained": {"en": "A tiny network (Conv1d with {c} kernels of size {k} → ReLU → max over time → Linear) was "
                           "trained for {steps} steps ({seconds:.1f} s) to tell spike / step / head-and-shoulders / "
                           "nothing apart in 48-step windows of returns. Accuracy on fresh windows:",
                    "zh": "一个小网络（Conv1d：{c} 个大小为 {k} 的卷积核 → ReLU → 时间上取最大 → 全连接层）"
                          "训练了 {steps} 步（{seconds:.1f} 秒），学习在 48 步的收益率窗口里区分尖峰 / 阶跃 / 头肩形 / 无形态。"
                          "在新窗口上的准确率："},
    "c1d_chance": {"en": "(guessing: 25%)", "zh": "（瞎猜：25%）"},
    "c1d_kernels_caption": {"en": "Learned kernels (one row each; they read returns r_t = p(t+1) − p(t))",
                            "zh": "学到的卷积核（每行一个；它们读取收益率 r_t = p(t+1) − p(t)）"},
    "c1d_firing_title": {"en": "Where each learned kernel fires on this series: ReLU(Conv1d(returns))",
                         "zh": "每个学到的卷积核在这条序列上何处被激活：ReLU(Conv1d(收益率))"},
    "c1d_kernel_axis": {"en": "kernel", "zh": "卷积核"},
    "c1d_fires_caption": {"en": "Mean response of each kernel inside each kind of region of this series",
                          "zh": "每个卷积核在这条序列各类区域内的平均响应"},
    "c1d_col_kernel": {"en": "kernel", "zh": "卷积核"},
    "c1d_col_best": {"en": "fires most on", "zh": "最常被激活于"},
    # --- explanations -----------------------------------------------------------------------
    "c1d_explain": {
        "en": "A 1-D convolution is the 2-D one with images of height 1: output i is a weighted sum of k "
              "neighbouring values, with the **same kernel** w at every time (**weight sharing**):",
        "zh": "一维卷积就是高度为 1 的二维卷积：输出 i 是 k 个相邻值的加权和，每个时刻都用**同一个卷积核** w（**权值共享**）："},
    "c1d_explain_size": {
        "en": "**Stride** s skips positions, **padding** p adds p values at both ends (zeros, or copies of the "
              "series), so the output has",
        "zh": "**步幅** s 表示每次跳过几个位置，**填充** p 在两端各补 p 个值（零，或序列自身的值），所以输出长度为"},
    "c1d_explain_kernels": {
        "en": "A **moving average** smooths; a **difference** kernel measures the slope; a **second difference** "
              "is large where the series bends (a spike gives a big negative response); a **step detector** "
              "compares the averages of the two halves. **Pooling** over time keeps the largest (or mean) "
              "response in each window: it says *that* a pattern occurred, not exactly *where*.",
        "zh": "**移动平均**使序列平滑；**差分**卷积核测量斜率；**二阶差分**在序列弯曲处很大（尖峰会产生很大的负响应）；"
              "**阶跃检测器**比较前后两半的平均值。时间上的**池化**在每个窗口里保留最大（或平均）响应："
              "它告诉我们形态*出现了*，而不是确切*在哪里*。"},
    "c1d_explain_learned": {
        "en": "Trained on labelled windows, the network finds its own kernels. It reads the day-to-day changes "
              "(returns), as is usual for prices: a spike is then a +h, −h pair and a step a single large "
              "change. Global max pooling asks \"did this detector fire anywhere in the window?\"; the last "
              "layer weighs the answers. The heatmap shows where each kernel fires on the whole series.",
        "zh": "用带标签的窗口训练后，网络会自己找到卷积核。和处理价格的常见做法一样，它读的是逐日变化（收益率）："
              "尖峰变成一对 +h、−h，阶跃变成一个很大的变化。全局最大池化问的是“这个检测器在窗口里有没有被激活？”；"
              "最后一层对这些回答加权。热力图显示每个卷积核在整条序列上何处被激活。"},
}
add_strings(STRINGS)
