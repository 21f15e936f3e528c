"""What every view shares: language, the session's models, URL state, error messages.

A view subclasses :class:`View`, lists the params to keep in the URL in
``url_params``, builds its widgets in ``__init__`` and re-labels them in
``relabel()``, which runs whenever ``lang`` changes (state is kept: only
the texts change). Work that may fail runs inside ``with self.guard():``,
which shows a message in the page instead of a traceback.

Lecture mode (``?embed=1``, ``?controls=0``, ``?explain=0``, ``?theme=projector``; see
:mod:`app.core.lecture`) applies to every view by itself: whatever a subclass's
``__panel__`` returns goes through :meth:`View.lecture_layout`, which hides the widgets
(controls) and the ``explain*``/``explanation*`` attributes (explanations) the URL asks to
hide and enlarges the Bokeh figures for a projector. ``embed_size`` is the view's iframe size.
"""
import contextlib
import functools
import json
import logging
from urllib.parse import parse_qsl, urlencode

import panel as pn
import param

from cnncore.errors import StateDictError

import app.widgets  # noqa: F401  (every browser component exists before a page's first render)
from app.core import lecture
from app.core.engine_strings import engine_message
from app.core.i18n import LANGUAGES, choose_language, t
from app.core.responsive import fit_layout
from app.core.session import SessionState
from app.core.text import Notice
from app.core.url_check import UrlProblem, explain, sync_checked

__all__ = ["View", "ComingSoon", "language_switch", "detect_language", "run_locked"]

log = logging.getLogger("cnn_playground")


def detect_language(location=None, headers=None):
    """``?lang=`` from the URL, else the browser's Accept-Language, else English."""
    location = location if location is not None else pn.state.location
    headers = headers if headers is not None else (pn.state.headers or {})
    query = (location.query_params if location is not None else {}) or {}
    accept = next((v for k, v in headers.items() if k.lower() == "accept-language"), None)
    return choose_language(query.get("lang"), accept)


def run_locked(action, *args):
    """Run a click's or a widget's action on the server's next tick, with the page's document locked.

    An action that redraws Bokeh figures directly (the Train view's plots, the builder's rows) and
    arrives right after another widget change may be handled with the document unlocked; Bokeh
    then refuses the change ("_pending_writes should be non-None"). Without a server (tests, the
    notebook) the action runs at once.
    """
    pn.state.execute(lambda: action(*args), schedule=True)


def language_switch(target):
    """A two-button English/中文 switch bound both ways to ``target.lang``."""
    switch = pn.widgets.RadioButtonGroup(
        options={name: code for code, name in LANGUAGES.items()}, value=target.lang,
        color="light", variant="outline", label="Language / 语言",
        stylesheets=[":host { --surface-color: transparent; } .bk-btn { font-size: 16px; min-width: 84px; }"],
        margin=(8, 10))
    def to_target(event):
        # Everything the language changes (the view, the page's header, the URL) goes to the
        # browser as one patch: each patch makes the browser lay the whole page out again.
        with pn.io.hold():
            target.lang = event.new

    switch.param.watch(to_target, "value")
    target.param.watch(lambda event: setattr(switch, "value", event.new), "lang")
    return switch


class View(pn.viewable.Viewer):
    """Base class of the playground's views (see the module docstring)."""

    lang = param.Selector(default="en", objects=list(LANGUAGES), doc="Language of every label.")
    url_params = ()   # params kept in the URL query, besides lang
    embed_size = (1100, 760)   # width, height (px) of the view's <iframe> embed snippet

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        layout = cls.__dict__.get("__panel__")
        if layout is not None and not getattr(layout, "_lecture", False):
            @functools.wraps(layout)
            def __panel__(self):
                return self.lecture_layout(layout(self))
            __panel__._lecture = True
            cls.__panel__ = __panel__

    def lecture_layout(self, layout, mode=None):
        """``layout`` with the URL's lecture mode applied (a no-op without lecture flags), fitted
        to phones, wide windows and projectors (:func:`app.core.responsive.fit_layout`)."""
        try:
            mode = mode if mode is not None else lecture.lecture_mode()
            return fit_layout(lecture.apply_lecture_mode(self, layout, mode), mode)
        except Exception:   # lecture mode must never break a view
            log.exception("lecture mode could not be applied to %s", type(self).__name__)
            return layout

    def __init__(self, session=None, **params):
        wanted = params.pop("model", None) if self.model_inputs else None
        super().__init__(**params)
        self.session = session if session is not None else SessionState()
        self._error = Notice("", alert_type="danger", visible=False, sizing_mode="stretch_width")
        self._url_problems = []   # the link's settings that could not be applied (shown until changed)
        self._loops = {}          # callback -> its PeriodicCallback (start_loop)
        self._updating = False    # the view is setting its own widgets (quietly): bound widgets do not answer
        self.param.watch(lambda event: self._relabel(), "lang")
        if self.model_inputs:
            self._start_with_model(wanted)

    def t(self, key, **fields):
        """``key`` in this view's language."""
        return t(key, self.lang, **fields)

    def _relabel(self):
        # One patch for the page, not one per text (each patch makes the browser lay the page
        # out again). Not hold(freeze=True): a model made while the document is frozen has no
        # document yet, and Panel then points its stylesheets at the CDN (an outside request).
        with self.guard(), pn.io.hold():
            self.relabel()

    def relabel(self):
        """Set every text to the current ``lang`` (subclasses)."""

    # The inputs of the models the view offers in its ``model`` param and ``model_select`` picker
    # (``"digit"``, ``"photo"``): the view starts with the model its ``model=`` names, if the session
    # has it (:meth:`_start_with_model`). Empty: the view chooses its models itself.
    model_inputs = ()

    def _start_with_model(self, wanted):
        """Offer the session's models in the ``model`` param and start with ``wanted`` (e.g. from
        the URL) if it is one of them, else the session's default model; quietly (no watcher runs).
        A model registered later (trained in Train or Your classes) is offered as it comes
        (:meth:`_refresh_models`; the view's picker is ``model_select``)."""
        self.param.model.objects = self.session.keys_for(self.model_inputs)
        with param.parameterized.discard_events(self):
            self.model = wanted if wanted in self.param.model.objects else self.session.default
        self.session.param.watch(lambda event: self._refresh_models(), ["keys", "photo_keys"])

    def _refresh_models(self):
        """Offer the session's models that take ``model_inputs`` in the ``model`` param and the
        ``model_select`` picker, which keeps showing the chosen one."""
        self.param.model.objects = self.session.keys_for(self.model_inputs)
        self.model_select.options = self.session.options(self.lang, self.model_inputs)
        self.model_select.value = self.model

    @property
    def entry(self):
        """The chosen model's :class:`~app.core.session.ModelEntry` (views with a ``model`` param)."""
        return self.session.entry(self.model)

    @property
    def is_photo(self):
        """Does the chosen model take a colour picture (3 x 32 x 32)?"""
        return self.entry.input == "photo"

    # -- widgets and params ------------------------------------------------
    def bind(self, widget, target, accept=lambda value: value is not None, event="value"):
        """The one way a widget reaches the view's state: a student's change of ``widget.value``
        (or of ``event``, e.g. ``"value_throttled"``) goes through :meth:`set_by_student`."""
        widget.param.watch(lambda e: self.set_by_student(target, e.new, accept), event)

    def set_by_student(self, target, value, accept=lambda value: value is not None):
        """Set the param ``target`` (or call ``target(value)``) as a student's widget or click asks,
        inside :meth:`guard`. Values ``accept`` refuses (``None``: an emptied picker) are left
        alone, and so is everything while the view sets its own widgets (:meth:`quietly`)."""
        if self._updating or not accept(value):
            return
        with self.guard():
            if callable(target):
                target(value)
            elif getattr(self, target) != value:
                setattr(self, target, value)

    @contextlib.contextmanager
    def quietly(self):
        """Set widgets (and params) without the view reacting to its own changes: :meth:`bind`
        ignores them, and a view's watchers check ``self._updating``."""
        updating, self._updating = self._updating, True
        try:
            yield
        finally:
            self._updating = updating

    def set_quietly(self, **values):
        """Set params without the view reacting (the caller redraws)."""
        with self.quietly():
            self.param.update(**values)

    # -- clicks and periodic work ------------------------------------------
    def on_clicks(self, *pairs):
        """Each ``(button, action)``: a click runs ``action()`` with the page's document locked
        (:func:`run_locked`), as every action that redraws Bokeh figures must."""
        for button, action in pairs:
            button.on_click(lambda event, action=action: run_locked(action))

    def start_loop(self, callback, period_ms):
        """Call ``callback`` every ``period_ms`` milliseconds until :meth:`stop_loop` (training,
        the sliding-window animation, a curve computed a point at a time). Starting a stopped
        loop resumes it; returns Panel's ``PeriodicCallback``."""
        loop = self._loops.get(callback)
        if loop is None:
            loop = self._loops[callback] = pn.state.add_periodic_callback(callback, period=period_ms, start=False)
        loop.period = period_ms
        if not loop.running:
            loop.start()
        return loop

    def stop_loop(self, callback):
        """Stop calling ``callback`` (:meth:`start_loop` resumes it)."""
        loop = self._loops.get(callback)
        if loop is not None and loop.running:
            loop.stop()

    # -- errors ------------------------------------------------------------
    @contextlib.contextmanager
    def guard(self):
        """Run a block; on an exception show its message in the page (logged, not raised)."""
        try:
            yield
        except (ValueError, StateDictError) as exc:   # bad input, refused with a message: no traceback
            log.warning("%s refused: %s", type(self).__name__, exc)
            self.show_error(exc)
        except Exception as exc:  # the page shows a message, the server log the traceback
            log.exception("error in %s", type(self).__name__)
            self.show_error(exc)
        else:
            self._show_url_problems()

    def show_error(self, exc):
        """Show ``exc``'s message in the page, as plain text (it may quote a URL value or a file)."""
        message = engine_message(str(exc), self.lang) or type(exc).__name__
        self._error.object = self.t("error", message=message)
        self._error.alert_type = "danger"
        self._error.visible = True

    def _show_url_problems(self):
        """Show which of the link's settings were ignored (until the student changes them), else nothing."""
        if self._url_problems:
            self._error.object = explain(self._url_problems, self.lang)
            self._error.alert_type = "warning"
        self._error.visible = bool(self._url_problems)

    # -- URL state ---------------------------------------------------------
    def sync_url(self, location=None, prefix="", lang=True, drop_defaults=False):
        """Keep ``url_params`` (as ``prefix + name``) and ``lang`` in the URL query.

        Values already in the URL are applied first, so a shared link restores the view.
        ``drop_defaults``: leave out every setting still at the value the view started with
        (a missing one means that value), so a link names only what was changed.
        """
        location = location if location is not None else pn.state.location
        if location is None:
            return
        mapping = {name: prefix + name for name in self.url_params}
        self._url_names = mapping
        start = {name: _query_text(self, name) for name in mapping} if drop_defaults else {}
        if lang:
            mapping["lang"] = "lang"
        sync_checked(self, location, mapping, self.report_url_problems)
        if start:   # watched after location.sync's own watcher, so it tidies the query that one wrote
            tidy = functools.partial(_drop_start_values, self, location, mapping, start)
            tidy()
            self.param.watch(tidy, list(start))

    def ignore_url_value(self, parameter, value, allowed):
        """Report a link's ``parameter`` value that only the view can tell is unusable (the view
        has already put a good value in its place); ``allowed`` says what it takes, in words."""
        name = getattr(self, "_url_names", {}).get(parameter, parameter)
        self.report_url_problems([UrlProblem(name, parameter, value, self, allowed)])

    def report_url_problems(self, problems):
        """Say which of the link's settings were ignored (each kept its default), until the
        student changes that setting."""
        problems = [p for p in problems if p not in self._url_problems]
        if not problems:
            return
        self._url_problems = self._url_problems + problems
        for owner in {id(p.owner): p.owner for p in problems}.values():
            owner.param.watch(self._url_setting_changed, [p.parameter for p in problems if p.owner is owner])
        self._show_url_problems()

    def _url_setting_changed(self, event):
        self._url_problems = [p for p in self._url_problems if (p.owner, p.parameter) != (event.obj, event.name)]
        if not self._url_problems and self._error.alert_type == "warning":
            self._error.visible = False


def _query_text(view, name):
    """A setting as ``Location.sync`` writes it in the query (serialized; JSON if not a string)."""
    value = getattr(view, name)
    try:
        value = view.param[name].serialize(value)
    except Exception:
        pass
    return value if isinstance(value, str) else json.dumps(value)


def _drop_start_values(view, location, mapping, start, *events):
    """Remove from the query every setting of ``view`` that equals its starting value."""
    query = dict(parse_qsl(location.search.lstrip("?"), keep_blank_values=True))
    names = {key: name for name, key in mapping.items() if name in start}
    kept = {k: v for k, v in query.items() if k not in names or _query_text(view, names[k]) != start[names[k]]}
    if kept != query:
        # Location's own flag for "writing the query, do not read it back": read back now, a value
        # the query has not caught up with yet (another setting changing at this moment) is undone.
        location._syncing, syncing = True, location._syncing
        try:
            location.search = "?" + urlencode(kept) if kept else ""
        finally:
            location._syncing = syncing


class ComingSoon(View):
    """A placeholder for a view that is not built yet."""

    def __init__(self, title_key, **params):
        super().__init__(**params)
        self.title_key = title_key
        self._text = pn.pane.Markdown(sizing_mode="stretch_width")
        self.relabel()

    def relabel(self):
        self._text.object = f"### {self.t(self.title_key)}\n\n{self.t('coming_soon')}"

    def __panel__(self):
        return self._text
