"""THE list of views: the playground's navigation, the pages and the static site all read it.

One :class:`ViewSpec` per view, in the playground's navigation order. Adding a view is one
entry here plus the three-line page file ``app/pages/<key>.py`` (see DEVELOPERS.md):

* :class:`app.views.playground.view.Playground` builds its two navigation rows (``row="views"`` and
  ``row="labs"``) from :data:`VIEWS`;
* :func:`app.page.serve` makes the page ``/<key>`` from its entry (title, subtitle, deferred
  build, work to do once the page shows);
* ``scripts/build_site.py`` converts :data:`PAGES` (the playground first) and lists them, with
  their English and Chinese titles, in the site's index.

This module holds only data: it imports no view (nor Panel), so the site build reads it cheaply.
The page titles are written here only: they are merged into :mod:`app.core.i18n` under
``title_key`` when the ``app`` package is imported (a view's table that says one again fails
``add_strings``' conflict check unless it says it the same).
"""
from dataclasses import dataclass, field

from app.core.i18n import add_strings

__all__ = ["ViewSpec", "PLAYGROUND", "VIEWS", "PAGES", "spec", "BRAND_EN"]

BRAND_EN = "CNN Playground"


@dataclass(frozen=True)
class ViewSpec:
    """One page (and, but for the playground itself, one view behind the playground's navigation).

    ``key``: the page ``app/pages/<key>.py`` served at ``/<key>``, the playground's ``?view=<key>``
    and the prefix of the view's settings there (``<key>_<name>``).
    ``nav``: the string key of its navigation button; ``row``: ``"views"`` (the first row) or
    ``"labs"`` (the concept labs).
    ``module``, ``cls``: the view class (imported only when the view is built).
    ``title``: the page's title ``{"en", "zh"}`` (the site's index, the browser tab), registered
    as the string ``title_key``; ``subtitle``: the string key of the page header's line (and of
    the Embed snippet's title); default ``title_key``.
    ``defer``: the page answers at once with a spinner (and the ``loading`` string, if given)
    and builds the view once the browser has connected (for views that take seconds to build).
    ``options``: keyword arguments the page (not the playground) gives the class;
    ``later``: the name of a view method the page runs once the view shows (slow work the
    ``options`` held back, e.g. the pooling lab's statistics over 1,000 digits).
    """

    key: str
    nav: str
    module: str
    cls: str
    title_key: str
    title: dict
    row: str = "views"
    subtitle: str = ""
    defer: bool = True
    loading: str = ""
    options: dict = field(default_factory=dict)
    later: str = ""

    @property
    def page_path(self):
        """The page file, relative to the repository's root."""
        return f"app/pages/{self.key}.py"

    @property
    def strings_module(self):
        """The module of the view's own texts (``app.views.<key>.strings``)."""
        return self.module.rsplit(".", 1)[0] + ".strings"

    @property
    def header(self):
        """The string key of the page header's line."""
        return self.subtitle or self.title_key

    @property
    def tab_title(self):
        """The browser tab's title (English, as the page's name in bookmarks and history)."""
        return BRAND_EN if self.key == "playground" else f"{BRAND_EN} · {self.title['en']}"


def _view(key, nav, cls, title_key, en, zh, **extra):
    return ViewSpec(key, nav, f"app.views.{key}.view", cls, title_key, {"en": en, "zh": zh}, **extra)


PLAYGROUND = ViewSpec("playground", "", "app.views.playground.view", "Playground", "page_playground",
                      {"en": "CNN Playground (all views)", "zh": "CNN 游乐场（全部视图）"},
                      row="", subtitle="app_subtitle", defer=False)

VIEWS = (
    _view("draw", "view_draw", "DrawView", "view_draw", "Draw & predict", "手写识别", defer=False),
    _view("inside", "view_inside", "InsideView", "view_inside", "Inside the network", "网络内部",
          loading="inside_loading"),
    _view("conv", "view_conv", "ConvLab", "view_conv", "Convolution lab", "卷积实验室",
          defer=False),
    _view("train", "view_train", "TrainView", "view_train", "Train", "训练", defer=False),
    _view("classes", "nav_classes", "ClassesView", "view_classes", "Your classes", "你的类别"),
    _view("lesson", "nav_lesson", "LessonView", "view_lesson",
          "Lesson: build, play and share", "课程：编排、放映与分享"),
    # the concept labs, on the navigation's second row
    _view("pooling", "nav_pooling", "PoolingLab", "view_pooling",
          "Pooling & activations lab", "池化与激活函数实验室", row="labs",
          options={"compute_stats": False}, later="compute_stats"),
    _view("equivariance", "nav_equivariance", "EquivarianceLab", "view_equivariance",
          "Equivariance & invariance lab", "平移等变与不变实验室", row="labs"),
    _view("batchnorm", "nav_batchnorm", "BatchNormLab", "view_batchnorm",
          "BatchNorm & Dropout lab", "批量归一化与 Dropout 实验室", row="labs", defer=False),
    _view("residual", "nav_residual", "ResidualLab", "view_residual",
          "Residual learning lab", "残差学习实验室", row="labs", defer=False),
    _view("architectures", "nav_architectures", "ArchitecturesLab", "view_architectures",
          "Classic architectures lab", "经典网络结构实验室", row="labs"),
    _view("gradients", "nav_gradients", "GradientsLab", "view_gradients",
          "Gradients lab", "梯度实验室", row="labs", subtitle="grad_subtitle"),
    _view("svd", "nav_svd", "SvdLab", "view_svd", "Weights & SVD lab", "权重与奇异值分解实验室",
          row="labs"),
    _view("conv1d", "nav_conv1d", "Conv1dLab", "view_conv1d", "1-D convolution lab", "一维卷积实验室",
          row="labs", subtitle="c1d_subtitle", options={"train": False}, later="train"),
)

# Every page, in the order the site's index lists them: the playground, then its views.
PAGES = (PLAYGROUND, *VIEWS)

add_strings({s.title_key: s.title for s in PAGES})


def spec(key):
    """The entry of page ``key`` (``KeyError`` naming the known pages otherwise)."""
    for entry in PAGES:
        if entry.key == key:
            return entry
    raise KeyError(f"no view {key!r} in app/view_registry.py; known: {', '.join(s.key for s in PAGES)}")
