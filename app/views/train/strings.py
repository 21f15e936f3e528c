"""Every text of the Train view and its network builder, in English and 中文.

Merged into :data:`app.core.i18n.STRINGS` on import (keys start with ``train_``
or ``builder_``; ``model_train_custom`` and ``model_train_uploaded`` name the
architecture of a model registered from here).
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    # --- headings -----------------------------------------------------------
    "train_heading_model": {"en": "1 · Choose a network", "zh": "1 · 选择网络"},
    "train_heading_settings": {"en": "2 · Training settings", "zh": "2 · 训练设置"},
    "train_heading_run": {"en": "3 · Train", "zh": "3 · 开始训练"},
    "train_heading_watch": {"en": "Watch it learn", "zh": "观察学习过程"},
    # --- model choice -------------------------------------------------------
    "train_model": {"en": "Network", "zh": "网络"},
    "train_model_custom": {"en": "Build your own…", "zh": "自己搭建…"},
    "train_model_uploaded": {"en": "Uploaded model file", "zh": "上传的模型文件"},
    "model_train_custom": {"en": "Your network", "zh": "你的网络"},
    "model_train_uploaded": {"en": "Uploaded model", "zh": "上传的模型"},
    "train_pretrained": {"en": "Start from the pretrained weights", "zh": "从预训练权重开始"},
    "train_pretrained_none": {"en": "No pretrained weights ship for this network: it starts from random weights.",
                              "zh": "这个网络没有预训练权重：它从随机权重开始。"},
    "train_architecture": {"en": "Layers", "zh": "网络层"},
    "train_upload": {"en": "Upload a model file (.npz, at most {mb} MB) to keep training it",
                     "zh": "上传模型文件（.npz，最大 {mb} MB）继续训练"},
    "train_upload_too_big": {"en": ("The file {name} is too large: it holds {size:.1f} MB ({bytes:,} bytes); "
                                    "at most {mb} MB can be uploaded. It was not sent."),
                             "zh": "文件 {name} 太大：它有 {size:.1f} MB（{bytes:,} 字节），最多只能上传 {mb} MB。文件没有被发送。"},
    "train_upload_ok": {"en": "Loaded {name}: {params:,} parameters. Press Start to keep training it.",
                        "zh": "已载入 {name}：{params:,} 个参数。按“开始”继续训练。"},
    "train_upload_bad": {"en": "The file {name} cannot be used: it is not a model saved by CNN Playground (or "
                               "cnncore), or it is incomplete or damaged. Details: {message}",
                         "zh": "无法使用文件 {name}：它不是由本游乐场（或 cnncore）保存的模型文件，或者文件不完整、已损坏。"
                               "详细信息：{message}"},
    "train_upload_not_digits": {
        "en": "this model does not turn a 1×28×28 digit into 10 scores ({message})",
        "zh": "这个模型不能把 1×28×28 的数字图像变成 10 个分数（{message}）"},
    "train_upload_first": {"en": "Choose a model file to upload first.", "zh": "请先选择要上传的模型文件。"},
    # --- to PyTorch and back -------------------------------------------------
    "train_export": {"en": "⬇ Export to PyTorch (.zip)", "zh": "⬇ 导出为 PyTorch（.zip）"},
    "train_export_tip": {
        "en": ("A zip with the network written as PyTorch code, its weights, and a script that runs four test digits "
               "through PyTorch and prints the difference from the playground's answers"),
        "zh": "一个 zip 文件：写成 PyTorch 代码的网络、它的权重，以及一个脚本：用 PyTorch 计算四个测试数字，并打印与本游乐场结果的差别"},
    "train_model_custom_arch": {"en": "your network ({arch})", "zh": "你的网络（{arch}）"},
    "train_upload_torch_hint": {
        "en": ("Weights trained in PyTorch work too: save the state dict as .npz with the two lines below. "
               "Its keys and shapes must fit the network chosen above, your built network or a zoo network."),
        "zh": "在 PyTorch 里训练的权重也可以：用下面两行把 state dict（状态字典）存成 .npz。它的键和形状必须与上面选的网络、你搭建的网络或模型库中的某个网络一致。"},
    "train_upload_torch_ok": {"en": "A PyTorch state dict: its weights fit {arch}, and were loaded into it.",
                              "zh": "这是一个 PyTorch state dict（状态字典）：它的权重与{arch}一致，已载入。"},
    "train_upload_torch_bad": {
        "en": ("{name}: this .npz holds arrays but no description of the network, so it was read as a PyTorch "
               "state dict; but its weights fit none of the networks here, so the playground "
               "cannot tell which layers go between them. Build the same layers under \"Build your own…\" "
               "(an nn.Sequential: keys 0.weight, 3.weight, …) and upload it again. Compared with {message}"),
        "zh": ("{name}：这个 .npz 里有数组，但没有网络的描述，所以被当作 PyTorch state dict（状态字典）读取；但它的权重与这里的任何网络都不一致，所以无法知道权重之间是哪些层。"
               "请在“自己搭建…”里搭出相同的层（一个 nn.Sequential：键为 0.weight、3.weight……），再上传一次。"
               "与之比较：{message}")},
    # --- settings -----------------------------------------------------------
    "train_optimizer": {"en": "Optimizer", "zh": "优化器"},
    "train_sgd": {"en": "SGD + momentum 0.9", "zh": "SGD + 动量 0.9"},
    "train_adam": {"en": "Adam", "zh": "Adam"},
    "train_lr": {"en": "Learning rate η (changes at once, even while training)",
                 "zh": "学习率 η（立即生效，训练中也可以改）"},
    "train_lr_hint": {"en": ("Values that train well: SGD up to 0.05, Adam up to 0.003. Larger steps make "
                             "training diverge: it is then stopped, and the page says so."),
                      "zh": "能训练好的取值：SGD 不超过 0.05，Adam 不超过 0.003。步子更大会让训练发散：训练随即停止，页面会说明原因。"},
    "train_batch_size": {"en": "Batch size", "zh": "批大小"},
    "train_epochs": {"en": "Epochs (passes over the training digits)", "zh": "轮数（遍历训练集的次数）"},
    "train_subset": {"en": "Training digits", "zh": "训练用的数字"},
    "train_subset_option": {"en": "{n:,} digits", "zh": "{n:,} 个数字"},
    "train_augment": {"en": "Augmentation: shift, turn, resize and re-ink each batch",
                      "zh": "数据增强：对每批图像随机平移、旋转、缩放、改变笔画粗细"},
    "train_settings_note": {"en": "The network and these settings apply when a new run starts.",
                            "zh": "网络和这些设置在开始新一轮训练时生效。"},
    # --- controls -----------------------------------------------------------
    "train_start": {"en": "▶ Start", "zh": "▶ 开始"},
    "train_resume": {"en": "▶ Resume", "zh": "▶ 继续"},
    "train_pause": {"en": "‖ Pause", "zh": "‖ 暂停"},
    "train_step": {"en": "Step +1", "zh": "单步 +1"},
    "train_stop": {"en": "■ Stop", "zh": "■ 停止"},
    "train_download": {"en": "⬇ Download model (.npz)", "zh": "⬇ 下载模型（.npz）"},
    "train_start_tip": {"en": "Start a new run (or resume a paused one)", "zh": "开始新一轮训练（或继续暂停的训练）"},
    "train_step_tip": {"en": "Take exactly one optimizer step", "zh": "只做一步优化"},
    "train_stop_tip": {"en": "End the run and keep the weights", "zh": "结束训练并保留权重"},
    # --- status -------------------------------------------------------------
    "train_status_idle": {"en": "Ready. Press Start.", "zh": "准备就绪，请按“开始”。"},
    "train_status_running": {"en": "Training…", "zh": "训练中…"},
    "train_status_paused": {"en": "Paused", "zh": "已暂停"},
    "train_status_finished": {"en": "Finished", "zh": "训练完成"},
    "train_status_stopped": {"en": "Stopped", "zh": "已停止"},
    "train_status_diverged": {"en": "Stopped: training diverged", "zh": "已停止：训练发散"},
    "train_step_counter": {"en": "step {step} / {total}", "zh": "第 {step} / {total} 步"},
    "train_epoch_counter": {"en": "epoch {epoch} / {epochs}", "zh": "第 {epoch} / {epochs} 轮"},
    "train_speed": {"en": "{speed:,.0f} examples/s", "zh": "每秒 {speed:,.0f} 个样本"},
    "train_time_left": {"en": "about {time} left", "zh": "约剩 {time}"},
    "train_test_accuracy": {"en": "test accuracy {acc:.1%}", "zh": "测试准确率 {acc:.1%}"},
    "train_evaluating": {"en": "checking the 1,000 test digits…", "zh": "正在检验 1,000 个测试数字…"},
    "train_registered": {"en": "Added to the model list of the other views as “{label}”.",
                         "zh": "已加入其他视图的模型列表：“{label}”。"},
    "train_not_registered": {
        "en": ("Not added to the model list of the other views: it gets {acc:.1%} of the test digits right, "
               "no better than guessing ({chance:.0%})."),
        "zh": "没有加入其他视图的模型列表：它只答对 {acc:.1%} 的测试数字，并不比瞎猜（{chance:.0%}）好。"},
    "train_registered_diverged": {
        "en": ("Added to the model list of the other views as “{label}”: the weights from step {step}, "
               "before training diverged ({acc:.1%} of the test digits right)."),
        "zh": "已加入其他视图的模型列表：“{label}”——训练发散之前第 {step} 步的权重（测试数字答对 {acc:.1%}）。"},
    "model_train_diverged": {"en": "diverged: the weights from before", "zh": "已发散：发散之前的权重"},
    "train_diverged_title": {"en": "Training diverged", "zh": "训练发散了"},
    "train_diverged": {
        "en": "the learning rate {lr:g} is too high; try ≤ {suggest:g}. {what} at step {step}. Training stopped and {kept}.",
        "zh": "学习率 {lr:g} 太大了，请试试 ≤ {suggest:g}。第 {step} 步：{what}。训练已停止，{kept}。"},
    "train_diverged_nan_loss": {"en": "Loss became NaN", "zh": "损失变成了 NaN"},
    "train_diverged_inf_loss": {"en": "Loss became infinite", "zh": "损失变成了无穷大"},
    "train_diverged_loss_exploded": {"en": "Loss exploded to {loss:.3g}", "zh": "损失爆炸到 {loss:.3g}"},
    "train_diverged_loss_rose": {"en": "The loss rose to {recent:.3g}, far above its best ({best:.3g})",
                                 "zh": "损失升到 {recent:.3g}，远高于它最好的时候（{best:.3g}）"},
    "train_diverged_fell_to_chance": {
        "en": "The training accuracy fell back to {acc:.0%}, what guessing gets ({chance:.0%})",
        "zh": "训练准确率跌回 {acc:.0%}，和瞎猜（{chance:.0%}）一样"},
    "train_diverged_dead_output": {
        "en": "The network gives every digit the same scores (its units died), so it only guesses ({acc:.0%} right)",
        "zh": "网络对每个数字都给出同样的分数（它的神经元“死”了），只能瞎猜（答对 {acc:.0%}）"},
    "train_diverged_nonfinite_grad": {"en": "A gradient became NaN or infinite", "zh": "梯度变成了 NaN 或无穷大"},
    "train_diverged_nonfinite_weights": {"en": "The weights became NaN or infinite", "zh": "权重变成了 NaN 或无穷大"},
    "train_diverged_kept": {"en": "the weights from step {step} were restored (training accuracy then: {acc:.0%})",
                            "zh": "已恢复第 {step} 步的权重（当时的训练准确率：{acc:.0%}）"},
    "train_diverged_kept_initial": {
        "en": "the initial weights were restored: the network had not learned anything before it diverged",
        "zh": "已恢复初始权重：网络在发散之前还什么都没学会"},
    "train_diverged_hint": {
        "en": ("Each step moves every weight by η × its gradient. With too large an η one step jumps so far "
               "that the loss shoots up, or every ReLU dies and the network can only guess. "
               "Lower the learning rate and start again."),
        "zh": ("每一步都把每个权重移动 η × 梯度。η 太大时，一步就跳得太远：损失猛增，或者所有 ReLU 都“死”掉，"
               "网络只能瞎猜。把学习率调小，再重新开始。")},
    # --- plots --------------------------------------------------------------
    "train_loss_title": {"en": "Loss (cross-entropy, lower is better)", "zh": "损失（交叉熵，越低越好）"},
    "train_accuracy_title": {"en": "Accuracy", "zh": "准确率"},
    "train_axis_step": {"en": "optimizer step", "zh": "优化步数"},
    "train_legend_batch": {"en": "this batch", "zh": "当前批次"},
    "train_legend_train": {"en": "training (epoch average)", "zh": "训练集（本轮平均）"},
    "train_legend_test": {"en": "1,000 test digits", "zh": "1,000 个测试数字"},
    "train_confusion_title": {"en": "Confusion matrix (test digits)", "zh": "混淆矩阵（测试数字）"},
    "train_confusion_true": {"en": "true digit", "zh": "真实数字"},
    "train_confusion_predicted": {"en": "predicted digit", "zh": "预测数字"},
    "train_grad_title": {"en": "Gradient size of each layer ‖∂L/∂W‖ (log scale)",
                         "zh": "每层梯度大小 ‖∂L/∂W‖（对数坐标）"},
    "train_grad_axis": {"en": "gradient norm", "zh": "梯度范数"},
    "train_kernels_title": {"en": "First convolution layer's kernels", "zh": "第一个卷积层的卷积核"},
    "train_kernels_none": {"en": "This network has no convolution layer.", "zh": "这个网络没有卷积层。"},
    "train_caption_curves": {
        "en": "After {step} steps: training loss {loss:.3f}, training accuracy {acc:.1%}.",
        "zh": "已训练 {step} 步：训练损失 {loss:.3f}，训练准确率 {acc:.1%}。"},
    "train_caption_eval": {
        "en": "At step {step} the network got {correct} of {total} test digits right ({acc:.1%}); "
              "most confused: {pair}.",
        "zh": "第 {step} 步时网络答对了 {total} 个测试数字中的 {correct} 个（{acc:.1%}）；最常混淆：{pair}。"},
    "train_caption_pair": {"en": "{true} read as {pred} ({count}×)", "zh": "把 {true} 认成 {pred}（{count} 次）"},
    "train_caption_none": {"en": "none", "zh": "无"},
    "train_caption_kernels": {"en": "{count} kernels of {k}×{k} at step {step}; weights from {low:.2f} to {high:.2f}.",
                              "zh": "第 {step} 步的 {count} 个 {k}×{k} 卷积核；权重从 {low:.2f} 到 {high:.2f}。"},
    # --- explanation ----------------------------------------------------------
    "train_explain_title": {"en": "What happens in one step", "zh": "一步训练里发生了什么"},
    "train_explain": {
        "en": ("1. **Forward.** A *batch* of training digits goes through the network; the **loss** "
               "(cross-entropy) measures how wrong its ten scores are.\n\n"
               "2. **Backward.** Backpropagation computes the gradient ∂L/∂w of the loss with respect "
               "to every weight, layer by layer from the output back to the input.\n\n"
               "3. **Update.** The optimizer moves every weight a little against its gradient; "
               "the learning rate η sets how far:"),
        "zh": ("1. **前向传播。** 一*批*训练数字通过网络；**损失**（交叉熵）衡量网络给出的十个分数错得有多离谱。\n\n"
               "2. **反向传播。** 从输出到输入逐层计算损失对每个权重的梯度 ∂L/∂w。\n\n"
               "3. **更新。** 优化器让每个权重沿梯度的反方向移动一小步，步子多大由学习率 η 决定："),
    },
    "train_explain_after": {
        "en": ("**Momentum** keeps a running average of past gradients, **Adam** also scales each "
               "weight's step by its gradient's typical size. One **epoch** is one pass over the "
               "training digits. The orange curve is measured on 1,000 *test* digits the network never "
               "learns from: if it stops improving while the blue one still does, the network is "
               "memorising (*overfitting*); augmentation helps against that. In the gradient plot, "
               "dark lines are layers near the input: in deep plain networks they get the smallest "
               "gradients, which **residual** shortcuts fix. The first layer's **kernels** start as noise "
               "and turn into stroke and edge detectors."),
        "zh": ("**动量**记住过去梯度的滑动平均，**Adam** 还按每个权重梯度的典型大小调整步长。"
               "一**轮**（epoch）就是把训练数字全部看一遍。橙色曲线是在网络从未学习过的 1,000 个*测试*数字上测得的："
               "如果它不再变好而蓝色曲线还在变好，说明网络在死记硬背（*过拟合*），数据增强有助于缓解。"
               "在梯度图中，深色的线是靠近输入的层：在很深的普通网络里它们的梯度最小，**残差**连接可以解决这个问题。"
               "第一层的**卷积核**一开始是噪声，慢慢变成检测笔画和边缘的模式。"),
    },
    # --- network builder -------------------------------------------------------
    "builder_heading": {"en": "Your network", "zh": "你的网络"},
    "builder_input": {"en": "Input: one grey digit 1 × 28 × 28", "zh": "输入：一张灰度数字图 1 × 28 × 28"},
    "builder_add": {"en": "Add layer", "zh": "添加层"},
    "builder_add_kind": {"en": "Layer to add", "zh": "要添加的层"},
    "builder_kind_conv": {"en": "Convolution", "zh": "卷积"},
    "builder_kind_pool": {"en": "Pooling", "zh": "池化"},
    "builder_kind_global": {"en": "Global pooling", "zh": "全局池化"},
    "builder_kind_act": {"en": "Activation", "zh": "激活函数"},
    "builder_kind_bn": {"en": "Batch norm", "zh": "批量归一化"},
    "builder_kind_dropout": {"en": "Dropout", "zh": "Dropout（随机失活）"},
    "builder_kind_res": {"en": "Residual block", "zh": "残差块"},
    "builder_kind_linear": {"en": "Fully connected", "zh": "全连接"},
    "builder_opt_channels": {"en": "{v} ch.", "zh": "{v} 通道"},
    "builder_opt_kernel": {"en": "{v}×{v}", "zh": "{v}×{v}"},
    "builder_opt_stride": {"en": "stride {v}", "zh": "步幅 {v}"},
    "builder_opt_padding": {"en": "pad {v}", "zh": "填充 {v}"},
    "builder_opt_type": {"en": "{v}", "zh": "{v}"},
    "builder_opt_type_max": {"en": "max", "zh": "最大值"},
    "builder_opt_type_avg": {"en": "average", "zh": "平均值"},
    "builder_opt_type_gap": {"en": "average", "zh": "平均"},
    "builder_opt_type_attn": {"en": "attention", "zh": "注意力"},
    "builder_opt_type_bilinear": {"en": "bilinear", "zh": "双线性"},
    "builder_opt_size": {"en": "{v}×{v}", "zh": "{v}×{v}"},
    "builder_opt_fn": {"en": "{v}", "zh": "{v}"},
    "builder_opt_percent": {"en": "drop {v}%", "zh": "丢弃 {v}%"},
    "builder_opt_features": {"en": "{v} units", "zh": "{v} 个单元"},
    "builder_up": {"en": "Move layer {n} up", "zh": "把第 {n} 层上移"},
    "builder_down": {"en": "Move layer {n} down", "zh": "把第 {n} 层下移"},
    "builder_remove": {"en": "Remove layer {n}", "zh": "删除第 {n} 层"},
    "builder_params": {"en": "{n:,} params", "zh": "{n:,} 个参数"},
    "builder_flatten": {"en": "Flatten (added for you) → {shape}", "zh": "展平（自动添加）→ {shape}"},
    "builder_head": {"en": "Output layer (always there): {label} → 10 scores",
                     "zh": "输出层（固定）：{label} → 10 个分数"},
    "builder_total": {"en": "Total: {params:,} parameters · {macs:,} multiply-adds per digit",
                      "zh": "合计：{params:,} 个参数 · 每个数字 {macs:,} 次乘加"},
    "builder_error": {"en": "Layer {n} ({label}) cannot work: {message}",
                      "zh": "第 {n} 层（{label}）无法工作：{message}"},
    "builder_error_head": {"en": "The output layer cannot work: {message}", "zh": "输出层无法工作：{message}"},
    "builder_error_hint": {
        "en": "Each layer's output is the next one's input. Change or remove the marked layer, or add padding.",
        "zh": "每一层的输出就是下一层的输入。请修改或删除标出的层，或者增加填充。"},
    "builder_error_hint_global": {
        "en": "A global pool needs a feature map (channels × height × width): put it after the convolutions, "
              "before any fully connected layer.",
        "zh": "全局池化需要一张特征图（通道 × 高 × 宽）：请把它放在卷积层之后、全连接层之前。"},
    "builder_error_hint_after_global": {
        "en": "A global pool has already summed every map up, so no map is left for this layer: move it above "
              "the global pool. After a global pool come activations, batch norm, dropout and fully connected layers.",
        "zh": "全局池化已经把每张特征图汇总了，这一层没有特征图可用：请把它移到全局池化之前。"
              "全局池化之后只接激活函数、批量归一化、Dropout 和全连接层。"},
    "builder_explain_gap": {
        "en": "Global average pooling: each channel becomes one number, the mean of its whole map (C × 1 × 1). "
              "No weights. NiN, GoogLeNet and ResNet end this way instead of flattening the map into a big "
              "fully connected layer.",
        "zh": "全局平均池化：每个通道变成一个数，即整张特征图的平均值（C × 1 × 1）。没有权重。"
              "NiN、GoogLeNet 和 ResNet 都这样结尾，而不是把特征图展平后接一个很大的全连接层。"},
    "builder_explain_attn": {
        "en": "Attention pooling: a learned 1×1 convolution scores every position, a softmax turns the scores "
              "into weights that add up to 1, and each channel gives its weighted average (C numbers, C + 1 weights). "
              "The network learns where to look.",
        "zh": "注意力池化：一个学习得到的 1×1 卷积给每个位置打分，softmax 把分数变成和为 1 的权重，"
              "每个通道输出它的加权平均（C 个数，C + 1 个权重）。网络自己学会看哪里。"},
    "builder_explain_bilinear": {
        "en": "Bilinear pooling: at every position each pair of channels is multiplied, and the products are "
              "averaged over the map (C × C numbers, no weights): which features occur together, wherever they are.",
        "zh": "双线性池化：在每个位置把每两个通道相乘，再在整张图上求平均（C × C 个数，没有权重）："
              "表示哪些特征同时出现，不管出现在哪里。"},
    "builder_full": {"en": "At most {n} layers.", "zh": "最多 {n} 层。"},
    "builder_bad_arch": {"en": "The link's network could not be read: {message}",
                         "zh": "无法读取链接中的网络：{message}"},
    "builder_shape_header": {"en": "output shape", "zh": "输出形状"},
    "builder_layer_header": {"en": "layer", "zh": "层"},
    "builder_params_header": {"en": "parameters", "zh": "参数"},
}

add_strings(STRINGS)
