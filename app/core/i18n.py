"""Every string the app shows, in English and Chinese (中文).

``t("clear", "zh")`` -> ``"清除"``. Shared strings live here; a view module may
keep its own table and merge it with :func:`add_strings` at import (so views
written in parallel do not all edit this file). ``tests/app`` checks that
every key has both languages.
Chinese uses the terms of Chinese CNN textbooks: 卷积核 (kernel), 步幅
(stride), 填充 (padding), 感受野 (receptive field), 特征图 (feature map),
池化 (pooling), 权值共享 (weight sharing), 批量归一化 (batch norm), 残差 (residual).
"""
__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "STRINGS", "t", "add_strings", "language_from_header", "choose_language"]

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"

STRINGS = {
    # --- page and navigation ---------------------------------------------
    "app_title": {"en": "CNN Playground", "zh": "卷积神经网络游乐场"},
    "app_subtitle": {"en": "See how a convolutional network reads your handwriting",
                     "zh": "看卷积神经网络如何读懂你的手写数字"},
    "language": {"en": "Language", "zh": "语言"},
    "nav_labs": {"en": "Concept labs", "zh": "概念实验室"},
    "nav_pooling": {"en": "Pooling & activations", "zh": "池化与激活"},
    "nav_equivariance": {"en": "Shift & rotate", "zh": "平移与旋转"},
    "nav_batchnorm": {"en": "BatchNorm & Dropout", "zh": "批量归一化与 Dropout"},
    "nav_residual": {"en": "Residual learning", "zh": "残差学习"},
    "nav_architectures": {"en": "Classic architectures", "zh": "经典网络"},
    "nav_gradients": {"en": "Gradients", "zh": "梯度"},
    "nav_svd": {"en": "Weights & SVD", "zh": "权重与奇异值分解"},
    "nav_conv1d": {"en": "1-D convolution", "zh": "一维卷积"},
    "nav_classes": {"en": "Your classes", "zh": "你的类别"},
    "view_unavailable": {"en": "This view could not be loaded: {message}", "zh": "这个视图无法加载：{message}"},
    # --- lecture mode: embedding a view (app/core/lecture.py) --------------
    "embed_button": {"en": "</> Embed", "zh": "</> 嵌入"},
    "embed_tip": {"en": "Show the HTML code that puts this view, as it is now, into slides or a web page",
                  "zh": "显示把当前视图（含当前设置）放进幻灯片或网页的 HTML 代码"},
    "embed_title": {"en": "Embed this view (with its current settings)", "zh": "嵌入这个视图（保留当前设置）"},
    "embed_copy": {"en": "Copy the code", "zh": "复制代码"},
    "embed_help": {"en": ("Paste it into a web page or slides. Add &controls=0 to hide the controls, "
                          "&theme=projector for large fonts."),
                   "zh": "把它粘贴到网页或幻灯片中。加上 &controls=0 可隐藏控件，加上 &theme=projector 可放大字体。"},
    "coming_soon": {"en": "This part of the playground is being built.",
                    "zh": "这一部分正在建设中。"},
    # --- draw & predict ----------------------------------------------------
    "draw_canvas_label": {"en": "Drawing canvas: draw a digit from 0 to 9 with the mouse, a finger or a pen",
                          "zh": "画板：用鼠标、手指或触控笔写一个 0 到 9 的数字"},
    "model": {"en": "Model", "zh": "模型"},
    "clear": {"en": "Clear", "zh": "清除"},
    "undo": {"en": "Undo", "zh": "撤销"},
    "sample_button": {"en": "Load a sample {digit} from the test set", "zh": "载入测试集中的示例数字 {digit}"},
    "model_input": {"en": "What the model sees (28 × 28)", "zh": "模型看到的输入（28 × 28）"},
    "probabilities": {"en": "Probability of each digit", "zh": "每个数字的概率"},
    "digit": {"en": "digit", "zh": "数字"},
    "probability": {"en": "probability", "zh": "概率"},
    "prediction": {"en": "Prediction", "zh": "预测结果"},
    "hint_draw": {"en": "Draw a digit on the black canvas.", "zh": "请在黑色画板上写一个数字。"},
    "hint_speck": {"en": "Only a speck of ink: draw a bigger digit.", "zh": "墨迹太小了：请把数字写大一些。"},
    "hint_blob": {"en": "That looks like a dot or a blob, not a digit.", "zh": "这看起来像一个点或一团墨，而不是数字。"},
    "untrained_note": {"en": "This model has not been trained yet: its weights are random, so its guesses are too.",
                       "zh": "这个模型还没有训练：权重是随机的，所以它的猜测也是随机的。"},
    "untrained": {"en": "untrained", "zh": "未训练"},
    "trained_here": {"en": "trained in this session", "zh": "本次会话中训练"},
    "error": {"en": "Something went wrong: {message}", "zh": "出错了：{message}"},
    "explain_title": {"en": "What happens here", "zh": "这里发生了什么"},
    # --- model names ------------------------------------------------------
    "model_lenet5": {"en": "LeNet-5", "zh": "LeNet-5"},
    "model_tiny_vgg": {"en": "Tiny VGG", "zh": "小型 VGG"},
    "model_resnet_small": {"en": "Small ResNet (residual)", "zh": "小型 ResNet（残差）"},
    "model_plain_net": {"en": "Plain net (no shortcuts)", "zh": "普通深层网络（无残差连接）"},
    "model_nin_small": {"en": "Small Network-in-Network", "zh": "小型 NiN（网络中的网络）"},
    "model_convnetjs_mnist": {"en": "ConvNetJS MNIST net", "zh": "ConvNetJS 的 MNIST 网络"},
}


def add_strings(table):
    """Merge a view's ``{key: {"en": ..., "zh": ...}}`` into :data:`STRINGS`.

    Raises:
        ValueError: a key lacks a language, or is already defined differently.
    """
    for key, entry in table.items():
        if set(entry) != set(LANGUAGES):
            raise ValueError(f"i18n: {key!r} needs exactly the languages {sorted(LANGUAGES)}, got {sorted(entry)}")
        if key in STRINGS and STRINGS[key] != entry:
            raise ValueError(f"i18n: {key!r} is already defined as {STRINGS[key]}")
        STRINGS[key] = entry   # the table's own entry: one object, wherever it is read
    return table


def t(key, lang=DEFAULT_LANGUAGE, **fields):
    """The string ``key`` in ``lang`` ("en" or "zh"), with ``{fields}`` filled in.

    An unknown language falls back to English; an unknown key is returned
    as it is, so a missing translation shows up on screen instead of crashing.
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**fields) if fields else text


def language_from_header(accept_language):
    """The first supported language in an HTTP ``Accept-Language`` header, or None.

    ``"zh-CN,zh;q=0.9,en;q=0.8"`` -> ``"zh"``; weights (``q=``) are respected.
    """
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(query_lang=None, accept_language=None):
    """``?lang=`` if it names a supported language, else the browser's, else English."""
    if query_lang in LANGUAGES:
        return query_lang
    return language_from_header(accept_language) or DEFAULT_LANGUAGE
