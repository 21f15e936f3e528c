"""Texts of the residual learning lab, in English and Chinese (merged into ``app.core.i18n.STRINGS``)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "residual_lab_title": {"en": "Plain vs residual: the same layers, with and without shortcuts",
                           "zh": "普通网络与残差网络：同样的层，有无捷径连接"},
    "residual_lab_intro": {
        "en": "Both networks have {depth} layers with weights: a 3 × 3 stem, three stages of basic blocks "
              "({n} per stage; {w}, {w2} and {w4} channels) and a linear layer. The ResNet adds each block's input to its output.",
        "zh": "两个网络都有 {depth} 个带权重的层：一个 3 × 3 起始卷积、三个阶段各 {n} 个基本块（{w}、{w2}、{w4} 个通道）"
              "和一个全连接层。残差网络把每个块的输入加到它的输出上。"},
    "residual_lab_settings": {"en": "Settings", "zh": "设置"},
    "residual_lab_depth": {"en": "Depth (6n + 2)", "zh": "深度（6n + 2）"},
    "residual_lab_depth_typed": {"en": "… or type a depth", "zh": "……或输入一个深度"},
    "residual_lab_width": {"en": "Width (channels of stage 1)", "zh": "宽度（第一阶段的通道数）"},
    "residual_lab_steps": {"en": "Steps", "zh": "步数"},
    "residual_lab_lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "residual_lab_batch": {"en": "Batch size", "zh": "批量大小"},
    "residual_lab_size": {"en": "Image size", "zh": "图像大小"},
    "residual_lab_subset": {"en": "Training digits", "zh": "训练数字个数"},
    "residual_lab_start": {"en": "▶ Train both", "zh": "▶ 同时训练"},
    "residual_lab_resume": {"en": "▶ Resume", "zh": "▶ 继续"},
    "residual_lab_pause": {"en": "Pause", "zh": "暂停"},
    "residual_lab_step": {"en": "Step", "zh": "单步"},
    "residual_lab_reset": {"en": "Reset", "zh": "重置"},
    "residual_lab_bad_depth": {"en": "Depth {depth} cannot be built: {message}", "zh": "无法构建深度 {depth}：{message}"},
    "residual_lab_status": {"en": "Step {step} of {total} · {state}", "zh": "第 {step} 步，共 {total} 步 · {state}"},
    "residual_lab_state_idle": {"en": "ready", "zh": "就绪"},
    "residual_lab_state_running": {"en": "training…", "zh": "训练中……"},
    "residual_lab_state_paused": {"en": "paused", "zh": "已暂停"},
    "residual_lab_state_finished": {"en": "finished", "zh": "已完成"},
    "residual_lab_state_error": {"en": "stopped by an error", "zh": "因错误停止"},
    "residual_lab_latest": {
        "en": "Loss (mean of the last {k} steps): plain {plain}, ResNet {resnet}.",
        "zh": "损失（最近 {k} 步的平均）：普通网络 {plain}，残差网络 {resnet}。"},
    "residual_lab_diverged": {"en": "The {name} diverged: {reason}", "zh": "{name}发散了：{reason}"},
    "residual_lab_plain": {"en": "plain net", "zh": "普通网络"},
    "residual_lab_resnet": {"en": "ResNet", "zh": "残差网络"},
    "residual_lab_loss": {"en": "Training loss", "zh": "训练损失"},
    "residual_lab_step_axis": {"en": "step", "zh": "步"},
    "residual_lab_loss_axis": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    "residual_lab_heat_title": {"en": "{name}: gradient norm ‖∂L/∂W‖ per layer and step",
                                "zh": "{name}：每层每步的梯度范数 ‖∂L/∂W‖"},
    "residual_lab_layer_axis": {"en": "layer (0 = first)", "zh": "层（0 = 第一层）"},
    "residual_lab_profile": {"en": "Gradient norm by layer (last 10 steps)", "zh": "各层的梯度范数（最近 10 步）"},
    "residual_lab_norm_axis": {"en": "‖∂L/∂W‖", "zh": "‖∂L/∂W‖"},
    "residual_lab_profile_caption": {
        "en": "First layer / last layer gradient norm: plain {plain}, ResNet {resnet} (the smaller the ratio, "
              "the more the gradient fades on its way down).",
        "zh": "第一层与最后一层梯度范数之比：普通网络 {plain}，残差网络 {resnet}（比值越小，梯度在向下传的途中衰减得越多）。"},
    "residual_lab_verdict_plain": {
        "en": "In this run the plain net's gradient fades more.",
        "zh": "在这次训练中，普通网络的梯度衰减得更多。"},
    "residual_lab_verdict_resnet": {
        "en": "In this run the ResNet's ratio is the smaller one: its first layer gets relatively less gradient. "
              "Compare the loss curves too, and try more steps.",
        "zh": "在这次训练中，残差网络的比值反而更小：它的第一层得到的梯度相对更少。也比较一下损失曲线，并试试更多步数。"},
    "residual_lab_verdict_same": {
        "en": "In this run the two ratios are about the same (within 10%).",
        "zh": "在这次训练中，两个比值差不多（相差不到 10%）。"},
    "residual_lab_split": {"en": "Gradient split at each ResNet block (last step)",
                           "zh": "残差网络每个块处的梯度分流（最后一步）"},
    "residual_lab_split_main": {"en": "through the layers F(x)", "zh": "经过各层 F(x)"},
    "residual_lab_split_short": {"en": "through the shortcut", "zh": "经过捷径"},
    "residual_lab_split_axis": {"en": "‖∂L/∂x‖", "zh": "‖∂L/∂x‖"},
    "residual_lab_split_caption": {
        "en": "At the first block: ‖through F‖ = {main}, ‖through the shortcut‖ = {short}. The block's input "
              "gradient is their sum.",
        "zh": "第一个块处：‖经过 F‖ = {main}，‖经过捷径‖ = {short}。块输入处的梯度是两者之和。"},
    "residual_lab_blocks": {"en": "The blocks", "zh": "残差块"},
    "residual_lab_fig_identity": {"en": "Basic block, identity shortcut", "zh": "基本块，恒等捷径"},
    "residual_lab_fig_projection": {"en": "Basic block, projection shortcut", "zh": "基本块，投影捷径"},
    "residual_lab_fig_bottleneck": {"en": "Bottleneck (ResNet-50): 256-64-256", "zh": "瓶颈块（ResNet-50）：256-64-256"},
    "residual_lab_solid": {"en": "solid: x added as it is", "zh": "实线：x 原样相加"},
    "residual_lab_dashed": {"en": "dashed: x projected to the new shape", "zh": "虚线：x 投影成新的形状"},
    "residual_lab_params": {"en": "parameters: {n}", "zh": "参数：{n}"},
    "residual_lab_blocks_text": {
        "en": "Solid arrow: input and output have the same shape (C × H × W), so x is added unchanged — no "
              "parameters. Dashed arrow (downsample): when a block halves the size and doubles the channels, "
              "a 1 × 1 convolution with stride 2 (+ BN) gives x the output's shape first. The bottleneck "
              "squeezes 256 channels to 64 for the costly 3 × 3 convolution and expands them back: "
              "{bottleneck} parameters, against {basic} for two 3 × 3 convolutions on 256 channels.",
        "zh": "实线箭头：输入和输出形状相同（C × H × W），x 不变地相加——没有参数。虚线箭头（downsample）："
              "当块把尺寸减半、通道加倍时，先用步幅为 2 的 1 × 1 卷积（+ BN）把 x 变成输出的形状。瓶颈块把 256 个通道"
              "压缩到 64 个再做昂贵的 3 × 3 卷积，之后再扩回去：{bottleneck} 个参数，而在 256 个通道上做两个 3 × 3 卷积"
              "需要 {basic} 个。"},
    "residual_lab_explain": {
        "en": "A **residual block** (残差块) learns a change F(x) and adds it to its input:",
        "zh": "**残差块**学习一个改变量 F(x)，再把它加到输入上："},
    "residual_lab_explain_grad": {
        "en": "By the chain rule the gradient at the block's input is the sum of two paths: (1) through the "
              "layers F and (2) through the shortcut, which is the upstream gradient itself, untouched by any "
              "weight:",
        "zh": "由链式法则，块输入处的梯度是两条路径之和：(1) 经过各层 F；(2) 经过捷径——它就是上游传来的梯度本身，"
              "不经过任何权重："},
    "residual_lab_explain_plain": {
        "en": "In a **plain** net the gradient must pass through every layer: a product of many factors, which "
              "can shrink towards 0 (**vanishing gradient**). Deep plain nets then train *worse* than shallow "
              "ones — not overfitting, the **degradation** problem (He et al., 2015). Try depth 8, then 20 or "
              "32: watch the loss curves and the bottom rows of the heatmaps.",
        "zh": "在**普通**网络中，梯度必须穿过每一层：许多因子相乘，可能缩小到接近 0（**梯度消失**）。于是深的普通网络"
              "反而比浅的训练得更*差*——这不是过拟合，而是**退化**问题（He 等人，2015）。先试深度 8，再试 20 或 32："
              "看损失曲线和热力图最下面几行。"},
    "residual_lab_speed_note": {
        "en": "Digits are shrunk to 14 × 14 and a small training set is used, so that a few hundred steps take "
              "minutes, not hours, in the browser.",
        "zh": "为了让几百步训练在浏览器里只需几分钟，数字被缩小到 14 × 14，并且只用一小部分训练集。"},
}
add_strings(STRINGS)
