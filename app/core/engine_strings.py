"""The engine's messages in the page's language: ``cnncore`` speaks English only.

``cnncore`` raises typed errors with English messages (it is a library, and PyTorch's users read
English there). Where such a message reaches the page, :func:`engine_message` gives it in the
page's language: each known message shape is a pattern with named parts (the file's name, a
key, numbers) that are kept as they are. A message no pattern knows stays as it is (the page's
own words around it are translated): better an English detail than a wrong translation.

>>> engine_message("model file: the file is empty", "zh")
'模型文件：文件是空的'
"""
import re

__all__ = ["engine_message", "PATTERNS"]

# (pattern, {"en": ..., "zh": ...}): the pattern matches a whole message; {name} is its group.
PATTERNS = [
    (r"(?P<what>.+?): the file is empty",
     {"en": "{what}: the file is empty", "zh": "{what}：文件是空的"}),
    (r"(?P<what>.+?): not a \.npz archive \(a model file is a NumPy \.npz zip archive; "
     r"this file starts with (?P<start>.*)\)",
     {"en": "{what}: not a .npz archive (a model file is a NumPy .npz zip archive; this file starts with {start})",
      "zh": "{what}：不是 .npz 压缩包（模型文件是 NumPy 的 .npz zip 压缩包；这个文件的开头是 {start}）"}),
    (r"(?P<what>.+?): not a readable \.npz archive \(truncated or damaged\?\): (?P<detail>.*)",
     {"en": "{what}: not a readable .npz archive (truncated or damaged?): {detail}",
      "zh": "{what}：无法读取的 .npz 压缩包（被截断或已损坏？）：{detail}"}),
    (r"(?P<what>.+?): not a \.npz archive",
     {"en": "{what}: not a .npz archive", "zh": "{what}：不是 .npz 压缩包"}),
    (r"(?P<what>.+?): this \.npz is not a cnncore model \(it has no (?P<key>.+?) entry; arrays found: (?P<found>.*)\)",
     {"en": "{what}: this .npz is not a cnncore model (it has no {key} entry; arrays found: {found})",
      "zh": "{what}：这个 .npz 不是 cnncore 模型（没有 {key} 条目；其中的数组：{found}）"}),
    (r"(?P<what>.+?): array (?P<key>.+?) cannot be read \(truncated, damaged, or an object array, "
     r"which is refused for safety\): (?P<detail>.*)",
     {"en": "{what}: array {key} cannot be read (truncated, damaged, or an object array, which is refused "
            "for safety): {detail}",
      "zh": "{what}：数组 {key} 无法读取（被截断、已损坏，或是出于安全考虑而拒绝的对象数组）：{detail}"}),
    (r"(?P<what>.+?): array (?P<key>.+?) holds (?P<size>\d+) bytes, far more than its shape allows",
     {"en": "{what}: array {key} holds {size} bytes, far more than its shape allows",
      "zh": "{what}：数组 {key} 有 {size} 字节，远超其形状所需"}),
    (r"(?P<what>.+?): the (?P<key>.+?) entry is not JSON text",
     {"en": "{what}: the {key} entry is not JSON text", "zh": "{what}：{key} 条目不是 JSON 文本"}),
    (r"(?P<what>.+?): the architecture is nested too deeply",
     {"en": "{what}: the architecture is nested too deeply", "zh": "{what}：网络结构嵌套过深"}),
    (r"(?P<what>.+?): the architecture description is not valid JSON \((?P<detail>.*)\)",
     {"en": "{what}: the architecture description is not valid JSON ({detail})",
      "zh": "{what}：网络结构描述不是有效的 JSON（{detail}）"}),
    (r"(?P<what>.+?): format marker is (?P<found>.+?), expected (?P<expected>.+)",
     {"en": "{what}: format marker is {found}, expected {expected}",
      "zh": "{what}：格式标记是 {found}，应为 {expected}"}),
    (r"(?P<what>.+?): format version (?P<found>.+?) is not supported \(this cnncore reads version (?P<version>.+)\)",
     {"en": "{what}: format version {found} is not supported (this cnncore reads version {version})",
      "zh": "{what}：不支持格式版本 {found}（这个 cnncore 读取版本 {version}）"}),
    (r"(?P<what>.+?): the weights do not match the architecture: missing arrays (?P<missing>.*), "
     r"unexpected arrays (?P<extra>.*)",
     {"en": "{what}: the weights do not match the architecture: missing arrays {missing}, unexpected arrays {extra}",
      "zh": "{what}：权重与网络结构不符：缺少数组 {missing}，多余数组 {extra}"}),
    (r"(?P<what>.+?): array (?P<key>.+?) has shape (?P<shape>.+?), the architecture needs (?P<need>.+)",
     {"en": "{what}: array {key} has shape {shape}, the architecture needs {need}",
      "zh": "{what}：数组 {key} 的形状是 {shape}，网络结构需要 {need}"}),
    (r"(?P<what>.+?): array (?P<key>.+?) is (?P<dtype>\w+), expected (?P<want>\w+)",
     {"en": "{what}: array {key} is {dtype}, expected {want}", "zh": "{what}：数组 {key} 是 {dtype}，应为 {want}"}),
    (r"(?P<what>.+?): dtype (?P<dtype>.+?) is not float32 or float64",
     {"en": "{what}: dtype {dtype} is not float32 or float64", "zh": "{what}：数据类型 {dtype} 不是 float32 或 float64"}),
    (r"(?P<what>.+?): (?P<where>.+?) \((?P<name>.+?)\) has unknown settings (?P<settings>.*)",
     {"en": "{what}: {where} ({name}) has unknown settings {settings}",
      "zh": "{what}：{where}（{name}）有未知的设置 {settings}"}),
    (r"(?P<what>.+?): (?P<where>.+?) \((?P<name>.+?)\) has invalid settings (?P<settings>.*)",
     {"en": "{what}: {where} ({name}) has invalid settings {settings}",
      "zh": "{what}：{where}（{name}）的设置无效 {settings}"}),
    (r"(?P<what>.+?): (?P<where>.+?) is of type (?P<name>.+?), which is not a cnncore layer(?P<rest>.*)",
     {"en": "{what}: {where} is of type {name}, which is not a cnncore layer{rest}",
      "zh": "{what}：{where} 的类型是 {name}，不是 cnncore 的层{rest}"}),
    (r"no model trained yet", {"en": "no model trained yet", "zh": "还没有训练好的模型"}),
    # why a data set of the Classes view (app/views/classes/data.py) cannot be opened
    (r"it is (?P<mb>\d+) MB, larger than (?P<max>\d+) MB",
     {"en": "it is {mb} MB, larger than {max} MB", "zh": "它有 {mb} MB，超过 {max} MB"}),
    (r"it is not a readable \.npz \((?P<error>.*)\)",
     {"en": "it is not a readable .npz ({error})", "zh": "它不是可读取的 .npz（{error}）"}),
    (r"it has no (?P<keys>.+)", {"en": "it has no {keys}", "zh": "它缺少 {keys}"}),
    (r"its format is (?P<found>.+), not (?P<want>.+)",
     {"en": "its format is {found}, not {want}", "zh": "它的格式是 {found}，不是 {want}"}),
    (r"it needs (?P<range>\d+-\d+) class names",
     {"en": "it needs {range} class names", "zh": "它需要 {range} 个类别名称"}),
    (r"its images are (?P<found>.+), not (?P<want>uint8 .+)",
     {"en": "its images are {found}, not {want}", "zh": "它的图像是 {found}，不是 {want}"}),
    (r"its labels do not match its images and classes",
     {"en": "its labels do not match its images and classes", "zh": "它的标签与图像和类别不符"}),
    (r"a class has (?P<n>\d+) pictures, more than (?P<max>\d+)",
     {"en": "a class has {n} pictures, more than {max}", "zh": "有一个类别有 {n} 张图片，超过 {max}"}),
]
# What a message names itself by (the part before its first colon).
SUBJECTS = {"model file": "模型文件", "state_dict file": "state_dict 文件"}
# Other parts that are words, not values.
WORDS = {"bytes that are not text": {"zh": "不是文本的字节"}}

_COMPILED = [(re.compile(pattern, re.S), texts) for pattern, texts in PATTERNS]


def engine_message(message, lang):
    """``message`` (an engine error's English text) in ``lang``; unknown messages unchanged."""
    message = str(message)
    if lang == "en":
        return message
    for pattern, texts in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            parts = match.groupdict()
            if "what" in parts:
                parts["what"] = SUBJECTS.get(parts["what"], parts["what"])
            parts = {k: WORDS.get(v, {}).get(lang, v) for k, v in parts.items()}
            return texts.get(lang, texts["en"]).format(**parts)
    return message
