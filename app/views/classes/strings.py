"""Texts of the "Your classes" view, in English and Chinese (merged into app.core.i18n.STRINGS)."""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "classes_heading_data": {"en": "1 · Make your classes", "zh": "1 · 建立你的类别"},
    "classes_heading_train": {"en": "2 · Train a network on them", "zh": "2 · 用它们训练网络"},
    "classes_heading_test": {"en": "3 · Try it", "zh": "3 · 试一试"},
    "classes_intro": {"en": ("Teach a small colour CNN to tell your own things apart: make 2 to 6 classes, fill "
                             "each with pictures from the camera or from files, train, then show it something new."),
                      "zh": "教一个小型彩色卷积网络区分你自己的东西：建立 2 到 6 个类别，用摄像头或图片文件填充每个类别，"
                            "训练，然后给它看新的东西。"},
    "classes_starter": {"en": "Load the starter set", "zh": "载入示例数据集"},
    "classes_starter_about": {"en": ("The starter set: 192 tiles of 32 × 32 pixels cut side by side from three "
                                     "texture photos that ship with the playground (brick, grass, gravel; "
                                     "CC0, from scikit-image). They are grey pictures, so red = green = blue."),
                              "zh": "示例数据集：从游乐场自带的三张纹理照片（砖墙、草地、砾石；CC0，来自 scikit-image）"
                                    "中并排切出的 192 块 32 × 32 像素图块。它们是灰度图，所以红 = 绿 = 蓝。"},
    "classes_starter_loaded": {"en": "Starter set loaded: {names}; pictures in each: {count}.",
                               "zh": "已载入示例数据集：{names}；每类 {count} 张图片。"},
    "classes_texture_brick": {"en": "brick", "zh": "砖墙"},
    "classes_texture_grass": {"en": "grass", "zh": "草地"},
    "classes_texture_gravel": {"en": "gravel", "zh": "砾石"},
    "classes_add_class": {"en": "+ Add a class", "zh": "+ 添加类别"},
    "classes_remove_class": {"en": "Remove the last class", "zh": "删除最后一个类别"},
    "classes_default_name": {"en": "class {n}", "zh": "类别 {n}"},
    "classes_name": {"en": "Name of class {n}", "zh": "类别 {n} 的名称"},
    "classes_count": {"en": "pictures: {count} · held out: {held}", "zh": "{count} 张图片 · 留出 {held} 张"},
    "classes_target": {"en": "New pictures go to", "zh": "新图片放入"},
    "classes_clear": {"en": "Empty this class", "zh": "清空这个类别"},
    "classes_upload": {"en": "Add picture files (PNG, JPEG, WebP; several at once)",
                       "zh": "添加图片文件（PNG、JPEG、WebP；可多选）"},
    "classes_camera": {"en": "Or use the camera: press and hold to capture a burst",
                       "zh": "或使用摄像头：按住按钮连续拍摄"},
    "classes_start_camera": {"en": "Start camera", "zh": "打开摄像头"},
    "classes_capture": {"en": "Hold to capture", "zh": "按住拍摄"},
    "classes_predict_frame": {"en": "Predict this frame", "zh": "识别这一帧"},
    "classes_camera_off": {"en": "The camera is off. Nothing leaves your computer: frames go only to this page.",
                           "zh": "摄像头已关闭。画面只发送到本页面，不会离开你的电脑。"},
    "classes_camera_starting": {"en": "Asking the browser for the camera…", "zh": "正在向浏览器请求摄像头……"},
    "classes_camera_on": {"en": "Camera on. Captures go to “{name}”.", "zh": "摄像头已打开。拍摄的图片放入“{name}”。"},
    "classes_camera_denied": {"en": ("The camera was refused (by you or the browser). Allow it in the address "
                                     "bar's site settings and press Start camera again, or add picture files."),
                              "zh": "摄像头被拒绝（由你或浏览器）。请在地址栏的网站设置中允许后再点“打开摄像头”，或添加图片文件。"},
    "classes_camera_no_camera": {"en": "No camera was found. Add picture files or load the starter set.",
                                 "zh": "没有找到摄像头。请添加图片文件或载入示例数据集。"},
    "classes_camera_unsupported": {"en": ("This browser or page cannot use a camera (it needs https or "
                                          "localhost). Add picture files instead."),
                                   "zh": "这个浏览器或页面无法使用摄像头（需要 https 或 localhost）。请改为添加图片文件。"},
    "classes_camera_error": {"en": "The camera did not start: {detail}", "zh": "摄像头没有启动：{detail}"},
    "classes_added": {"en": "Pictures added to “{name}”: {count}.", "zh": "已向“{name}”添加 {count} 张图片。"},
    "classes_full": {"en": ("“{name}” is full: {max} pictures is the most a class holds here (the rest were not "
                            "added). Training on a few hundred is plenty."),
                     "zh": "“{name}”已满：每个类别最多 {max} 张图片（其余未添加）。几百张就足够训练了。"},
    "classes_skipped": {"en": "Not added: {message}", "zh": "未添加：{message}"},
    "classes_upload_too_big": {"en": "Not opened: {name} is too large (at most {mb} MB at once).",
                               "zh": "未打开：{name} 太大（一次最多 {mb} MB）。"},
    "classes_too_many": {"en": "At most {max} classes.", "zh": "最多 {max} 个类别。"},
    "classes_too_few": {"en": "At least {min} classes: a network needs two things to tell apart.",
                        "zh": "至少需要 {min} 个类别：网络需要区分两种东西。"},
    "classes_need_pictures": {"en": ("Cannot train yet: every class needs at least {min} pictures (more is better: "
                                     "20 or more each), and “{name}” has {count}."),
                              "zh": "还不能训练：每个类别至少需要 {min} 张图片（越多越好：每类 20 张以上），而“{name}”只有 {count} 张。"},
    "classes_no_held_out": {"en": ("No class has 4 pictures yet, so none are held out: the accuracy below is on "
                                   "the training pictures and says little."),
                            "zh": "还没有类别达到 4 张图片，所以没有留出图片：下面的准确率是在训练图片上算的，参考价值不大。"},
    "classes_split": {"en": ("Held out: the last quarter of each class ({held} pictures) is never trained on; it "
                             "measures the network. Training: {train} pictures."),
                      "zh": "留出集：每个类别的最后四分之一（{held} 张）从不参与训练，用来检验网络。训练集：{train} 张。"},
    "classes_download": {"en": "Download the data set (.npz)", "zh": "下载数据集（.npz）"},
    "classes_export": {"en": "⬇ Export to PyTorch (.zip)", "zh": "⬇ 导出为 PyTorch（.zip）"},
    "classes_export_tip": {
        "en": ("A zip with the network written as PyTorch code, its weights, and a script that runs some of your pictures "
               "through PyTorch and prints the difference from the playground's answers"),
        "zh": "一个 zip 文件：写成 PyTorch 代码的网络、它的权重，以及一个脚本：用 PyTorch 计算你的几张图片，并打印与本游乐场结果的差别"},
    "classes_export_title": {"en": "A colour CNN for your {classes} classes",
                             "zh": "为你的 {classes} 个类别训练的彩色 CNN"},
    "classes_export_first": {"en": "Train the network first: then it can be exported.",
                             "zh": "请先训练网络，然后才能导出。"},
    "classes_upload_data": {"en": "Open a data set (.npz from this page)", "zh": "打开数据集（本页下载的 .npz）"},
    "classes_data_loaded": {"en": "Opened {name}: {classes} classes, {count} pictures.",
                            "zh": "已打开 {name}：{classes} 个类别，{count} 张图片。"},
    "classes_data_bad": {"en": "{name} was not opened: {why}.", "zh": "{name} 未能打开：{why}。"},
    "classes_model_other": {"en": ("The network: opened from a file, another layout than this page's ({layers} "
                                   "layers); {classes} classes, {params} parameters. Input: 32 × 32 RGB."),
                            "zh": "网络：从文件打开，结构与本页的不同（{layers} 层）；{classes} 个类别，共 {params} 个参数。"
                                  "输入：32 × 32 RGB。"},
    "classes_model": {"en": ("The network: Conv 3→8 (3 × 3) · ReLU · MaxPool 2 · Conv 8→16 (3 × 3) · ReLU · "
                             "MaxPool 2 · Linear 1024→{classes}. Input: 32 × 32 RGB, (x/255 − 0.5)/0.25 per "
                             "channel. {params} parameters, trained from scratch with Adam."),
                     "zh": "网络：卷积 3→8（3 × 3）· ReLU · 最大池化 2 · 卷积 8→16（3 × 3）· ReLU · 最大池化 2 · "
                           "全连接 1024→{classes}。输入：32 × 32 RGB，每个通道 (x/255 − 0.5)/0.25。"
                           "共 {params} 个参数，用 Adam 从零开始训练。"},
    "classes_epochs": {"en": "Epochs (passes over the training pictures)", "zh": "轮数（遍历训练图片的次数）"},
    "classes_lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "classes_train": {"en": "Train", "zh": "训练"},
    "classes_resume": {"en": "Resume", "zh": "继续"},
    "classes_pause": {"en": "Pause", "zh": "暂停"},
    "classes_step": {"en": "Step", "zh": "单步"},
    "classes_status_idle": {"en": "Not trained yet", "zh": "尚未训练"},
    "classes_status_running": {"en": "Training", "zh": "训练中"},
    "classes_status_paused": {"en": "Paused", "zh": "已暂停"},
    "classes_status_finished": {"en": "Trained", "zh": "训练完成"},
    "classes_status_diverged": {"en": "Stopped: the loss blew up", "zh": "已停止：损失爆炸"},
    "classes_progress": {"en": "step {step} of {total} · epoch {epoch} of {epochs}",
                         "zh": "第 {step}/{total} 步 · 第 {epoch}/{epochs} 轮"},
    "classes_speed": {"en": "{speed:,.0f} pictures/s", "zh": "每秒 {speed:,.0f} 张图片"},
    "classes_time_left": {"en": "about {seconds:.0f} s left", "zh": "还剩约 {seconds:.0f} 秒"},
    "classes_held_accuracy": {"en": "held-out accuracy {acc:.0%}", "zh": "留出集准确率 {acc:.0%}"},
    "classes_data_changed": {"en": "The pictures changed since this run started: train again to use them.",
                             "zh": "本次训练开始后图片有变化：重新训练才会用上它们。"},
    "classes_loss_title": {"en": "Loss (cross-entropy)", "zh": "损失（交叉熵）"},
    "classes_accuracy_title": {"en": "Accuracy", "zh": "准确率"},
    "classes_axis_step": {"en": "optimizer step", "zh": "优化步数"},
    "classes_legend_batch": {"en": "batch", "zh": "批次"},
    "classes_legend_train": {"en": "train", "zh": "训练"},
    "classes_legend_held": {"en": "held out", "zh": "留出"},
    "classes_confusion_title": {"en": "Held-out pictures: true class → answer", "zh": "留出图片：真实类别 → 回答"},
    "classes_confusion_true": {"en": "true class", "zh": "真实类别"},
    "classes_confusion_predicted": {"en": "the network's answer", "zh": "网络的回答"},
    "classes_per_class": {"en": "Per class (held out)", "zh": "每个类别（留出集）"},
    "classes_per_class_row": {"en": "{name}: {right} of {total} right", "zh": "{name}：{total} 张中对 {right} 张"},
    "classes_per_class_none": {"en": "{name}: none held out", "zh": "{name}：没有留出图片"},
    "classes_test_upload": {"en": "Show it a picture file", "zh": "给它看一个图片文件"},
    "classes_test_hint": {"en": "Train first, then show it a file or a camera frame (Predict this frame).",
                          "zh": "请先训练，然后给它看一个文件或一帧摄像头画面（识别这一帧）。"},
    "classes_prediction": {"en": "It says: {name} ({p:.0%} sure)", "zh": "它说：{name}（把握 {p:.0%}）"},
    "classes_sees": {"en": "What the network sees (32 × 32)", "zh": "网络看到的（32 × 32）"},
    "classes_explain_title": {"en": "What happens here", "zh": "这里发生了什么"},
    "classes_explain": {
        "en": ("Every picture is made 32 × 32 at once: scaled to cover the square (area averaging: each new "
               "pixel is the mean of the pixels it covers) and cut to its middle. The network starts from "
               "random weights and learns only from your training pictures; the held-out ones show whether it "
               "learned the *things* or just memorised the pictures. Pictures taken in one burst look almost "
               "alike, so a network can score well on them and still fail on a new scene: add pictures from "
               "different places, distances and light."),
        "zh": ("每张图片都会立即变成 32 × 32：缩放到覆盖整个正方形（面积平均：每个新像素是它覆盖的像素的平均值），再裁出中间部分。"
               "网络从随机权重开始，只从你的训练图片中学习；留出的图片能看出它学到的是东西本身，还是只记住了这些图片。"
               "一次连拍的图片几乎一样，网络在它们上面可能得分很高，换个场景却会失败：请在不同地点、距离和光线下多拍一些。")},
    "classes_download_network": {"en": "⬇ Download the network (.npz)", "zh": "⬇ 下载网络（.npz）"},
    "classes_download_network_tip": {
        "en": "The trained network and its class names in one file: open it here again later, or on another computer",
        "zh": "训练好的网络及其类别名称，保存在一个文件里：以后可以在这里或另一台电脑上再次打开"},
    "classes_open_network": {"en": "Open a network (.npz from this page, or a PyTorch state dict saved as .npz)",
                             "zh": "打开网络（本页下载的 .npz，或保存为 .npz 的 PyTorch 状态字典）"},
    "classes_opened_from": {"en": "opened from {name}", "zh": "打开自 {name}"},
    "classes_network_opened": {"en": ("Opened the network {name}: {classes} classes ({names}). Its answers on the "
                                      "held-out pictures are below; show it a picture to try it."),
                               "zh": "已打开网络 {name}：{classes} 个类别（{names}）。它在留出图片上的结果见下方；"
                                     "给它看一张图片试试。"},
    "classes_network_opened_no_eval": {
        "en": ("Opened the network {name}: {classes} classes ({names}). It is not measured on your pictures: "
               "their class names differ from its own, or none are held out yet. Show it a picture to try it."),
        "zh": "已打开网络 {name}：{classes} 个类别（{names}）。没有在你的图片上检验它：你的类别名称与它的不同，"
              "或者还没有留出图片。给它看一张图片试试。"},
    "classes_test_hint_opened": {"en": "Show it a file or a camera frame (Predict this frame).",
                                 "zh": "给它看一个文件或一帧摄像头画面（识别这一帧）。"},
    "classes_network_bad_too_big": {"en": "{name} was not opened: it is larger than {mb} MB.",
                                    "zh": "{name} 未能打开：文件超过 {mb} MB。"},
    "classes_network_bad_data_set": {
        "en": "{name} was not opened as a network: it is a data set. Open it with “Open a data set” above.",
        "zh": "{name} 未作为网络打开：它是一个数据集。请用上方的“打开数据集”打开它。"},
    "classes_network_bad_names": {"en": "{name} was not opened: a network file needs {min} to {max} class names.",
                                  "zh": "{name} 未能打开：网络文件需要 {min} 到 {max} 个类别名称。"},
    "classes_network_bad_shape": {
        "en": ("{name} was not opened: it is not a network for 32 × 32 colour pictures with {classes} classes "
               "(one picture must give {want} scores). Your network and pictures are unchanged."),
        "zh": "{name} 未能打开：它不是用于 32 × 32 彩色图片、{classes} 个类别的网络（一张图片应得到 {want} 个分数）。"
              "你的网络和图片都没有变。"},
    "classes_network_bad_engine": {"en": "{name} was not opened as a network: {why}. Your network and pictures are unchanged.",
                                   "zh": "{name} 未能作为网络打开：{why}。你的网络和图片都没有变。"},
}

add_strings(STRINGS)
