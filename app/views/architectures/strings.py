"""Texts of the classic architectures lab, in English and 中文 (merged into ``app.core.i18n.STRINGS`` on import).

Keys start with ``archlab_``; ``view_architectures`` names the view.
The history follows the papers: LeCun et al. 1998; Krizhevsky, Sutskever &
Hinton 2012; Lin, Chen & Yan 2013; Simonyan & Zisserman 2014; Szegedy et
al. 2014; He, Zhang, Ren & Sun 2015.
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "archlab_title": {"en": "Classic CNN architectures: what each one introduced, and what it costs",
                      "zh": "经典卷积神经网络：每个网络带来了什么，又付出了什么代价"},
    "archlab_intro": {
        "en": "Every number below is computed by the engine from the layer shapes alone, "
              "for float32 and the input size each network was designed for. No weights are allocated.",
        "zh": "下面所有数字都由引擎只根据各层的形状算出，按 float32 和每个网络设计时的输入大小计算，"
              "不需要分配任何权重。"},
    # --- controls --------------------------------------------------------------
    "archlab_arch": {"en": "Architecture", "zh": "网络结构"},
    "archlab_batch": {"en": "Batch size (for memory and the roofline)", "zh": "批大小（用于内存计算和屋顶线）"},
    "archlab_input": {"en": "Input {shape}", "zh": "输入 {shape}"},
    # --- timeline -------------------------------------------------------------
    "archlab_timeline": {"en": "Timeline: what each network introduced", "zh": "时间线：每个网络带来的新思想"},
    "archlab_tl_lenet": {
        "en": "Convolution and subsampling layers learned end to end by back-propagation; shared 5×5 kernels "
              "(weight sharing) read 32×32 digits. Bank cheques were read with it.",
        "zh": "卷积层和下采样层用反向传播端到端地学习；共享的 5×5 卷积核（权值共享）读取 32×32 的手写数字。"
              "它曾被用来识别银行支票。"},
    "archlab_tl_alexnet": {
        "en": "Won ImageNet 2012 (top-5 error 15.3 % vs 26.2 %). ReLU instead of tanh (much faster training), "
              "dropout against overfitting in the big fully-connected layers, overlapping max pooling, "
              "data augmentation, trained on two GPUs.",
        "zh": "赢得 2012 年 ImageNet 竞赛（top-5 错误率 15.3 %，第二名 26.2 %）。用 ReLU 代替 tanh（训练快得多），"
              "在很大的全连接层里用 Dropout 防止过拟合，重叠的最大池化，数据增强，在两块 GPU 上训练。"},
    "archlab_tl_nin": {
        "en": "Network in Network: a small MLP at every position (1×1 convolutions after each convolution), "
              "and global average pooling instead of the fully-connected layers: one feature map per class.",
        "zh": "网络中的网络（NiN）：在每个位置上加一个小型多层感知机（每个卷积后接 1×1 卷积），"
              "并用全局平均池化代替全连接层：每个类别对应一张特征图。"},
    "archlab_tl_vgg": {
        "en": "Depth from stacks of 3×3 convolutions only: two 3×3 layers see 5×5 (three see 7×7) with fewer "
              "weights and more ReLUs. 11 to 19 layers; 2nd in ImageNet 2014 classification.",
        "zh": "只用 3×3 卷积堆叠出深度：两层 3×3 的感受野是 5×5（三层是 7×7），权重更少、ReLU 更多。"
              "11 到 19 层；2014 年 ImageNet 分类第二名。"},
    "archlab_tl_googlenet": {
        "en": "The Inception block: 1×1, 3×3, 5×5 convolutions and pooling side by side (multi-branch), "
              "their maps concatenated; 1×1 convolutions shrink the channels first. 22 layers, global average "
              "pooling, 12× fewer parameters than AlexNet; won ImageNet 2014.",
        "zh": "Inception 模块：1×1、3×3、5×5 卷积和池化并排（多分支），输出的特征图拼接在一起；"
              "先用 1×1 卷积减少通道数。22 层，全局平均池化，参数比 AlexNet 少 12 倍；赢得 2014 年 ImageNet 竞赛。"},
    "archlab_tl_resnet": {
        "en": "Residual learning: shortcuts add each block's input to its output (y = F(x) + x), so 152 layers "
              "still train; batch normalization after every convolution; 1×1–3×3–1×1 bottleneck blocks from "
              "ResNet-50 on. Won ImageNet 2015 (top-5 error 3.57 %).",
        "zh": "残差学习：捷径连接把每个块的输入加到输出上（y = F(x) + x），所以 152 层也能训练；"
              "每个卷积后都有批量归一化；从 ResNet-50 起使用 1×1–3×3–1×1 的瓶颈块。"
              "赢得 2015 年 ImageNet 竞赛（top-5 错误率 3.57 %）。"},
    "archlab_pick": {"en": "Show {name}", "zh": "查看 {name}"},
    # --- totals -----------------------------------------------------------------
    "archlab_totals": {
        "en": "{name}: {params} parameters · {macs} multiply-accumulates per image · {act} of activations per image",
        "zh": "{name}：{params} 个参数 · 每张图像 {macs} 次乘加运算 · 每张图像 {act} 激活值"},
    "archlab_bottleneck": {
        "en": "Compute bottleneck: layer {layer} ({kind} {detail}, output {output}) does {macs} MACs, "
              "{share} of the whole network.",
        "zh": "计算瓶颈：第 {layer} 层（{kind} {detail}，输出 {output}）做了 {macs} 次乘加，占整个网络的 {share}。"},
    "archlab_fc_share": {
        "en": "Fully-connected layers hold {fc} of the parameters but do {fc_macs} of the computation; "
              "convolutions hold {conv} and do {conv_macs}.",
        "zh": "全连接层占了 {fc} 的参数，却只做了 {fc_macs} 的计算；卷积层占 {conv} 的参数，做了 {conv_macs} 的计算。"},
    # --- ledger -----------------------------------------------------------------
    "archlab_ledger": {"en": "The cost ledger, layer by layer", "zh": "逐层成本账本"},
    "archlab_ledger_note": {
        "en": "{rows} layers, in the order the network runs them; the layer with the most MACs (the bottleneck) "
              "is marked in orange. Sort by a cost to find the expensive layers.",
        "zh": "共 {rows} 层，按网络运行的顺序排列；乘加次数最多的层（计算瓶颈）标为橙色。按某项成本排序，可以找出最贵的层。"},
    "archlab_sort": {"en": "Sort by", "zh": "排序方式"},
    "archlab_sort_order": {"en": "Layer order", "zh": "层的顺序"},
    "archlab_sort_params": {"en": "Parameters", "zh": "参数量"},
    "archlab_sort_macs": {"en": "MACs", "zh": "乘加次数"},
    "archlab_sort_activation_bytes": {"en": "Activations", "zh": "激活值"},
    "archlab_col_index": {"en": "#", "zh": "#"},
    "archlab_col_name": {"en": "Layer", "zh": "层"},
    "archlab_col_kind": {"en": "Type", "zh": "类型"},
    "archlab_col_detail": {"en": "Kernel · stride · padding", "zh": "卷积核 · 步幅 · 填充"},
    "archlab_col_output": {"en": "Output", "zh": "输出"},
    "archlab_col_params": {"en": "Parameters", "zh": "参数"},
    "archlab_col_macs": {"en": "MACs", "zh": "乘加次数"},
    "archlab_col_act": {"en": "Activations (bytes)", "zh": "激活值（字节）"},
    "archlab_col_saved": {"en": "Kept for backward (bytes)", "zh": "反向传播保存（字节）"},
    "archlab_col_fc": {"en": "Same as a fully-connected layer", "zh": "换成全连接层的参数"},
    "archlab_col_kind_layers": {"en": "Layers", "zh": "层数"},
    # --- charts -----------------------------------------------------------------
    "archlab_profile": {"en": "Per layer", "zh": "逐层分布"},
    "archlab_profile_params": {"en": "Parameters per layer", "zh": "每层的参数量"},
    "archlab_profile_macs": {"en": "Multiply-accumulates per layer (orange: the bottleneck)",
                             "zh": "每层的乘加次数（橙色：计算瓶颈）"},
    "archlab_profile_act": {"en": "Activation memory per layer (bytes, one image)",
                            "zh": "每层的激活值内存（字节，一张图像）"},
    "archlab_layer_axis": {"en": "layer (in the order they run; hover for its name)",
                           "zh": "层（按运行顺序；鼠标悬停显示层名）"},
    "archlab_kinds": {"en": "Which layer types cost what", "zh": "各类层的成本占比"},
    "archlab_metric_params": {"en": "parameters", "zh": "参数"},
    "archlab_metric_macs": {"en": "MACs", "zh": "乘加"},
    "archlab_metric_act": {"en": "activations", "zh": "激活值"},
    "archlab_memory": {"en": "Where the memory goes", "zh": "内存都去哪儿了"},
    "archlab_memory_title": {"en": "Memory for a batch of {batch} (float32)", "zh": "一批 {batch} 张图像的内存（float32）"},
    "archlab_mem_weights": {"en": "weights", "zh": "权重"},
    "archlab_mem_act": {"en": "activations", "zh": "激活值"},
    "archlab_mem_saved": {"en": "kept for backward", "zh": "反向传播保存"},
    "archlab_mem_axis": {"en": "MB (10⁶ bytes)", "zh": "MB（10⁶ 字节）"},
    "archlab_sweep_title": {"en": "As the batch grows", "zh": "批大小增加时"},
    "archlab_sweep_x": {"en": "batch size", "zh": "批大小"},
    "archlab_memory_text": {
        "en": "With {batch} images: weights {weights}, activations {act}, kept for the backward pass {saved}. "
              "Weights do not depend on the batch; activations grow with it.",
        "zh": "一批 {batch} 张图像：权重 {weights}，激活值 {act}，为反向传播保存 {saved}。"
              "权重与批大小无关；激活值随批大小增长。"},
    "archlab_memory_cross": {"en": "From a batch of about {cross} images on, the activations take more memory than "
                                   "the weights.",
                             "zh": "大约从一批 {cross} 张图像起，激活值占用的内存就超过了权重。"},
    "archlab_memory_never": {"en": "Even for a single image the activations take more memory than the weights.",
                             "zh": "即使只有一张图像，激活值占用的内存也已经超过了权重。"},
    "archlab_sharing": {"en": "Weight sharing: convolution vs fully-connected", "zh": "权值共享：卷积层与全连接层"},
    "archlab_sharing_title": {"en": "Each convolution vs a fully-connected layer doing the same mapping (log scale)",
                              "zh": "每个卷积层与完成同样映射的全连接层的参数量（对数坐标）"},
    "archlab_sharing_conv": {"en": "convolution (shared kernels)", "zh": "卷积（共享卷积核）"},
    "archlab_sharing_fc": {"en": "fully-connected", "zh": "全连接"},
    "archlab_sharing_axis": {"en": "convolution layer (in order)", "zh": "卷积层（按顺序）"},
    "archlab_sharing_y": {"en": "parameters", "zh": "参数量"},
    "archlab_sharing_text": {
        "en": "The {n} convolutions have {conv} parameters; fully-connected layers mapping the same inputs to the "
              "same outputs would need {fc}: {ratio} times more. The first convolution alone: {first_conv} vs {first_fc}.",
        "zh": "这 {n} 个卷积层共有 {conv} 个参数；把同样的输入映射到同样输出的全连接层需要 {fc} 个：多 {ratio} 倍。"
              "仅第一个卷积层：{first_conv} 对 {first_fc}。"},
    "archlab_sharing_none": {"en": "This network has no convolutions.", "zh": "这个网络没有卷积层。"},
    "archlab_compare": {"en": "All architectures side by side", "zh": "所有网络结构对比"},
    "archlab_compare_title": {"en": "Parameters vs computation (log-log; click a dot to open it)",
                              "zh": "参数量与计算量（双对数坐标；点击圆点查看）"},
    "archlab_compare_x": {"en": "parameters", "zh": "参数量"},
    "archlab_compare_y": {"en": "multiply-accumulates per image", "zh": "每张图像的乘加次数"},
    "archlab_col_year": {"en": "Year", "zh": "年份"},
    "archlab_col_layers": {"en": "Ledger rows", "zh": "账本行数"},
    "archlab_col_act_mb": {"en": "Activations (MB, one image)", "zh": "激活值（MB，一张图像）"},
    "archlab_plot_caption": {
        "en": "Chart in numbers: the table above lists every layer's values; the totals are in the summary line.",
        "zh": "图中的数字：上面的表格列出了每一层的数值，总数见摘要行。"},
    # --- explanation ----------------------------------------------------------------
    "archlab_explain_params": {
        "en": "**Parameters.** A convolution with C_in input channels, C_out kernels of k_h × k_w and a bias:",
        "zh": "**参数量。** 一个卷积层有 C_in 个输入通道、C_out 个 k_h × k_w 的卷积核和偏置："},
    "archlab_explain_macs": {
        "en": "**Multiply-accumulates (MACs).** Every output value is a dot product over a C_in × k_h × k_w window, "
              "so for N images:",
        "zh": "**乘加次数（MACs）。** 每个输出值都是在 C_in × k_h × k_w 窗口上的点积，所以 N 张图像需要："},
    "archlab_explain_size": {"en": "with the output size (stride s, padding p):",
                             "zh": "其中输出大小（步幅 s，填充 p）为："},
    "archlab_explain_memory": {
        "en": "**Memory.** Each layer's output (its activations) takes 4 bytes per number in float32, and grows with "
              "the batch; the weights do not. Training also keeps what the backward pass needs (a convolution keeps "
              "its unrolled input windows, k_h·k_w times its input):",
        "zh": "**内存。** 每层的输出（激活值）在 float32 下每个数占 4 字节，并随批大小增长；权重则不会。"
              "训练时还要保存反向传播需要的数据（卷积层保存展开后的输入窗口，是输入的 k_h·k_w 倍）："},
    "archlab_explain_sharing": {
        "en": "**Weight sharing.** A fully-connected layer between the same input and output maps needs one weight "
              "per (input, output) pair; the convolution reuses one small kernel at every position:",
        "zh": "**权值共享。** 在同样的输入和输出特征图之间，全连接层需要为每一对（输入，输出）配一个权重；"
              "卷积层在所有位置上重复使用同一个小卷积核："},
    "archlab_explain_after": {
        "en": "The big fully-connected layers of AlexNet and VGG hold most of their parameters; NiN and GoogLeNet "
              "replace them with global average pooling, and ResNet keeps a single fully-connected layer after it.",
        "zh": "AlexNet 和 VGG 的大全连接层占了大部分参数；NiN 和 GoogLeNet 用全局平均池化代替它们，"
              "ResNet 在全局平均池化之后只保留一个全连接层。"},
    "archlab_bad_batch": {"en": "The batch size must be between 1 and 4096, got {batch}.",
                          "zh": "批大小必须在 1 到 4096 之间，收到的是 {batch}。"},
}

add_strings(STRINGS)
