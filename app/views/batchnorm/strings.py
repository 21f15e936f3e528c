"""Texts of the BatchNorm & Dropout lab, in English and Chinese (merged into ``app.core.i18n.STRINGS``)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "batchnorm_lab_title": {"en": "Batch normalization and dropout, one batch at a time",
                            "zh": "批量归一化与 Dropout：一次看一个批量"},
    "batchnorm_lab_host_resnet_small": {
        "en": "The layer studied here is the first batch norm layer (bn1) of the trained small ResNet, "
              "right after its 3 × 3 stem convolution ({c} channels).",
        "zh": "这里研究的是训练好的小型 ResNet 的第一个批量归一化层（bn1），紧跟在 3 × 3 的起始卷积之后（{c} 个通道）。"},
    "batchnorm_lab_host_lenet5": {
        "en": "The layer studied here is a batch norm layer put into the trained LeNet-5 right after its first "
              "convolution ({c} channels). Its γ and β start at the features' overall spread and mean, so it "
              "hands the rest of LeNet-5 what it was trained on.",
        "zh": "这里研究的是插入训练好的 LeNet-5 第一个卷积层之后的批量归一化层（{c} 个通道）。它的 γ 和 β "
              "初始为特征总体的标准差和均值，因此交给 LeNet-5 后面各层的仍是它训练时见过的数值。"},
    "batchnorm_lab_batch": {"en": "The batch", "zh": "批量"},
    "batchnorm_lab_batch_size": {"en": "Batch size N", "zh": "批量大小 N"},
    "batchnorm_lab_composition": {"en": "Digits in the batch", "zh": "批量中的数字"},
    "batchnorm_lab_mixed": {"en": "mixed", "zh": "混合"},
    "batchnorm_lab_only": {"en": "only {d}s", "zh": "只有 {d}"},
    "batchnorm_lab_feed": {"en": "Feed this batch (train mode)", "zh": "送入这个批量（训练模式）"},
    "batchnorm_lab_reset": {"en": "Reset running statistics", "zh": "重置滑动统计量"},
    "batchnorm_lab_momentum": {"en": "Momentum", "zh": "动量 momentum"},
    "batchnorm_lab_mode": {"en": "Mode", "zh": "模式"},
    "batchnorm_lab_train": {"en": "train", "zh": "训练"},
    "batchnorm_lab_eval": {"en": "eval", "zh": "评估"},
    "batchnorm_lab_channel": {"en": "Channel", "zh": "通道"},
    "batchnorm_lab_gamma": {"en": "γ (scale) of this channel", "zh": "该通道的 γ（缩放）"},
    "batchnorm_lab_beta": {"en": "β (shift) of this channel", "zh": "该通道的 β（平移）"},
    "batchnorm_lab_reset_gb": {"en": "Reset γ and β", "zh": "重置 γ 和 β"},
    "batchnorm_lab_summary": {
        "en": "Batch #{number}: {n} digits · batches fed so far: {fed} · mode: {mode}",
        "zh": "第 {number} 号批量：{n} 个数字 · 已送入 {fed} 个批量 · 模式：{mode}"},
    "batchnorm_lab_stats": {"en": "Per-channel statistics", "zh": "每个通道的统计量"},
    "batchnorm_lab_col_channel": {"en": "channel", "zh": "通道"},
    "batchnorm_lab_col_bmean": {"en": "batch mean μ_B", "zh": "批量均值 μ_B"},
    "batchnorm_lab_col_bvar": {"en": "batch var σ²_B", "zh": "批量方差 σ²_B"},
    "batchnorm_lab_col_rmean": {"en": "running mean", "zh": "滑动均值"},
    "batchnorm_lab_col_rvar": {"en": "running var", "zh": "滑动方差"},
    "batchnorm_lab_col_amean": {"en": "mean after", "zh": "归一化后均值"},
    "batchnorm_lab_col_avar": {"en": "var after", "zh": "归一化后方差"},
    "batchnorm_lab_stats_caption": {
        "en": "Mode {mode}: the output uses the {which}. Every value is computed by the engine's batch-norm "
              "layer: the batch's mean and variance, and the running mean and variance it keeps.",
        "zh": "{mode}模式：输出使用{which}。所有数值都由引擎的批归一化层算出：这一批的均值与方差，以及它保存的滑动均值与方差。"},
    "batchnorm_lab_which_batch": {"en": "batch statistics", "zh": "批量统计量"},
    "batchnorm_lab_which_running": {"en": "running statistics", "zh": "滑动统计量"},
    "batchnorm_lab_maps": {"en": "Digit 1 of the batch, channel {c}", "zh": "批量中的第 1 个数字，通道 {c}"},
    "batchnorm_lab_map_x": {"en": "before BN: x", "zh": "归一化前：x"},
    "batchnorm_lab_map_xhat": {"en": "normalized: x̂", "zh": "标准化：x̂"},
    "batchnorm_lab_map_y": {"en": "after BN: y = γx̂ + β", "zh": "归一化后：y = γx̂ + β"},
    "batchnorm_lab_hist": {"en": "Channel {c} over the whole batch", "zh": "整个批量上的通道 {c}"},
    "batchnorm_lab_hist_before": {"en": "before BN", "zh": "批量归一化之前"},
    "batchnorm_lab_hist_after": {"en": "after BN ({mode})", "zh": "批量归一化之后（{mode}）"},
    "batchnorm_lab_value": {"en": "value", "zh": "数值"},
    "batchnorm_lab_count": {"en": "count", "zh": "个数"},
    "batchnorm_lab_running": {"en": "Running statistics of channel {c}", "zh": "通道 {c} 的滑动统计量"},
    "batchnorm_lab_fed_axis": {"en": "batches fed", "zh": "已送入的批量数"},
    "batchnorm_lab_running_names": {"en": "running mean|batch mean|running var|batch var",
                                    "zh": "滑动均值|批量均值|滑动方差|批量方差"},
    "batchnorm_lab_running_caption": {
        "en": "Batches fed: {fed}. Running mean {rm}, running var {rv} (each feed: "
              "running ← (1 − {m})·running + {m}·batch).",
        "zh": "送入 {fed} 个批量后：滑动均值 {rm}，滑动方差 {rv}（每次送入：滑动值 ← (1 − {m})·滑动值 + {m}·本批量的值）。"},
    "batchnorm_lab_preds": {"en": "Predictions: train mode vs eval mode", "zh": "预测：训练模式与评估模式"},
    "batchnorm_lab_preds_text": {
        "en": "Train mode (batch statistics): {acc_train} correct. Eval mode (running statistics): "
              "{acc_eval} correct. {changed} of {n} predictions differ between the modes.",
        "zh": "训练模式（批量统计量）：{acc_train} 正确。评估模式（滑动统计量）：{acc_eval} 正确。"
              "{n} 个预测中有 {changed} 个在两种模式下不同。"},
    "batchnorm_lab_preds_note": {
        "en": "Each tile shows the digit predicted in the current mode; outlined tiles change when you switch "
              "the mode. In train mode an image's answer depends on the other images in its batch.",
        "zh": "每个小图上是当前模式下的预测；带框的小图在切换模式时预测会改变。训练模式下，一张图的答案取决于同一批量里的其他图。"},
    "batchnorm_lab_dropout": {"en": "Dropout on the feature map", "zh": "特征图上的 Dropout"},
    "batchnorm_lab_p": {"en": "Dropout probability p", "zh": "丢弃概率 p"},
    "batchnorm_lab_new_mask": {"en": "New mask", "zh": "换一个掩码"},
    "batchnorm_lab_drop_in": {"en": "input: ReLU(y)", "zh": "输入：ReLU(y)"},
    "batchnorm_lab_drop_mask": {"en": "mask (dark = dropped)", "zh": "掩码（深色 = 丢弃）"},
    "batchnorm_lab_drop_out": {"en": "output", "zh": "输出"},
    "batchnorm_lab_drop_train": {
        "en": "Train mode: {kept} of the values kept (expected 1 − p = {expected}); kept values × 1/(1 − p) = "
              "× {scale}. Mean in {mean_in}, mean out {mean_out}: the same on average.",
        "zh": "训练模式：保留了 {kept} 的数值（期望 1 − p = {expected}）；保留的值 × 1/(1 − p) = × {scale}。"
              "输入均值 {mean_in}，输出均值 {mean_out}：平均起来相同。"},
    "batchnorm_lab_drop_eval": {
        "en": "Eval mode: no mask, the layer is the identity (output = input). The 1/(1 − p) scaling during "
              "training already made the averages match.",
        "zh": "评估模式：没有掩码，这一层就是恒等映射（输出 = 输入）。训练时的 1/(1 − p) 缩放已经让平均值一致。"},
    "batchnorm_lab_order": {"en": "Dropout before or after BN? The variance shift",
                            "zh": "Dropout 放在批量归一化之前还是之后？方差偏移"},
    "batchnorm_lab_dropout_bn": {"en": "Dropout → BN", "zh": "Dropout → BN"},
    "batchnorm_lab_bn_dropout": {"en": "BN → Dropout", "zh": "BN → Dropout"},
    "batchnorm_lab_seen": {"en": "var seen by BN", "zh": "BN 看到的方差"},
    "batchnorm_lab_after": {"en": "var after BN", "zh": "BN 之后的方差"},
    "batchnorm_lab_col_order": {"en": "order", "zh": "顺序"},
    "batchnorm_lab_col_seen_train": {"en": "seen by BN, train", "zh": "BN 看到（训练）"},
    "batchnorm_lab_col_seen_eval": {"en": "seen by BN, eval", "zh": "BN 看到（评估）"},
    "batchnorm_lab_col_running": {"en": "running var", "zh": "滑动方差"},
    "batchnorm_lab_col_after_eval": {"en": "after BN, eval", "zh": "BN 之后（评估）"},
    "batchnorm_lab_col_shift": {"en": "shift eval ÷ train", "zh": "偏移 评估 ÷ 训练"},
    "batchnorm_lab_order_caption": {
        "en": "Measured with p = {p} on {batches} batches of ReLU features, a fresh BatchNorm2d per order "
              "(means over the channels).",
        "zh": "在 p = {p} 下用 {batches} 个 ReLU 特征批量测得，每种顺序一个新的 BatchNorm2d（各通道取平均）。"},
    "batchnorm_lab_order_text": {
        "en": "With Dropout before BN, BN learns its running variance from dropped-and-scaled values "
              "(variance {seen_train}), but at evaluation it sees the plain values (variance {seen_eval}): "
              "its output variance falls from ≈ 1 to {after_eval}. With BN before Dropout, BN sees the same "
              "values in both modes and its output keeps variance {after_eval_b}. Li et al. (2019): put dropout "
              "after the last BN layer.",
        "zh": "Dropout 在前时，BN 用被丢弃并放大后的数值学到滑动方差（方差 {seen_train}），评估时却看到原始数值"
              "（方差 {seen_eval}）：它的输出方差从约 1 降到 {after_eval}。BN 在前时，两种模式下 BN 看到的数值相同，"
              "输出方差保持 {after_eval_b}。Li 等人（2019）：把 Dropout 放在最后一个批量归一化层之后。"},
    "batchnorm_lab_explain": {
        "en": "**Batch normalization** (批量归一化) makes every channel of a batch have mean 0 and variance 1, "
              "then lets the network choose its own scale γ and shift β. For channel c, over the N·H·W values "
              "of the batch:",
        "zh": "**批量归一化**让一个批量里每个通道的均值为 0、方差为 1，再让网络自己学习缩放 γ 和平移 β。"
              "对通道 c，在批量的 N·H·W 个数值上："},
    "batchnorm_lab_explain_running": {
        "en": "In **train mode** μ_B and σ²_B come from the batch, and running averages move towards them "
              "(momentum m; the running variance uses the unbiased σ²_B·n/(n−1)):",
        "zh": "**训练模式**下 μ_B 和 σ²_B 来自当前批量，同时滑动平均向它们靠近（动量 m；滑动方差用无偏的 σ²_B·n/(n−1)）："},
    "batchnorm_lab_explain_eval": {
        "en": "In **eval mode** the running statistics are used, so the layer is a fixed y = a·x + b per channel "
              "and one image gets the same answer whatever else is in its batch:",
        "zh": "**评估模式**下使用滑动统计量，于是每个通道都是固定的 y = a·x + b，一张图的答案与同一批量中的其他图无关："},
    "batchnorm_lab_explain_dropout": {
        "en": "**Dropout** zeroes each value with probability p in training and scales the rest by 1/(1 − p), "
              "so the expected value is unchanged; at evaluation it does nothing. But the *variance* is not "
              "unchanged — that is why its order with BN matters:",
        "zh": "**Dropout** 在训练时以概率 p 把每个值置零，其余的乘以 1/(1 − p)，所以期望不变；评估时它什么也不做。"
              "但*方差*会变——这就是它与批量归一化的先后顺序重要的原因："},
}
add_strings(STRINGS)
