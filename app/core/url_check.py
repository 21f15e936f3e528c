"""Checking a link's settings one by one, before a view applies them.

Panel's ``Location.sync`` applies a URL's values all at once: one bad value (``?brush=huge``)
and none of them is applied, with no word of why. :func:`url_problems` checks each value
against its ``param`` parameter instead, so the good ones are applied, each bad one falls
back to the view's default, and the page can say which setting was ignored and what it allows.
"""
import math
from dataclasses import dataclass
from urllib.parse import urlencode

import param

from app.core.i18n import add_strings, t
from app.core.text import shorten

__all__ = ["UrlProblem", "url_problems", "sync_checked", "allowed_values", "explain"]

add_strings({
    "url_ignored": {"en": "This link has settings this page cannot use; each was ignored and keeps its default:",
                    "zh": "链接中有本页无法使用的设置，已被忽略并保留默认值："},
    "url_bad_value": {"en": "• {name} = {value}: must be {allowed} (now {default})",
                      "zh": "• {name} = {value}：必须是{allowed}（现为 {default}）"},
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
    """One URL value that cannot be applied: ``name`` (as in the URL), the ``value`` given, and
    the ``owner`` whose ``parameter`` keeps its default instead. ``allowed``: what it takes, in
    words, where the parameter cannot tell (e.g. the layers of the model shown)."""

    name: str
    parameter: str
    value: object
    owner: object
    allowed: str = ""

    def message(self, lang):
        """The explanation in ``lang`` (plain text: the value is quoted as typed)."""
        par = self.owner.param[self.parameter]
        return t("url_bad_value", lang, name=self.name, value=repr(shorten(self.value, 40)),
                 allowed=self.allowed or allowed_values(par, lang), default=shorten(_shown(getattr(self.owner, self.parameter))))


def explain(problems, lang):
    """The message for the page: a heading line, then one line per ignored setting."""
    return "\n".join([t("url_ignored", lang)] + [p.message(lang) for p in problems])


def _shown(value):
    return "none" if value is None else value


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def allowed_values(par, lang):
    """What ``par`` (a ``param`` parameter) accepts, in words: "a whole number from 4 to 48"."""
    if isinstance(par, param.Boolean):
        return t("url_allowed_bool", lang)
    if _is_choice(par):
        objects = _choices(par)
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
    try:                 # as Panel does, whatever the type (?layer=3 arrives as the number 3)
        value = par.deserialize(value)
    except Exception:    # Panel keeps the value as it is; so do we
        pass
    if isinstance(par, param.Number) and not isinstance(value, bool):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
    if _is_choice(par) and value not in _choices(par):   # (even where the view set check_on_set=False)
        return par.allow_None and value is None
    try:
        par._validate(value)
    except Exception:
        return False
    return True


def _is_choice(par):
    return isinstance(par, (param.Selector, param.ObjectSelector)) and not isinstance(par, param.ListSelector)


def _choices(par):
    return list(par.objects.values()) if isinstance(par.objects, dict) else list(par.objects or [])


def url_problems(owner, mapping, query):
    """The :class:`UrlProblem` of each ``query`` value (URL name -> value, as Panel parses it)
    that ``owner``'s parameter cannot take; ``mapping`` is parameter -> URL name."""
    problems = []
    for parameter, name in mapping.items():
        if name in query and not _acceptable(owner.param[parameter], query[name]):
            problems.append(UrlProblem(name, parameter, query[name], owner))
    return problems


def sync_checked(owner, location, mapping, report):
    """``location.sync(owner, mapping)``, applying each URL value ``owner`` can take and
    calling ``report(problems)`` with a :class:`UrlProblem` for each one it cannot.

    Bad values are dropped from the URL first (``owner`` keeps its defaults). The browser may
    send the page's original URL again once it has connected; Panel then applies those values
    all at once and, on the first bad one, applies none: they are applied here one by one instead.
    """
    query = location.query_params
    problems = url_problems(owner, mapping, query)
    if problems:
        bad = {p.name for p in problems}
        rest = {k: v for k, v in query.items() if k not in bad}
        location.search = "?" + urlencode(rest) if rest else ""

    def one_by_one(values):
        good = {k: v for k, v in values.items() if _acceptable(owner.param[k], v)}
        refused = [UrlProblem(mapping[k], k, v, owner) for k, v in values.items() if k not in good]
        try:
            owner.param.update(**good)     # together, as Panel would have (watchers see them at once)
        except Exception:
            for parameter, value in good.items():
                try:
                    setattr(owner, parameter, value)
                except Exception:   # a rule beyond the parameter's type and bounds
                    refused.append(UrlProblem(mapping[parameter], parameter, value, owner))
        report(refused)

    location.sync(owner, mapping, on_error=one_by_one)
    report(problems)
