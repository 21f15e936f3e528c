"""Checking a link's settings one by one, before a view applies them.

Panel's ``Location.sync`` applies a URL's values all at once: one bad value (``?brush=huge``)
and none of them is applied, with no word of why. :func:`url_problems` checks each value
against its ``param`` parameter instead, so the good ones are applied, each bad one falls
back to the view's default, and the page can say which setting was ignored and what it allows.
"""
import math
from dataclasses import dataclass

import param

from .i18n import add_strings, t
from .text import shorten

__all__ = ["UrlProblem", "url_problems", "allowed_values"]

add_strings({
    "url_bad_value": {
        "en": "The link's setting {name}={value} was ignored: {name} must be {allowed}. Using {default} instead.",
        "zh": "链接中的设置 {name}={value} 已被忽略：{name} 必须是{allowed}。改用 {default}。"},
    "url_not_applied": {"en": "the link's settings could not be applied: {names}",
                        "zh": "无法应用链接中的设置：{names}"},
    "url_allowed_int_range": {"en": "a whole number from {lo} to {hi}", "zh": "从 {lo} 到 {hi} 的整数"},
    "url_allowed_int_min": {"en": "a whole number of at least {lo}", "zh": "不小于 {lo} 的整数"},
    "url_allowed_int": {"en": "a whole number", "zh": "整数"},
    "url_allowed_number_range": {"en": "a number from {lo} to {hi}", "zh": "从 {lo} 到 {hi} 的数"},
    "url_allowed_number_min": {"en": "a number of at least {lo}", "zh": "不小于 {lo} 的数"},
    "url_allowed_number": {"en": "a finite number", "zh": "有限的数"},
    "url_allowed_choice": {"en": "one of {choices}", "zh": "以下之一：{choices}"},
    "url_allowed_bool": {"en": "true or false", "zh": "true 或 false"},
    "url_allowed_other": {"en": "a valid value", "zh": "有效的值"},
})

MAX_CHOICES_NAMED = 12


@dataclass(frozen=True)
class UrlProblem:
    """One URL value that cannot be applied: ``name`` (as in the URL), the ``value`` given."""

    name: str
    parameter: str
    value: object

    def message(self, view):
        """The explanation in ``view``'s language (plain text: the value is quoted as typed)."""
        par = view.param[self.parameter]
        return t("url_bad_value", view.lang, name=self.name, value=repr(shorten(self.value)),
                 allowed=allowed_values(par, view.lang), default=shorten(_shown(getattr(view, self.parameter))))


def _shown(value):
    return "none" if value is None else value


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def allowed_values(par, lang):
    """What ``par`` (a ``param`` parameter) accepts, in words: "a whole number from 4 to 48"."""
    if isinstance(par, param.Boolean):
        return t("url_allowed_bool", lang)
    if isinstance(par, (param.Selector, param.ObjectSelector)) and not isinstance(par, param.ListSelector):
        objects = list(par.objects.values()) if isinstance(par.objects, dict) else list(par.objects or [])
        names = ", ".join(str(o) for o in objects[:MAX_CHOICES_NAMED]) + (", …" if len(objects) > MAX_CHOICES_NAMED else "")
        return t("url_allowed_choice", lang, choices=names) if objects else t("url_allowed_other", lang)
    if isinstance(par, param.Number):
        kind = "int" if isinstance(par, param.Integer) else "number"
        lo, hi = par.bounds or (None, None)
        if lo is not None and hi is not None:
            return t(f"url_allowed_{kind}_range", lang, lo=_number(lo), hi=_number(hi))
        if lo is not None:
            return t(f"url_allowed_{kind}_min", lang, lo=_number(lo))
        return t(f"url_allowed_{kind}", lang)
    return t("url_allowed_other", lang)


def _acceptable(par, value):
    """Whether ``value`` (as Panel parsed it from the URL) is one ``par`` takes."""
    if isinstance(value, str):
        try:
            value = par.deserialize(value)
        except Exception:  # Panel keeps the string as it is; so do we
            pass
    if isinstance(par, param.Number) and not isinstance(value, bool):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
    try:
        par._validate(value)
    except Exception:
        return False
    return True


def url_problems(view, mapping, query):
    """The :class:`UrlProblem` of each ``query`` value (URL name -> value, as Panel parses it)
    that ``view``'s parameter cannot take; ``mapping`` is parameter -> URL name."""
    problems = []
    for parameter, name in mapping.items():
        if name in query and not _acceptable(view.param[parameter], query[name]):
            problems.append(UrlProblem(name, parameter, query[name]))
    return problems
