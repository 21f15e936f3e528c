"""Lesson: a lecturer's ordered list of views, built here, played full screen, shared as a link or a file.

Building: pick a view, set it up in the preview at the bottom of the page (its settings are
read the way its URL would hold them) and add it as a step, or paste a link of a view; write a
note per step in English and 中文; move and delete steps; give the lesson a title. Example
lessons (:mod:`app.views.lesson.examples`) open in one click.

Playing (``play``): one step at a time, the step's view with its settings applied, the note
above it, a step counter, ◀ ▶ buttons and the keys of a presentation clicker
(:class:`~app.widgets.lesson_remote.LessonRemote`: → PageDown Space, ← PageUp, Home End),
full screen, with the projector theme (on by default) and without the page header (and, in
the playground, without its navigation: ``fills_page``).

Presenter (``presenter``): the "Presenter window" link opens the same lesson in a second window
with the current and the next note; the two windows keep the same step (BroadcastChannel, in
the browser: served and static alike).

Sharing: the page's URL always holds the lesson (``?lesson=<code>``, see
:mod:`app.views.lesson.format`, at most ``MAX_CODE_CHARS`` characters; a longer lesson is shared as a
``.json`` file: "Download" and "Open a lesson file").

URL query: ``?lesson=<code>&step=<1..>&play=true|false&presenter=true|false&lang=en|zh``
(plus lecture mode's ``theme=projector`` etc.); like the playground's, the URL names only the
settings that differ from a fresh page (no ``step=1&play=false``). Everything a lesson holds is
outside text: the format module checks it field by field and the page shows it only as plain text.

Page hooks for tests: ``data-testid`` ``lesson-step`` (one per step, ``data-view``,
``data-n``), ``lesson-counter`` (``data-step``, ``data-total``), ``lesson-note``,
``lesson-presenter-now``, ``lesson-presenter-next``, ``lesson-presenter-link`` (an ``<a>``);
the share link is the ``textarea`` of ``.cnn-lesson-share``.
"""
import functools
import html
import importlib
import io
import json
import logging
import re
from urllib.parse import parse_qsl, urlencode

import panel as pn
import param
from panel.io.location import Location

from app.core import theme
from app.core.lecture import LectureMode, lecture_mode
from app.core.text import Notice, plain_html, shorten
from app.core.theme import ACCENT, TEXT
from app.views.base import View, _drop_start_values
from app.views.lesson import strings  # noqa: F401  (registers the texts)
from app.views.lesson.examples import EXAMPLES, example
from app.views.lesson.format import (MAX_CODE_CHARS, MAX_FILE_BYTES, MAX_NOTE, MAX_STEPS, MAX_TITLE, Lesson,
                                     LessonError, Step, channel_name, clean_query, from_code, from_json, lesson_views,
                                     step_from_link, to_code)
from app.widgets.lesson_remote import LessonRemote
from app.widgets.upload import FileUpload

__all__ = ["LessonView", "build_step_view"]

log = logging.getLogger("cnn_playground")

_CSS = f"""
.ls-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.ls-intro, .ls-hint {{ color: #3E4C59; font-size: 16px; }}
.ls-step {{ font-size: 17px; color: {TEXT}; }}
.ls-step .ls-q {{ color: #52606D; font-size: 15px; font-family: ui-monospace, monospace; }}
.ls-counter {{ font-size: 20px; font-weight: 600; color: {ACCENT}; white-space: nowrap; }}
.ls-title {{ font-size: 24px; font-weight: 700; color: {TEXT}; }}
.ls-note {{ font-size: 22px; line-height: 1.45; color: {TEXT}; }}
.ls-next {{ font-size: 18px; line-height: 1.4; color: #3E4C59; }}
.ls-link a {{ font-size: 17px; }}
.ls-len {{ font-size: 14px; color: #52606D; }}
"""


def _layout_of(view, mode):
    """``view``'s layout under lecture ``mode`` (the step's projector theme, not the page URL's)."""
    raw = getattr(type(view).__panel__, "__wrapped__", None)
    return view.lecture_layout(raw(view) if raw is not None else view.__panel__(), mode)


def build_step_view(key, query, session, lang):
    """View ``key`` of this session, with ``query`` (its URL settings) applied as a link would.

    Returns ``(view, location)``: ``location`` is the view's own URL (a ``Location`` not tied to
    the page); its ``search`` holds the settings changed from the view's defaults, so it is
    also how a step reads a view's current state. A setting the view cannot take is ignored and
    named in the view's message box, as with a link.
    """
    _, module, cls = lesson_views()[key]
    view = getattr(importlib.import_module(module), cls)(session=session, lang=lang)
    location = Location(search=("?" + urlencode(query)) if query else "")
    view.sync_url(location, lang=False, drop_defaults=True)
    if hasattr(view, "set_input"):      # views that look at "the current digit" follow the drawing
        if session.drawing is not None:
            view.set_input(session.drawing)
        session.param.watch(lambda e, v=view: v.set_input(e.new), "drawing")
    return view, location


def _row(*objects):
    """A row that wraps (a FlexBox: on a phone its items go on several lines, never widen the page)."""
    return pn.FlexBox(*objects, flex_wrap="wrap", align_items="center", sizing_mode="stretch_width")


def _settings_text(query, lang, t):
    if not query:
        return t("lesson_defaults")
    return shorten(", ".join(f"{k}={v}" for k, v in query.items()), 90)


def _default_text(view, name):
    """A setting's default as ``Location.sync`` writes it in the query."""
    value = view.param[name].default
    try:
        value = view.param[name].serialize(value)
    except Exception:
        pass
    return value if isinstance(value, str) else json.dumps(value)


class LessonView(View):
    """The Lesson view (see the module docstring).

    State: ``lesson`` (the link code of the lesson, ``""`` when empty or too long for a link),
    ``step`` (1-based), ``play``, ``presenter``. The lesson itself is ``model`` (a
    :class:`~app.views.lesson.format.Lesson`).
    """

    lesson = param.String(default="", doc="The lesson as a link code (app.views.lesson.format.to_code).")
    step = param.Integer(default=1, bounds=(1, MAX_STEPS), doc="The step shown, 1 = the first.")
    play = param.Boolean(default=False, doc="Playing: one step at a time, full screen.")
    presenter = param.Boolean(default=False, doc="The presenter window: this step's and the next step's notes.")
    fills_page = param.Boolean(default=False, doc="Playing (not in the URL): the page's header and the "
                                                  "playground's navigation make way for the stage.")

    url_params = ("lesson", "step", "play", "presenter")
    embed_size = (1280, 860)

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.model = Lesson()
        self._code = ""             # the model's link code ('' = empty or too long)
        self._full_code = ""        # the code even when too long
        self._previous = None       # the lesson before the last open, for "back"
        self._message = None        # (kind, key, fields) or (kind, LessonError, key) of the status box
        self._previews = {}         # view key -> (view, location, layout)
        self._stage = {}            # step index -> (signature, view, panel)
        self._shown = False         # the preview is built once the page shows the builder

        pane = dict(stylesheets=[_CSS], margin=(0, 10))
        card = theme.card()
        self.status = Notice("", alert_type="info", visible=False, css_classes=["cnn-lesson-status"])
        self.remote = LessonRemote(margin=0)
        self.remote.param.watch(self._on_remote_step, "step")

        # -- building ------------------------------------------------------------------
        self.heading = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.intro = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.title_w = pn.widgets.TextInput(max_length=MAX_TITLE, sizing_mode="stretch_width", max_width=520, margin=(4, 10))
        self.title_w.param.watch(self._on_title, "value")
        self.view_w = pn.widgets.Select(width=300, margin=(4, 10))
        self.view_w.param.watch(lambda e: self._show_preview(e.new), "value")
        self.add_w = pn.widgets.Button(button_type="primary", width=320, margin=(24, 10, 4, 10))
        self.add_w.on_click(lambda e: self.add_current())
        self.add_hint = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.link_w = pn.widgets.TextInput(max_length=4000, sizing_mode="stretch_width", max_width=520, min_width=240,
                                          margin=(4, 10))
        self.add_link_w = pn.widgets.Button(button_type="default", width=320, margin=(24, 10, 4, 10))
        self.add_link_w.on_click(lambda e: self.add_link(self.link_w.value_input or self.link_w.value))
        self.add_heading = pn.pane.HTML("", **pane)
        self.preview = pn.Column(sizing_mode="stretch_width", margin=(0, 0))
        self.steps_heading = pn.pane.HTML("", **pane)
        self.steps_list = pn.Column(sizing_mode="stretch_width", margin=0)
        self.share_heading = pn.pane.HTML("", **pane)
        self.play_w = pn.widgets.Button(button_type="primary", width=300, margin=(6, 10))
        self.play_w.js_on_click(code=_FULLSCREEN_JS)
        self.play_w.on_click(lambda e: self.start(1))
        self.presenter_link = pn.pane.HTML("", **pane)
        self.share_title = pn.pane.HTML("", **pane)
        self.share_w = pn.widgets.TextAreaInput(value="", rows=3, sizing_mode="stretch_width", max_width=440,
                                                max_length=MAX_CODE_CHARS + 2000,
                                                css_classes=["cnn-lesson-share"], margin=(4, 10))
        self.copy_w = pn.widgets.Button(button_type="default", width=200, margin=(4, 10))
        self.copy_w.js_on_click(args={"area": self.share_w}, code="""
            if (navigator.clipboard) { navigator.clipboard.writeText(area.value).catch(() => {}) }""")
        self.share_len = pn.pane.HTML("", sizing_mode="stretch_width", max_width=440, **pane)
        self.download_w = pn.widgets.FileDownload(callback=self._file, filename="lesson.json", button_type="default",
                                                  width=300, margin=(6, 10))
        self.upload_title = pn.pane.HTML("", **pane)
        self.upload_w = FileUpload(accept=".json,application/json", max_bytes=MAX_FILE_BYTES, lang=self.lang,
                                   margin=(0, 10))
        self.upload_w.param.watch(lambda e: self.open_file(self.upload_w.filename, e.new), "value")
        self.upload_w.param.watch(self._on_refused, "refused")
        self.examples_w = pn.widgets.Select(width=300, margin=(4, 10))
        self.example_w = pn.widgets.Button(button_type="default", width=200, margin=(24, 10, 4, 10))
        self.example_w.on_click(lambda e: self.open_example(self.examples_w.value))
        self.restore_w = pn.widgets.Button(button_type="warning", width=300, margin=(4, 10), visible=False)
        self.restore_w.on_click(lambda e: self.restore())
        self.new_w = pn.widgets.Button(button_type="light", width=200, margin=(4, 10))
        self.new_w.on_click(lambda e: self.replace(Lesson()))
        self.builder = pn.Column(
            self.heading, self.intro, self.title_w,
            pn.FlexBox(pn.Column(self.steps_heading, self.steps_list, width=720, **card),
                       pn.Column(self.share_heading, self.play_w, self.presenter_link, self.share_title,
                                 self.share_w, self.copy_w, self.share_len, self.download_w, self.upload_title,
                                 self.upload_w, _row(self.examples_w, self.example_w), self.restore_w, self.new_w,
                                 width=480, **card),
                       flex_wrap="wrap", align_items="flex-start", sizing_mode="stretch_width"),
            pn.Column(self.add_heading, self.add_hint, _row(self.view_w, self.add_w),
                      _row(self.link_w, self.add_link_w), sizing_mode="stretch_width", **card),
            self.preview, sizing_mode="stretch_width")

        # -- playing -----------------------------------------------------------------------
        self.play_title = pn.pane.HTML("", **pane)
        self.counter = pn.pane.HTML("", **pane)
        big = [".bk-btn { font-size: 18px; min-height: 40px; }"]     # read and hit from a lectern
        self.prev_w = pn.widgets.Button(button_type="default", width=160, margin=(4, 6), stylesheets=big)
        self.next_w = pn.widgets.Button(button_type="primary", width=160, margin=(4, 6), stylesheets=big)
        self.prev_w.on_click(lambda e: self.go(self.step - 1))
        self.next_w.on_click(lambda e: self.go(self.step + 1))
        self.projector_w = pn.widgets.Checkbox(value=True, margin=(14, 10))
        self.projector_w.param.watch(lambda e: self._on_projector(), "value")
        self.fullscreen_w = pn.widgets.Button(button_type="light", width=160, margin=(4, 6))
        self.fullscreen_w.js_on_click(code=_FULLSCREEN_JS)
        self.exit_w = pn.widgets.Button(button_type="light", width=200, margin=(4, 6))
        self.exit_w.js_on_click(code="if (document.fullscreenElement) document.exitFullscreen().catch(() => {});")
        self.exit_w.on_click(lambda e: setattr(self, "play", False))
        self.play_presenter = pn.pane.HTML("", **pane)
        self.keys_hint = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.note = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.stage = pn.Column(sizing_mode="stretch_width", margin=0)
        self.player = pn.Column(
            _row(self.play_title, self.counter, self.prev_w, self.next_w, self.projector_w, self.fullscreen_w,
                 self.play_presenter, self.exit_w),
            pn.Column(self.note, sizing_mode="stretch_width", **card),
            self.stage, self.keys_hint, sizing_mode="stretch_width", visible=False)

        # -- presenter window ----------------------------------------------------------------
        self.pres_heading = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.pres_now = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.pres_next = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.pres_prev_w = pn.widgets.Button(button_type="default", width=180, margin=(4, 6), stylesheets=big)
        self.pres_next_w = pn.widgets.Button(button_type="primary", width=180, margin=(4, 6), stylesheets=big)
        self.pres_prev_w.on_click(lambda e: self.go(self.step - 1))
        self.pres_next_w.on_click(lambda e: self.go(self.step + 1))
        self.pres_help = pn.pane.HTML("", sizing_mode="stretch_width", **pane)
        self.presenter_view = pn.Column(
            self.pres_heading, _row(self.pres_prev_w, self.pres_next_w),
            pn.Column(self.pres_now, sizing_mode="stretch_width", **card),
            pn.Column(self.pres_next, sizing_mode="stretch_width", **card), self.pres_help,
            sizing_mode="stretch_width", visible=False)

        self.param.watch(self._on_state, ["lesson", "step", "play", "presenter"])
        if self.lesson:
            self._open_code(self.lesson)
        self._fill_view_menu()
        self.relabel()
        self._on_state()

    # -- the lesson ---------------------------------------------------------------------------
    def replace(self, lesson, keep_previous=True):
        """Make ``lesson`` the lesson here (the one before can be brought back once)."""
        if keep_previous and self.model.steps:
            self._previous = self.model
        self.model = lesson
        self._stage_clear()
        with self.quietly():
            self.title_w.value = lesson.title
        self.restore_w.visible = self._previous is not None
        self._changed()
        if self.step > max(1, len(lesson.steps)):
            self.step = max(1, len(lesson.steps))

    def restore(self):
        if self._previous is not None:
            previous, self._previous = self._previous, None
            self.replace(previous, keep_previous=False)
            self._say(None, None)

    def _changed(self, structure=True):
        """The lesson changed: its code (the URL), the steps list, the share and play parts."""
        self._full_code = to_code(self.model) if self.model.steps or self.model.title else ""
        self._code = self._full_code if len(self._full_code) <= MAX_CODE_CHARS else ""
        if self.lesson != self._code:
            self.lesson = self._code
        self.remote.param.update(count=len(self.model.steps), channel=channel_name(self._code) if self._code else "")
        if structure:
            self._fill_steps()
        self._fill_share()
        self._refresh_play()

    def _on_title(self, event):
        if self._updating:
            return
        self.model.title = " ".join((event.new or "").split())[:MAX_TITLE]
        self._changed(structure=False)

    def _on_state(self, *events):
        names = {e.name for e in events}
        if "lesson" in names and self.lesson != self._code:
            self._open_code(self.lesson)
        if self.model.steps and self.step > len(self.model.steps):
            self.step = len(self.model.steps)
            return
        if self.remote.step != self.step - 1:
            self.remote.step = self.step - 1
        self._refresh_mode()

    def _open_code(self, code):
        with self.guard():
            try:
                lesson = from_code(code)
            except LessonError as exc:
                self._say("danger", "lesson_link_error", error=exc)
                self._code = code      # not read again; the lesson here stays
                return
            self.replace(lesson, keep_previous=False)

    # -- building -------------------------------------------------------------------------------
    def _fill_view_menu(self):
        options = {self.t(title): key for key, (title, _, _) in lesson_views().items()}
        value = self.view_w.value if self.view_w.value in options.values() else "conv"
        with self.quietly():
            self.view_w.options = options
            self.view_w.value = value

    def _show_preview(self, key, query=None, fresh=False):
        """Build (once) and show the view ``key`` that "Add this view" reads."""
        if self._updating and query is None:
            return
        if self.play or self.presenter:
            return
        if fresh:
            self._previews.pop(key, None)
        if key not in self._previews:
            with self.guard():
                view, location = build_step_view(key, query or {}, self.session, self.lang)
                self._previews[key] = (view, location, view.__panel__())
        if key in self._previews:
            self.preview.objects = [self._previews[key][2]]
        if self.view_w.value != key:
            with self.quietly():
                self.view_w.value = key

    def current_step(self):
        """The preview's view as a step: its key and the settings changed from its defaults."""
        key = self.view_w.value
        if key not in self._previews:
            self._show_preview(key)
        _, location, _ = self._previews[key]
        return Step(view=key, query=clean_query(dict(parse_qsl(location.search.lstrip("?"), keep_blank_values=True))))

    def add_current(self):
        """Add the view set up in the preview as the last step."""
        self._add(self.current_step)

    def add_link(self, link):
        """Add the view of a pasted link (``…/conv?kernel=5``, ``…/playground?view=conv&conv_kernel=5``)."""
        def make():
            step = step_from_link(link)
            self._show_preview(step.view, step.query, fresh=True)
            return step
        if self._add(make):
            self.link_w.value = ""

    def _add(self, make):
        with self.guard():
            try:
                step = self.model.add(make())
            except LessonError as exc:
                self._say("danger", None, error=exc)
                return False
            self._changed()
            self._say("success", "lesson_added", n=len(self.model.steps), view=self._view_name(step.view))
            return True
        return False

    def move(self, index, offset):
        self.model.move(index, offset)
        self._stage_clear()
        self._changed()

    def delete(self, index):
        before = Lesson(self.model.title, list(self.model.steps))
        self.model.remove(index)
        self._previous = before
        self.restore_w.visible = True
        self._stage_clear()
        self._changed()
        self._say("info", "lesson_deleted", n=index + 1)

    def use_preview(self, index):
        """Step ``index`` shows the view set up in the preview now (its notes stay)."""
        step = self.current_step()
        old = self.model.steps[index]
        self.model.steps[index] = Step(step.view, step.query, old.note_en, old.note_zh)
        self._stage_clear()
        self._changed()

    def show(self, index):
        """Put step ``index``'s view, as the step has it, in the preview."""
        step = self.model.steps[index]
        self._show_preview(step.view, step.query, fresh=True)

    def set_note(self, index, lang, text):
        step = self.model.steps[index]
        text = (text or "").replace("\r\n", "\n").strip()[:MAX_NOTE]
        if lang == "zh":
            step.note_zh = text
        else:
            step.note_en = text
        self._changed(structure=False)

    def _fill_steps(self):
        if not self.model.steps:
            self.steps_list.objects = [pn.pane.HTML(f"<div class='ls-hint'>{html.escape(self.t('lesson_no_steps'))}</div>",
                                                    stylesheets=[_CSS], margin=(0, 10))]
            return
        self.steps_list.objects = [self._step_card(i, step) for i, step in enumerate(self.model.steps)]

    def _step_card(self, i, step):
        n = len(self.model.steps)
        head = pn.pane.HTML(
            f"<div class='ls-step' data-testid='lesson-step' data-n='{i + 1}' data-view='{html.escape(step.view)}'>"
            f"<b>{html.escape(self.t('lesson_step_label', n=i + 1))} · {html.escape(self._view_name(step.view))}</b>"
            f"<br><span class='ls-q'>{plain_html(_settings_text(step.query, self.lang, self.t))}</span></div>",
            stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        small = dict(button_type="light", margin=(2, 3), stylesheets=[".bk-btn { font-size: 14px; padding: 2px 8px; }"])
        up = pn.widgets.Button(name=self.t("lesson_up"), disabled=i == 0, **small)
        down = pn.widgets.Button(name=self.t("lesson_down"), disabled=i == n - 1, **small)
        delete = pn.widgets.Button(name=self.t("lesson_delete"), **small)
        show = pn.widgets.Button(name=self.t("lesson_show"), **small)
        replace = pn.widgets.Button(name=self.t("lesson_replace"), **small)
        play = pn.widgets.Button(name=self.t("lesson_play_from"), **small)
        play.js_on_click(code=_FULLSCREEN_JS)
        up.on_click(lambda e, i=i: self.move(i, -1))
        down.on_click(lambda e, i=i: self.move(i, 1))
        delete.on_click(lambda e, i=i: self.delete(i))
        show.on_click(lambda e, i=i: self.show(i))
        replace.on_click(lambda e, i=i: self.use_preview(i))
        play.on_click(lambda e, i=i: self.start(i + 1))
        notes = []
        for lang, key in (("en", "lesson_note_en"), ("zh", "lesson_note_zh")):
            area = pn.widgets.TextAreaInput(
                name=f"{self.t(key)} ({self.t('lesson_step_label', n=i + 1)})",
                value=step.note_en if lang == "en" else step.note_zh, rows=2, max_length=MAX_NOTE,
                placeholder=self.t("lesson_note_placeholder"), sizing_mode="stretch_width", margin=(2, 10))
            area.param.watch(lambda e, i=i, lang=lang: self.set_note(i, lang, e.new), "value")
            notes.append(area)
        return pn.Column(head, _row(up, down, show, replace, play, delete), *notes, sizing_mode="stretch_width",
                         styles={"border-top": "1px solid #D9E2EC"}, margin=(4, 0))

    # -- files and links -------------------------------------------------------------------------
    def _file(self):
        return io.BytesIO(self.model.to_file())

    def _file_name(self):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.model.title).strip("-").lower()[:40]
        return f"{slug or 'lesson'}.lesson.json"

    def open_file(self, name, data):
        """Open a lesson file (what "Open a lesson file" does with the file chosen)."""
        if data is None:
            return
        with self.guard():
            try:
                lesson = from_json(data)
            except LessonError as exc:
                self._say("danger", "lesson_file_error", error=exc, name=shorten(name or "", 60))
                return
            self.replace(lesson)
            self.step = 1
            self._say("success", "lesson_opened_file", name=shorten(name or "", 60),
                      title=shorten(lesson.title or self.t("lesson_untitled"), 80), n=len(lesson.steps))

    def _on_refused(self, event):
        if event.new:
            self._say("danger", "lesson_file_refused", name=shorten(event.new.get("name", ""), 60),
                      size=int(event.new.get("size", 0)), limit=MAX_FILE_BYTES)

    def open_example(self, key):
        if key not in EXAMPLES:
            return
        lesson = example(key)
        self.replace(lesson)
        self.step = 1
        self._say("success", "lesson_opened_example", title=lesson.title)

    def lesson_url(self, absolute=True, **extra):
        """The URL of the lesson page with this lesson (``''`` if it is too long for a link)."""
        if not self._code:
            return ""
        query = {"lesson": self._code, **extra}
        if self.lang == "zh":
            query["lang"] = "zh"
        location = pn.state.location
        path = getattr(location, "pathname", "") or ""
        page = "lesson.html" if path.endswith(".html") else "lesson"
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        if absolute and location is not None and getattr(location, "hostname", ""):
            port = f":{location.port}" if location.port else ""
            base = f"{location.protocol or 'http:'}//{location.hostname}{port}{folder}{page}"
        else:
            base = page
        return f"{base}?{urlencode(query)}"

    def _fill_share(self):
        self.download_w.filename = self._file_name()
        size = len(self._full_code)
        if self._full_code and not self._code:
            self.share_w.value = ""
            text = self.t("lesson_link_too_long", size=size, limit=MAX_CODE_CHARS)
            self.share_len.object = f"<div class='ls-len'>{html.escape(text)}</div>"
        else:
            self.share_w.value = self.lesson_url()
            text = self.t("lesson_link_length", size=size, limit=MAX_CODE_CHARS)
            self.share_len.object = f"<div class='ls-len'>{html.escape(text)}</div>" if self._code else ""
        self.play_w.disabled = not self.model.steps
        self.download_w.disabled = not self.model.steps
        link = self._presenter_html()
        self.presenter_link.object = link
        self.play_presenter.object = link

    def _presenter_html(self):
        url = self.lesson_url(absolute=False, step=self.step, presenter="true")
        if not self.model.steps:
            return ""
        if not url:
            return f"<div class='ls-len'>{html.escape(self.t('lesson_presenter_no_link'))}</div>"
        return (f"<div class='ls-link'><a data-testid='lesson-presenter-link' href='{html.escape(url, quote=True)}' "
                f"target='cnn-lesson-presenter' rel='noopener' title='{html.escape(self.t('lesson_presenter_tip'), quote=True)}'>"
                f"{html.escape(self.t('lesson_presenter'))} ↗</a></div>")

    # -- playing ----------------------------------------------------------------------------------
    def sync_url(self, location=None, prefix="", lang=True, drop_defaults=True):
        """:meth:`View.sync_url`, leaving out what a fresh lesson page has (``step=1``, ``play=false``,
        ...): the link of a lesson opened before the sync still names the lesson."""
        location = location if location is not None else pn.state.location
        super().sync_url(location, prefix=prefix, lang=lang)
        if location is None or not drop_defaults:
            return
        fresh = {name: _default_text(self, name) for name in self.url_params}
        tidy = functools.partial(_drop_start_values, self, location, self._url_names, fresh)
        tidy()
        self.param.watch(tidy, list(fresh))

    def start(self, step=1):
        """Play the lesson from ``step``."""
        if not self.model.steps:
            return
        self.step = min(max(1, step), len(self.model.steps))
        self._say(None, None)          # the builder's last message does not go on the screen
        self.play = True

    def go(self, step):
        if self.model.steps:
            self.step = min(max(1, step), len(self.model.steps))

    def _on_remote_step(self, event):
        if self.model.steps:
            self.go(event.new + 1)

    def _on_projector(self):
        self._stage_clear()
        self._refresh_mode()

    def _stage_clear(self):
        self._stage = {}
        self.stage.objects = []

    def _mode(self):
        url = lecture_mode()
        return LectureMode(embed=False, controls=url.controls, explain=url.explain,
                           projector=bool(self.projector_w.value) or url.projector)

    def _refresh_mode(self):
        playing = self.play and not self.presenter
        self.builder.visible = not self.play and not self.presenter
        self.player.visible = playing
        self.fills_page = playing
        self.presenter_view.visible = self.presenter
        classes = ["cnn-embed"] + (["cnn-projector"] if self.projector_w.value else [])
        self.remote.param.update(active=bool(self.play or self.presenter), page_classes=classes if playing else [],
                                 clock=self.t("lesson_clock") if self.presenter else "")
        if self._shown and self.builder.visible and not self.preview.objects:
            self._show_preview(self.view_w.value)
        self._refresh_play()

    def _refresh_play(self):
        steps, n = self.model.steps, min(self.step, max(1, len(self.model.steps)))
        total = len(steps)
        title = self.model.title or self.t("lesson_untitled")
        self.play_title.object = f"<div class='ls-title'>{plain_html(shorten(title, 60))}</div>"
        shown = n if total else 0
        self.counter.object = (f"<div class='ls-counter' data-testid='lesson-counter' data-step='{shown}' "
                               f"data-total='{total}'>{html.escape(self.t('lesson_counter', n=shown, total=total))}</div>")
        self.prev_w.disabled = self.pres_prev_w.disabled = n <= 1
        self.next_w.disabled = self.pres_next_w.disabled = n >= total
        self.play_presenter.object = self.presenter_link.object = self._presenter_html()
        if not total:
            self.note.object = f"<div class='ls-note' data-testid='lesson-note'>{html.escape(self.t('lesson_empty_play'))}</div>"
            self.pres_now.object = f"<div class='ls-note'>{html.escape(self.t('lesson_empty_play'))}</div>"
            self.pres_next.object = ""
            return
        step = steps[n - 1]
        note = step.note(self.lang) or self.t("lesson_no_note")
        self.note.object = f"<div class='ls-note' data-testid='lesson-note'>{plain_html(note)}</div>"
        if self.presenter:
            self._fill_presenter(steps, n, title)
        if self.play and not self.presenter:
            self._show_stage(n - 1)

    def _fill_presenter(self, steps, n, title):
        step = steps[n - 1]
        self.pres_heading.object = (f"<div class='ls-title'>{html.escape(self.t('lesson_presenter_heading'))} · "
                                    f"{plain_html(shorten(title, 60))}</div>" + self.counter.object)
        self.pres_now.object = (
            f"<div data-testid='lesson-presenter-now' data-step='{n}'><div class='ls-counter'>"
            f"{html.escape(self.t('lesson_presenter_now', n=n, view=self._view_name(step.view)))}</div>"
            f"<div class='ls-note'>{plain_html(step.note(self.lang) or self.t('lesson_no_note'))}</div></div>")
        if n < len(steps):
            after = steps[n]
            self.pres_next.object = (
                f"<div data-testid='lesson-presenter-next' data-step='{n + 1}'><div class='ls-counter'>"
                f"{html.escape(self.t('lesson_presenter_next', n=n + 1, view=self._view_name(after.view)))}</div>"
                f"<div class='ls-next'>{plain_html(after.note(self.lang) or self.t('lesson_no_note'))}</div></div>")
        else:
            self.pres_next.object = (f"<div data-testid='lesson-presenter-next' data-step='0' class='ls-next'>"
                                     f"{html.escape(self.t('lesson_presenter_end'))}</div>")

    def _show_stage(self, index):
        step = self.model.steps[index]
        signature = (step.view, tuple(step.query.items()), bool(self.projector_w.value))
        if index not in self._stage or self._stage[index][0] != signature:
            with self.guard():
                view, _ = build_step_view(step.view, step.query, self.session, self.lang)
                panel = pn.Column(_layout_of(view, self._mode()), sizing_mode="stretch_width", visible=False)
                self._stage[index] = (signature, view, panel)
                self.stage.objects = [p for _, _, p in self._stage.values()]
        for i, (_, _, panel) in self._stage.items():
            panel.visible = i == index

    # -- texts -------------------------------------------------------------------------------------
    def _view_name(self, key):
        title = lesson_views().get(key, (key,))[0]
        return self.t(title)

    def _say(self, kind, key, error=None, **fields):
        """Show a message (``kind`` None: hide it); it follows the language."""
        self._message = None if kind is None else (kind, key, error, fields)
        if kind is None:
            self.status.visible = False
            return
        message = error.message(self.lang) if error is not None else ""
        if key is None:
            text = message
        else:
            text = self.t(key, **fields, **({"message": message} if error is not None else {}))
        self.status.alert_type = kind
        self.status.object = text
        self.status.visible = True

    def relabel(self):
        t = self.t
        h = lambda text: f"<div class='ls-h'><b>{html.escape(text)}</b></div>"  # noqa: E731
        self.heading.object = h(t("lesson_heading"))
        self.intro.object = f"<div class='ls-intro'>{html.escape(t('lesson_intro'))}</div>"
        self.title_w.name = t("lesson_title")
        self.title_w.placeholder = t("lesson_title_placeholder")
        self.add_heading.object = h(t("lesson_add_heading"))
        self.add_hint.object = f"<div class='ls-hint'>{html.escape(t('lesson_add_hint'))}</div>"
        self.view_w.name = t("lesson_view_pick")
        self.add_w.name = t("lesson_add")
        self.link_w.name = t("lesson_link")
        self.link_w.placeholder = t("lesson_link_placeholder")
        self.add_link_w.name = t("lesson_add_link")
        self.steps_heading.object = h(t("lesson_steps_heading"))
        self.share_heading.object = h(t("lesson_share_heading"))
        self.play_w.name = t("lesson_play")
        self.share_title.object = f"<b>{html.escape(t('lesson_share_link'))}</b>"
        self.share_w.name = ""
        self.copy_w.name = t("lesson_copy")
        self.download_w.label = t("lesson_download")
        self.upload_title.object = f"<b>{html.escape(t('lesson_open_file'))}</b>"
        self.upload_w.lang = self.lang
        self.upload_w.label = t("lesson_open_file")
        self.examples_w.name = t("lesson_examples")
        self.examples_w.options = {EXAMPLES[k]["title"]: k for k in EXAMPLES}
        if self.examples_w.value not in EXAMPLES:
            self.examples_w.value = next(iter(EXAMPLES))
        self.example_w.name = t("lesson_open_example")
        self.restore_w.name = t("lesson_restore")
        self.new_w.name = t("lesson_new")
        self.prev_w.name = self.pres_prev_w.name = t("lesson_prev")
        self.next_w.name = self.pres_next_w.name = t("lesson_next")
        self.projector_w.name = t("lesson_projector")
        self.fullscreen_w.name = t("lesson_fullscreen")
        self.exit_w.name = t("lesson_exit")
        self.keys_hint.object = f"<div class='ls-hint'>{html.escape(t('lesson_keys'))}</div>"
        self.pres_help.object = f"<div class='ls-hint'>{html.escape(t('lesson_presenter_help'))}</div>"
        self._fill_view_menu()
        for view, _, _ in self._previews.values():
            view.lang = self.lang
        for _, view, _ in self._stage.values():
            view.lang = self.lang
        self._fill_steps()
        self._fill_share()
        self._refresh_mode()
        if self._message is not None:
            kind, key, error, fields = self._message
            self._say(kind, key, error=error, **fields)

    def __panel__(self):
        self._shown = True
        self._refresh_mode()
        return pn.Column(self._error, self.status, self.remote, self.builder, self.player, self.presenter_view,
                         sizing_mode="stretch_width")


# Full screen needs the click itself (a request made later, from Python, is refused by the browser).
_FULLSCREEN_JS = """
const root = document.documentElement;
if (!document.fullscreenElement && root.requestFullscreen) { root.requestFullscreen().catch(() => {}); }
"""
