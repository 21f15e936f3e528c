"""A lesson: an ordered list of views, each with its settings and a note, in English and 中文.

The file (``*.lesson.json``, UTF-8, at most ``MAX_FILE_BYTES``)::

    {"format": "cnn-playground-lesson", "version": 1,
     "title": "Convolution in 6 steps",
     "steps": [{"view": "conv", "query": {"kernel": "5", "stride": "2"},
                "note_en": "A 5 × 5 kernel ...", "note_zh": "5 × 5 的卷积核……"}]}

* ``view``: a page of the playground (``draw``, ``conv``, ``pooling``, ... : the keys of
  ``app.view_registry.VIEWS``, the lesson page itself excepted);
* ``query``: the view's settings exactly as its URL holds them (``/conv?kernel=5&stride=2``),
  names to text; a setting left out keeps the view's default;
* ``note_en`` / ``note_zh``: what the lecturer says at this step (plain text; an empty note
  shows the other language's).

Links: ``?lesson=<code>``, where the code is the compact JSON, UTF-8, zlib, base64url
without padding (:func:`to_code`, :func:`from_code`). A code is at most ``MAX_CODE_CHARS``
characters (about 40 steps with short notes); a longer lesson is shared as a file, and a
longer code in a link is refused with a message.

Everything read here is outside text: it is checked field by field (:func:`from_json`) and a
problem raises :class:`LessonError`, whose :meth:`~LessonError.message` says in the page's
language what is wrong and where. The page shows notes and titles only as plain text
(``app.core.text``), never as HTML.
"""
import base64
import binascii
import hashlib
import importlib
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from app import view_registry
from app.core.i18n import add_strings, t
from app.core.text import shorten

__all__ = ["FORMAT", "VERSION", "MAX_STEPS", "MAX_TITLE", "MAX_NOTE", "MAX_SETTINGS", "MAX_VALUE",
           "MAX_FILE_BYTES", "MAX_CODE_CHARS", "RESERVED", "Step", "Lesson", "LessonError", "lesson_views",
           "from_json", "from_dict", "view_settings", "to_code", "from_code", "step_from_link", "clean_query", "channel_name"]

FORMAT = "cnn-playground-lesson"
VERSION = 1
MAX_STEPS = 40
MAX_TITLE = 120          # characters
MAX_NOTE = 2000          # characters per language
MAX_SETTINGS = 30        # settings per step
MAX_NAME = 40            # characters of a setting's name
MAX_VALUE = 400          # characters of a setting's value
MAX_FILE_BYTES = 256 * 1024   # a file, and a link's JSON once decompressed
MAX_CODE_CHARS = 8000    # the ?lesson= value: servers and chat tools cut longer links
MAX_LINK_CHARS = 4000    # a pasted link of one view
# Names a step cannot set: the page's language and lecture mode, and the lesson page's own.
RESERVED = frozenset({"lang", "embed", "controls", "explain", "theme", "view", "lesson", "step", "play", "presenter"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
_FIELDS = {"view", "query", "note_en", "note_zh"}

add_strings({
    "lesson_err_bad_json": {"en": "This is not a lesson file: it is not valid JSON ({detail}).",
                            "zh": "这不是课程文件：它不是有效的 JSON（{detail}）。"},
    "lesson_err_not_text": {"en": "This is not a lesson file: it is not UTF-8 text.",
                            "zh": "这不是课程文件：它不是 UTF-8 文本。"},
    "lesson_err_too_big": {"en": "The lesson is too large ({size:,} bytes; at most {limit:,}).",
                           "zh": "课程太大（{size:,} 字节；最多 {limit:,}）。"},
    "lesson_err_not_lesson": {"en": "This is not a lesson file: {detail}.", "zh": "这不是课程文件：{detail}。"},
    "lesson_err_version": {"en": "This lesson is format version {version}; this page reads version {known}.",
                           "zh": "这个课程的格式版本是 {version}；本页读取的是版本 {known}。"},
    "lesson_err_title": {"en": "The title must be text of at most {limit} characters.",
                         "zh": "标题必须是不超过 {limit} 个字符的文本。"},
    "lesson_err_steps": {"en": "“steps” must be a list of at most {limit} steps.",
                         "zh": "“steps” 必须是最多 {limit} 个步骤的列表。"},
    "lesson_err_step": {"en": "Step {n}: {detail}.", "zh": "第 {n} 步：{detail}。"},
    "lesson_err_unknown_view": {"en": "Step {n}: there is no view called {view}; the views are: {views}.",
                                "zh": "第 {n} 步：没有名为 {view} 的视图；可用的视图有：{views}。"},
    "lesson_err_setting": {"en": "Step {n}: the setting {name} cannot be used ({detail}).",
                           "zh": "第 {n} 步：设置 {name} 无法使用（{detail}）。"},
    "lesson_err_note": {"en": "Step {n}: the note {field} must be text of at most {limit} characters.",
                        "zh": "第 {n} 步：备注 {field} 必须是不超过 {limit} 个字符的文本。"},
    "lesson_err_code_long": {"en": "This lesson link is too long ({size:,} characters; at most {limit:,}). "
                                   "Open the lesson's file instead.",
                             "zh": "这个课程链接太长（{size:,} 个字符；最多 {limit:,}）。请改为打开课程文件。"},
    "lesson_err_code_bad": {"en": "This lesson link is damaged (it was cut or changed): {detail}.",
                            "zh": "这个课程链接已损坏（被截断或改动过）：{detail}。"},
    "lesson_err_link": {"en": "This link does not show a view of the playground: {detail}.",
                        "zh": "这个链接没有指向游乐场的视图：{detail}。"},
    # the details, short
    "lesson_why_object": {"en": "it must be a JSON object", "zh": "它必须是 JSON 对象"},
    "lesson_why_format": {"en": "its “format” is {value}", "zh": "它的 “format” 是 {value}"},
    "lesson_why_no_version": {"en": "it has no “version”", "zh": "它没有 “version”"},
    "lesson_why_step_object": {"en": "a step must be an object with a view, its settings (query) and two notes",
                               "zh": "每一步必须是包含视图（view）、设置（query）和两段备注的对象"},
    "lesson_why_field": {"en": "unknown field {name}", "zh": "未知字段 {name}"},
    "lesson_why_query": {"en": "“query” must be an object of at most {limit} settings",
                         "zh": "“query” 必须是最多 {limit} 个设置的对象"},
    "lesson_why_name": {"en": "a name is lowercase letters, digits and _", "zh": "名称只能由小写字母、数字和 _ 组成"},
    "lesson_why_not_setting": {"en": "the {view} view has no such setting; it has {known}",
                               "zh": "{view} 视图没有这个设置；它的设置有 {known}"},
    "lesson_why_reserved": {"en": "it belongs to the page, not to a view", "zh": "它属于页面，而不属于视图"},
    "lesson_why_value": {"en": "the value must be text or a number of at most {limit} characters",
                         "zh": "值必须是不超过 {limit} 个字符的文本或数字"},
    "lesson_why_chars": {"en": "it holds characters a link cannot", "zh": "其中含有链接不能包含的字符"},
    "lesson_why_zlib": {"en": "it does not unpack", "zh": "无法解压"},
    "lesson_why_empty": {"en": "it is empty", "zh": "它是空的"},
    "lesson_why_unknown_view": {"en": "there is no view called {view} (the views: {views})",
                                "zh": "没有名为 {view} 的视图（可用的视图：{views}）"},
    "lesson_why_no_view": {"en": "its address names no view", "zh": "它的地址没有指明视图"},
})


def lesson_views():
    """The views a step can show: ``{key: (title string key, module, class)}`` in the
    playground's order, the lesson page itself left out."""
    return {s.key: (s.nav, s.module, s.cls) for s in view_registry.VIEWS if s.key != "lesson"}


class LessonError(ValueError):
    """A lesson (file, link or field) that cannot be used; :meth:`message` says why, in a language.

    ``key`` is a string of :mod:`app.core.i18n`, ``fields`` fill it in (outside values already
    shortened); ``detail`` names another string for a ``{detail}`` field.
    """

    def __init__(self, key, detail=None, **fields):
        self.key, self.detail, self.fields = key, detail, fields
        super().__init__(self.message("en"))

    def message(self, lang):
        fields = dict(self.fields)
        if self.detail is not None:
            key, extra = self.detail if isinstance(self.detail, tuple) else (self.detail, {})
            fields["detail"] = t(key, lang, **extra) if key.startswith("lesson_") else key
        return t(self.key, lang, **fields)


def _quoted(value, limit=40):
    return repr(shorten(value, limit))


@dataclass
class Step:
    """One step: a view, its settings (URL names -> text) and the lecturer's note in each language."""

    view: str
    query: dict = field(default_factory=dict)
    note_en: str = ""
    note_zh: str = ""

    def note(self, lang):
        """The note in ``lang``, else the other language's ('' if neither)."""
        first, other = (self.note_zh, self.note_en) if lang == "zh" else (self.note_en, self.note_zh)
        return first or other

    def to_dict(self):
        return {"view": self.view, "query": dict(self.query), "note_en": self.note_en, "note_zh": self.note_zh}


@dataclass
class Lesson:
    """A title and its steps, in order. ``to_json``/``from_json`` and ``to_code``/``from_code``
    are each other's inverse."""

    title: str = ""
    steps: list = field(default_factory=list)

    def to_dict(self):
        return {"format": FORMAT, "version": VERSION, "title": self.title,
                "steps": [s.to_dict() for s in self.steps]}

    def to_json(self, compact=False):
        """The file's text (indented), or the link's (``compact``: no spaces)."""
        if compact:
            return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_file(self):
        """The ``.json`` file's bytes."""
        return self.to_json().encode("utf-8")

    # -- building ------------------------------------------------------------
    def add(self, step, at=None):
        """Insert ``step`` (at the end, or before index ``at``); at most ``MAX_STEPS``."""
        if len(self.steps) >= MAX_STEPS:
            raise LessonError("lesson_err_steps", limit=MAX_STEPS)
        checked = _step(step.to_dict(), len(self.steps) + 1)
        self.steps.insert(len(self.steps) if at is None else at, checked)
        return checked

    def move(self, index, offset):
        """Move step ``index`` by ``offset`` places (clamped to the list); returns its new index."""
        new = min(max(index + offset, 0), len(self.steps) - 1)
        self.steps.insert(new, self.steps.pop(index))
        return new

    def remove(self, index):
        del self.steps[index]


# --------------------------------------------------------------------------- reading
def from_json(data):
    """The :class:`Lesson` in ``data`` (the file's bytes or text), every field checked.

    Raises:
        LessonError: too large, not UTF-8, not JSON, not a lesson, or a field out of bounds
        (the message names the step and the field).
    """
    if isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_FILE_BYTES:
            raise LessonError("lesson_err_too_big", size=len(data), limit=MAX_FILE_BYTES)
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LessonError("lesson_err_not_text") from None
    if len(data.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LessonError("lesson_err_too_big", size=len(data.encode("utf-8", "surrogatepass")), limit=MAX_FILE_BYTES)

    def no_constants(name):      # NaN, Infinity: not JSON
        raise ValueError(f"{name} is not a JSON value")

    try:
        raw = json.loads(data, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise LessonError("lesson_err_bad_json", detail=f"line {exc.lineno}, column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise LessonError("lesson_err_bad_json", detail=shorten(str(exc), 60)) from None
    return from_dict(raw)


def from_dict(raw):
    """The :class:`Lesson` a parsed JSON value describes (see :func:`from_json`)."""
    if not isinstance(raw, dict):
        raise LessonError("lesson_err_not_lesson", detail="lesson_why_object")
    if "format" in raw and raw["format"] != FORMAT:
        raise LessonError("lesson_err_not_lesson", detail=("lesson_why_format", {"value": _quoted(raw["format"])}))
    if "version" not in raw:
        raise LessonError("lesson_err_not_lesson", detail="lesson_why_no_version")
    if raw["version"] != VERSION or isinstance(raw["version"], bool):
        raise LessonError("lesson_err_version", version=_quoted(raw["version"], 12), known=VERSION)
    unknown = set(raw) - {"format", "version", "title", "steps"}
    if unknown:
        raise LessonError("lesson_err_not_lesson", detail=("lesson_why_field", {"name": _quoted(sorted(unknown)[0])}))
    title = raw.get("title", "")
    if not isinstance(title, str) or len(title) > MAX_TITLE:
        raise LessonError("lesson_err_title", limit=MAX_TITLE)
    steps = raw.get("steps", [])
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise LessonError("lesson_err_steps", limit=MAX_STEPS)
    return Lesson(title=" ".join(title.split()), steps=[_step(s, n) for n, s in enumerate(steps, 1)])


def _step(raw, n):
    if not isinstance(raw, dict):
        raise LessonError("lesson_err_step", n=n, detail="lesson_why_step_object")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise LessonError("lesson_err_step", n=n, detail=("lesson_why_field", {"name": _quoted(sorted(unknown)[0])}))
    views = lesson_views()
    view = raw.get("view")
    if not isinstance(view, str) or view not in views:
        raise LessonError("lesson_err_unknown_view", n=n, view=_quoted(view), views=", ".join(views))
    query = raw.get("query", {})
    if not isinstance(query, dict) or len(query) > MAX_SETTINGS:
        raise LessonError("lesson_err_step", n=n, detail=("lesson_why_query", {"limit": MAX_SETTINGS}))
    notes = {}
    for name in ("note_en", "note_zh"):
        note = raw.get(name, "")
        note = "" if note is None else note
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise LessonError("lesson_err_note", n=n, field=name, limit=MAX_NOTE)
        notes[name] = note.replace("\r\n", "\n").strip()
    return Step(view=view, query=_checked_query(query, n, view), **notes)


def view_settings(view):
    """The URL settings view ``view`` reads (its class's ``url_params``)."""
    _, module, cls = lesson_views()[view]
    return tuple(getattr(importlib.import_module(module), cls).url_params)


def _checked_query(query, n, view, strict=True):
    checked = {}
    known = view_settings(view)
    for name, value in query.items():
        if not strict and name not in known:
            continue      # a pasted link may carry more than the view's settings
        if not isinstance(name, str) or len(name) > MAX_NAME or not _NAME.match(name):
            raise LessonError("lesson_err_setting", n=n, name=_quoted(name), detail="lesson_why_name")
        if name in RESERVED:
            raise LessonError("lesson_err_setting", n=n, name=_quoted(name), detail="lesson_why_reserved")
        if name not in known:
            raise LessonError("lesson_err_setting", n=n, name=_quoted(name),
                              detail=("lesson_why_not_setting", {"view": view, "known": ", ".join(known) or "-"}))
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise LessonError("lesson_err_setting", n=n, name=_quoted(name),
                                  detail=("lesson_why_value", {"limit": MAX_VALUE}))
            value = json.dumps(value)
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            raise LessonError("lesson_err_setting", n=n, name=_quoted(name), detail=("lesson_why_value", {"limit": MAX_VALUE}))
        checked[name] = value
    return checked


def clean_query(query):
    """A view's URL query as a step keeps it: the page's own settings (language, lecture mode)
    left out, values as text."""
    return {k: str(v) for k, v in query.items() if k not in RESERVED}


# --------------------------------------------------------------------------- links
def to_code(lesson):
    """The ``?lesson=`` value of ``lesson``: compact JSON -> UTF-8 -> zlib -> base64url (no ``=``).
    It may be longer than ``MAX_CODE_CHARS``: check before putting it in a link."""
    packed = zlib.compress(lesson.to_json(compact=True).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def from_code(code):
    """The :class:`Lesson` of a ``?lesson=`` value (see :func:`to_code`), checked like a file.

    Raises:
        LessonError: longer than ``MAX_CODE_CHARS``, not base64url, not zlib, or more than
        ``MAX_FILE_BYTES`` once unpacked (read only that far: a small code cannot unpack to
        gigabytes), or not a valid lesson.
    """
    code = str(code if code is not None else "").strip()
    if not code:
        raise LessonError("lesson_err_code_bad", detail="lesson_why_empty")
    if len(code) > MAX_CODE_CHARS:
        raise LessonError("lesson_err_code_long", size=len(code), limit=MAX_CODE_CHARS)
    if not _CODE.match(code):
        raise LessonError("lesson_err_code_bad", detail="lesson_why_chars")
    try:
        packed = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        unpacker = zlib.decompressobj()
        data = unpacker.decompress(packed, MAX_FILE_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise LessonError("lesson_err_code_bad", detail="lesson_why_zlib") from None
    if len(data) > MAX_FILE_BYTES:
        raise LessonError("lesson_err_too_big", size=len(data), limit=MAX_FILE_BYTES)
    if not unpacker.eof:
        raise LessonError("lesson_err_code_bad", detail="lesson_why_zlib")
    return from_json(data)


def step_from_link(link):
    """A step (no notes) from a link of one view: ``…/conv?kernel=5`` (served),
    ``…/conv.html?kernel=5`` (the static site) or ``…/playground?view=conv&conv_kernel=5``.

    Raises:
        LessonError: not a link of a view, or a setting a step cannot hold.
    """
    link = str(link or "").strip()
    if not link:
        raise LessonError("lesson_err_link", detail="lesson_why_empty")
    if len(link) > MAX_LINK_CHARS:
        raise LessonError("lesson_err_code_long", size=len(link), limit=MAX_LINK_CHARS)
    parts = urlsplit(link)
    page = parts.path.rstrip("/").rsplit("/", 1)[-1]
    page = page[:-5] if page.endswith(".html") else page
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    views = lesson_views()
    if page in ("playground", "index", ""):
        view = query.get("view", "draw" if page == "playground" else "")
        if not view:
            raise LessonError("lesson_err_link", detail="lesson_why_no_view")
        query = {k[len(view) + 1:]: v for k, v in query.items() if k.startswith(f"{view}_")}
    else:
        view = page
    if view not in views:
        raise LessonError("lesson_err_link", detail=("lesson_why_unknown_view",
                                                     {"view": _quoted(view), "views": ", ".join(views)}))
    return Step(view=view, query=_checked_query(clean_query(query), 1, view, strict=False))


def channel_name(code):
    """The BroadcastChannel the windows of one lesson share (the lesson window and its presenter
    window): named after the lesson, so two lessons open side by side do not mix."""
    return "cnn-lesson-" + hashlib.sha256(str(code).encode("utf-8")).hexdigest()[:16]
