"""Texts of the weights & SVD lab, in English and 中文 (merged into ``app.core.i18n.STRINGS`` on import).

Keys start with ``svdlab_``; ``view_svd`` names the view.
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "svdlab_title": {"en": "How many directions does a layer really use?", "zh": "一层网络真正用到了多少个方向？"},
    "svdlab_intro": {
        "en": "Each layer's weights form a matrix W (m outputs × n inputs; a convolution's kernel bank is one row per "
              "output channel, its C_in·k·k weights side by side). Its singular values say how much each direction "
              "matters. Keep only the r largest and the layer can be stored as two thin matrices.",
        "zh": "每一层的权重构成一个矩阵 W（m 个输出 × n 个输入；卷积层的卷积核组每个输出通道占一行，"
              "C_in·k·k 个权重并排）。奇异值说明每个方向有多重要。只保留最大的 r 个，这一层就能存成两个细长的矩阵。"},
    # --- controls -----------------------------------------------------------------
    "svdlab_model": {"en": "Network", "zh": "网络"},
    "svdlab_layer": {"en": "Layer", "zh": "层"},
    "svdlab_rank": {"en": "Rank r (singular values kept)", "zh": "秩 r（保留的奇异值个数）"},
    "svdlab_layer_option": {"en": "{name} · {kind} · {m}×{n} matrix", "zh": "{name} · {kind} · {m}×{n} 矩阵"},
    "svdlab_subset_note": {
        "en": "Accuracy is measured on the first {n} of the {total} test digits (about {per} of each class), "
              "for speed.",
        "zh": "为了速度，准确率只在 {total} 个测试数字中的前 {n} 个上测量（每类约 {per} 个）。"},
    # --- summary ------------------------------------------------------------------
    "svdlab_summary_rank": {"en": "Rank {rank} of {k}", "zh": "秩 {rank} / {k}"},
    "svdlab_summary_params": {
        "en": "Weights: r(m + n) = {factored} instead of m·n = {full}: {saved} saved ({percent}).",
        "zh": "权重：r(m + n) = {factored}，而不是 m·n = {full}：节省 {saved} 个（{percent}）。"},
    "svdlab_summary_costs": {
        "en": "Weights: r(m + n) = {factored} instead of m·n = {full}: factoring costs {extra} more at this rank "
              "(it saves weights only below r = {even}).",
        "zh": "权重：r(m + n) = {factored}，而不是 m·n = {full}：在这个秩下分解反而多用 {extra} 个"
              "（只有 r 不超过 {even} 时才节省）。"},
    "svdlab_summary_never": {
        "en": "Weights: r(m + n) = {factored} instead of m·n = {full}: this matrix is too small for factoring to save "
              "any weights.",
        "zh": "权重：r(m + n) = {factored}，而不是 m·n = {full}：这个矩阵太小，分解不能节省权重。"},
    "svdlab_summary_accuracy": {
        "en": "Accuracy on {n} test digits: {acc} (full layer {base}, {lost} lost).",
        "zh": "在 {n} 个测试数字上的准确率：{acc}（完整层 {base}，下降 {lost}）。"},
    "svdlab_summary_error": {
        "en": "Relative error ‖W − W_r‖ / ‖W‖ = {error}; energy kept {energy}.",
        "zh": "相对误差 ‖W − W_r‖ / ‖W‖ = {error}；保留的能量 {energy}。"},
    "svdlab_curve_busy": {"en": "Computing the tradeoff curve: {done} of {total} ranks…",
                          "zh": "正在计算权衡曲线：已完成 {done} / {total} 个秩……"},
    "svdlab_curve_done": {"en": "Tradeoff curve: {total} ranks on the test digits.",
                          "zh": "权衡曲线：在测试数字上计算了 {total} 个秩。"},
    # --- headings and plots ----------------------------------------------------------
    "svdlab_heading_spectrum": {"en": "Singular values of every layer", "zh": "每一层的奇异值"},
    "svdlab_heading_tradeoff": {"en": "Weights saved vs accuracy lost", "zh": "节省的权重与损失的准确率"},
    "svdlab_heading_matrix": {"en": "The weight matrix and its rank-r version", "zh": "权重矩阵及其秩 r 近似"},
    "svdlab_heading_layers": {"en": "All layers in numbers", "zh": "各层数据一览"},
    "svdlab_spectrum_title": {"en": "Singular values s_i (log scale)", "zh": "奇异值 s_i（对数坐标）"},
    "svdlab_kept": {"en": "kept (first r)", "zh": "保留（前 r 个）"},
    "svdlab_dropped": {"en": "dropped", "zh": "舍弃"},
    "svdlab_others": {"en": "other layers", "zh": "其他层"},
    "svdlab_this_layer": {"en": "this layer", "zh": "当前层"},
    "svdlab_index": {"en": "i (largest first)", "zh": "i（从大到小）"},
    "svdlab_value": {"en": "singular value", "zh": "奇异值"},
    "svdlab_energy_title": {"en": "Cumulative energy E(r): the share of ‖W‖² kept",
                            "zh": "累积能量 E(r)：保留的 ‖W‖² 比例"},
    "svdlab_rank_axis": {"en": "rank r", "zh": "秩 r"},
    "svdlab_energy_axis": {"en": "energy kept", "zh": "保留的能量"},
    "svdlab_accuracy_title": {"en": "Accuracy with this layer at rank r", "zh": "把这一层换成秩 r 时的准确率"},
    "svdlab_params_title": {"en": "Weights of the layer: factored vs full", "zh": "这一层的权重数：分解后与原来"},
    "svdlab_accuracy": {"en": "accuracy", "zh": "准确率"},
    "svdlab_factored": {"en": "factored r(m + n)", "zh": "分解后 r(m + n)"},
    "svdlab_full": {"en": "full m·n", "zh": "原来 m·n"},
    "svdlab_weights_axis": {"en": "weights", "zh": "权重数"},
    "svdlab_baseline_note": {"en": "Dotted line: the network with the full layer.", "zh": "虚线：使用完整层的网络。"},
    "svdlab_matrix_w": {"en": "W ({m}×{n}): the trained weights", "zh": "W（{m}×{n}）：训练好的权重"},
    "svdlab_matrix_wr": {"en": "W_r: rank {rank}", "zh": "W_r：秩 {rank}"},
    "svdlab_matrix_diff": {"en": "W − W_r: what is lost", "zh": "W − W_r：丢掉的部分"},
    "svdlab_matrix_note": {
        "en": "Rows are outputs (kernels), columns inputs; white is 0. The same colour scale in all three, "
              "up to the 99th percentile of |W| (the strongest 1 % of weights show as the end colours).",
        "zh": "行是输出（卷积核），列是输入；白色表示 0。三张图用同一个颜色刻度，最大到 |W| 的第 99 百分位数"
              "（最强的 1 % 权重显示为两端的颜色）。"},
    "svdlab_col_layer": {"en": "Layer", "zh": "层"},
    "svdlab_col_kind": {"en": "Type", "zh": "类型"},
    "svdlab_col_matrix": {"en": "Matrix m×n", "zh": "矩阵 m×n"},
    "svdlab_col_k": {"en": "Singular values", "zh": "奇异值个数"},
    "svdlab_col_s1": {"en": "s₁ (largest)", "zh": "s₁（最大）"},
    "svdlab_col_sk": {"en": "smallest", "zh": "最小"},
    "svdlab_col_r90": {"en": "r for 90 % energy", "zh": "90 % 能量所需的 r"},
    "svdlab_col_r99": {"en": "r for 99 % energy", "zh": "99 % 能量所需的 r"},
    "svdlab_col_even": {"en": "Saves weights up to r =", "zh": "r 不超过多少时节省权重"},
    "svdlab_table_caption": {
        "en": "Singular values computed by the engine (in float64).",
        "zh": "奇异值由引擎计算（float64）。"},
    "svdlab_untrained_note": {
        "en": "This network is untrained: random weights spread their energy over all directions (a flat spectrum); "
              "trained layers concentrate it in a few.",
        "zh": "这个网络还没有训练：随机权重把能量平均分散到所有方向上（奇异值很平）；训练后的层会把能量集中在少数几个方向上。"},
    # --- explanation --------------------------------------------------------------------
    "svdlab_explain_svd": {
        "en": "**Singular value decomposition.** Every matrix is a rotation, a stretch along k = min(m, n) directions "
              "and another rotation:",
        "zh": "**奇异值分解。** 任何矩阵都可以写成一次旋转、沿 k = min(m, n) 个方向的拉伸、再一次旋转："},
    "svdlab_explain_truncate": {
        "en": "**Low rank.** Keeping the r largest singular values gives the best rank-r matrix (Eckart–Young); "
              "its error is what the dropped values carry:",
        "zh": "**低秩近似。** 保留最大的 r 个奇异值得到最好的秩 r 矩阵（Eckart–Young 定理）；误差就是被舍弃的奇异值："},
    "svdlab_explain_params": {
        "en": "**Parameters.** Stored as two layers n → r → m, the layer needs r(m + n) weights instead of m·n, "
              "fewer when r < mn / (m + n):",
        "zh": "**参数量。** 拆成 n → r → m 两层后，这一层需要 r(m + n) 个权重而不是 m·n 个；当 r < mn / (m + n) 时更少："},
    "svdlab_explain_energy": {"en": "**Energy** kept by rank r:", "zh": "秩 r 保留的**能量**："},
    "svdlab_explain_after": {
        "en": "A trained layer's singular values fall quickly: a much smaller rank often keeps the accuracy, "
              "which is how networks are compressed for phones. A convolution's matrix has one row per kernel, "
              "so its rank is at most the number of output channels.",
        "zh": "训练后的层的奇异值下降得很快：小得多的秩往往就能保持准确率，这正是把网络压缩到手机上的方法之一。"
              "卷积层的矩阵每个卷积核占一行，所以它的秩最多等于输出通道数。"},
    "svdlab_no_models": {"en": "No network with pretrained weights is available.",
                         "zh": "没有可用的预训练网络。"},
}

add_strings(STRINGS)
