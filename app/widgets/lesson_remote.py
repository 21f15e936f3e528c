"""The lesson's remote control in the browser: keys and clickers, the presenter window, the projector.

:class:`LessonRemote` is invisible. While ``active``:

* → PageDown Space go to the next step, ← PageUp Shift+Space to the previous one, Home and
  End to the first and last (presentation clickers send PageDown/PageUp). The keys are taken
  before any view sees them (a view's own arrow keys wait until the lesson stops playing);
  typing in a text field or moving a slider is left alone;
* ``page_classes`` go on the page's ``<html>`` (``cnn-projector``: large type; ``cnn-embed``:
  no page header), and come off again when ``active`` ends.

Always: the windows of one lesson (the lesson and its presenter window, in the same browser)
keep the same ``step`` through a ``BroadcastChannel`` named ``channel``: a step taken in one is
taken in the other. A window that opens asks the others where they are and follows them.
With ``clock`` (a label) it shows the time since the window opened (the presenter window's
clock; a click starts it again); otherwise it takes no room. This
runs in the browser only, so it works the same with ``panel serve`` and in the static site.
"""
import param
from panel.custom import JSComponent

__all__ = ["LessonRemote"]


class LessonRemote(JSComponent):
    """Keys, clicker and window sync of a lesson (see the module docstring)."""

    step = param.Integer(default=0, bounds=(0, None), doc="The step shown (0-based), shared by the windows.")
    count = param.Integer(default=0, bounds=(0, None), doc="How many steps the lesson has.")
    channel = param.String(default="", doc="The BroadcastChannel of this lesson ('' = no sync).")
    active = param.Boolean(default=False, doc="Keys move through the steps (the lesson is playing).")
    page_classes = param.List(default=[], item_type=str, doc="Classes of <html> while active.")
    clock = param.String(default="", doc="Shows the time since the window opened after this label ('' = hidden); "
                                         "a click starts it again.")

    _esm = r"""
const NEXT = new Set(["ArrowRight", "PageDown"]);
const PREV = new Set(["ArrowLeft", "PageUp"]);
const SKIP = 'input, textarea, select, [role="slider"], [role="listbox"], [contenteditable="true"], .noUi-handle';

export function render({ model, el }) {
  const clock = document.createElement("button");
  clock.type = "button";
  clock.setAttribute("data-testid", "lesson-clock");
  clock.style.cssText = "font: inherit; font-size: 20px; font-variant-numeric: tabular-nums; border: 0; " +
    "background: transparent; color: #1F2933; cursor: pointer; padding: 2px 10px;";
  el.appendChild(clock);
  let started = Date.now();
  const tick = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    clock.textContent = `${model.clock} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  const show = () => { el.style.display = model.clock ? "" : "none"; tick(); };
  const timer = setInterval(tick, 1000);
  clock.addEventListener("click", () => { started = Date.now(); tick(); });
  show();
  model.on("clock", show);
  const me = Math.random().toString(36).slice(2);
  let channel = null;
  let heard = null;              // the step another window just told us (not sent back)

  const go = (step) => {
    const last = Math.max(0, model.count - 1);
    step = Math.min(Math.max(step, 0), last);
    if (step !== model.step) model.step = step;
  };
  const open = () => {
    if (channel) channel.close();
    channel = null;
    if (!model.channel || typeof BroadcastChannel === "undefined") return;
    channel = new BroadcastChannel(model.channel);
    channel.onmessage = (event) => {
      const msg = event.data || {};
      if (msg.from === me) return;
      if (msg.type === "hello") channel.postMessage({ type: "step", step: model.step, from: me });
      else if (msg.type === "step" && Number.isInteger(msg.step) && msg.step !== model.step) {
        heard = msg.step;          // not sent back when the change arrives (it may arrive later)
        go(msg.step);
      }
    };
    channel.postMessage({ type: "hello", from: me });
  };
  open();
  model.on("channel", open);
  model.on("step", () => {
    if (model.step === heard) { heard = null; return; }
    heard = null;
    if (channel) channel.postMessage({ type: "step", step: model.step, from: me });
  });

  const onKey = (e) => {
    if (!model.active || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const path = e.composedPath().slice(0, 8);
    if (path.some((n) => n instanceof Element && n.matches(SKIP))) return;
    let delta = null;
    if (e.key === " ") {
      if (path[0] instanceof Element && path[0].closest("button, [role='button']")) return;  // the button's own Space
      delta = e.shiftKey ? -1 : 1;
    } else if (NEXT.has(e.key)) delta = 1;
    else if (PREV.has(e.key)) delta = -1;
    else if (e.key === "Home") delta = -Infinity;
    else if (e.key === "End") delta = Infinity;
    if (delta === null) return;
    e.preventDefault();
    e.stopImmediatePropagation();          // the view on the stage does not step too
    go(delta === -Infinity ? 0 : delta === Infinity ? model.count - 1 : model.step + delta);
  };
  window.addEventListener("keydown", onKey, true);

  let added = [];
  const classes = () => {
    const root = document.documentElement;
    for (const c of added) root.classList.remove(c);
    added = [];
    if (!model.active) return;
    for (const c of model.page_classes) {
      if (!root.classList.contains(c)) { root.classList.add(c); added.push(c); }
    }
    window.dispatchEvent(new Event("resize"));    // Bokeh lays the figures out again
  };
  classes();
  model.on(["active", "page_classes"], classes);
  model.on("remove", () => {
    clearInterval(timer);
    window.removeEventListener("keydown", onKey, true);
    if (channel) channel.close();
    for (const c of added) document.documentElement.classList.remove(c);
  });
}
"""
