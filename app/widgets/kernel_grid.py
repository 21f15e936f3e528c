"""Two small browser widgets of the convolution labs (plain ES modules, no outside JavaScript).

* :class:`KernelGrid` - the kernel as a grid of number inputs, one grid per
  input channel, each cell tinted by its sign and size (orange negative,
  white zero, purple positive, like the ``SIGNED`` colormap). A cell is
  committed on Enter or when it loses focus; ``values`` then holds the new
  kernel. Tab moves from cell to cell.
* :class:`KeyShortcuts` - keyboard control of the sliding-window animation
  while the lab is on screen: Space plays/pauses, arrow keys step, Home/End
  jump to the first/last position. Keys typed into inputs, sliders and
  selects are left alone. Each key press calls the ``on_action`` callbacks
  with ``"toggle"``, ``"next"``, ``"prev"``, ``"down"``, ``"up"``, ``"first"``
  or ``"last"``.
"""
import param
from panel.custom import JSComponent

__all__ = ["KernelGrid", "KeyShortcuts", "ACTIONS"]

ACTIONS = ("toggle", "next", "prev", "down", "up", "first", "last")


class KernelGrid(JSComponent):
    """An editable ``C x k x k`` kernel: ``values[c][u][v]`` is the weight of channel ``c``, row ``u``, column ``v``.

    Cells have ``data-testid="kernel-cell-<c>-<u>-<v>"`` and an aria-label built
    from ``cell_label`` (``{channel}``, ``{row}``, ``{col}`` are filled in).
    """

    values = param.List(default=[[[0.0]]], doc="The kernel, channels x rows x columns.")
    channel_names = param.List(default=[""], doc="A title above each channel's grid.")
    cell_label = param.String(default="{channel} row {row}, column {col}", doc="Accessible name of a cell.")

    _esm = r"""
function tint(v, m) {
  if (!m || !Number.isFinite(v) || v === 0) return "#ffffff";
  const t = Math.min(1, Math.abs(v) / m) * 0.55;
  const c = v < 0 ? [230, 97, 1] : [94, 60, 153];     // PuOr ends: orange (-), purple (+)
  const mix = c.map((x) => Math.round(255 + (x - 255) * t));
  return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
}
function fmt(v) { return String(Number(v.toFixed(3))); }

export function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "kgrid-root";
  el.appendChild(root);
  let inputs = [];
  let shape = "";

  function build() {
    root.innerHTML = "";
    inputs = [];
    const vals = model.values;
    vals.forEach((channel, c) => {
      const box = document.createElement("fieldset");
      box.className = "kgrid-channel";
      const legend = document.createElement("legend");
      legend.textContent = model.channel_names[c] || "";
      if (!legend.textContent) legend.className = "kgrid-empty";
      box.appendChild(legend);
      const grid = document.createElement("div");
      grid.className = "kgrid";
      grid.style.gridTemplateColumns = `repeat(${channel.length}, var(--kcell, 58px))`;
      inputs.push([]);
      channel.forEach((row, u) => {
        inputs[c].push([]);
        row.forEach((_, v) => {
          const input = document.createElement("input");
          input.type = "number";
          input.step = "0.1";
          input.className = "kcell";
          input.setAttribute("data-testid", `kernel-cell-${c}-${u}-${v}`);
          input.setAttribute("aria-label", model.cell_label
            .replace("{channel}", model.channel_names[c] || "").replace("{row}", u + 1).replace("{col}", v + 1).trim());
          input.addEventListener("change", () => commit(c, u, v, input));
          input.addEventListener("keydown", (e) => { if (e.key === "Enter") commit(c, u, v, input); });
          grid.appendChild(input);
          inputs[c][u].push(input);
        });
      });
      box.appendChild(grid);
      root.appendChild(box);
    });
    shape = JSON.stringify(vals.map((ch) => [ch.length, ch.length ? ch[0].length : 0]));
    paint();
  }

  function paint() {
    const vals = model.values;
    let m = 0;
    vals.forEach((ch) => ch.forEach((row) => row.forEach((x) => { m = Math.max(m, Math.abs(x)); })));
    vals.forEach((ch, c) => ch.forEach((row, u) => row.forEach((x, v) => {
      const input = inputs[c][u][v];
      input.value = fmt(x);
      input.title = String(x);
      input.style.background = tint(x, m);
      input.classList.remove("bad");
    })));
  }

  function commit(c, u, v, input) {
    const x = parseFloat(input.value);
    if (!Number.isFinite(x)) { input.classList.add("bad"); return; }
    if (x === model.values[c][u][v]) return;
    const vals = model.values.map((ch) => ch.map((row) => row.slice()));
    vals[c][u][v] = x;
    model.values = vals;
  }

  model.on("values", () => {
    const now = JSON.stringify(model.values.map((ch) => [ch.length, ch.length ? ch[0].length : 0]));
    if (now !== shape) build(); else paint();
  });
  model.on("channel_names", build);
  model.on("cell_label", build);
  build();
}
"""

    _stylesheets = ["""
.kgrid-root { display: flex; flex-wrap: wrap; gap: 10px; }
.kgrid-channel { border: 1px solid #CBD2D9; border-radius: 8px; padding: 4px 8px 8px; margin: 0; }
.kgrid-channel legend { font-size: 15px; font-weight: 600; padding: 0 4px; }
.kgrid-channel legend.kgrid-empty { display: none; }
.kgrid { display: grid; gap: 3px; }
.kcell { width: var(--kcell, 58px); height: 36px; box-sizing: border-box; font-size: 15px; text-align: right;
  font-variant-numeric: tabular-nums; border: 1px solid #9AA5B1; border-radius: 4px; padding: 2px 4px;
  -moz-appearance: textfield; color: #1F2933; }
.kcell::-webkit-inner-spin-button, .kcell::-webkit-outer-spin-button { -webkit-appearance: none; margin: 0; }
.kcell:focus-visible { outline: 3px solid var(--cnn-focus, #E69F00); outline-offset: 1px; }
.kcell.bad { border: 2px solid #D55E00; }
"""]


class KeyShortcuts(JSComponent):
    """Keyboard control of the animation; shows ``hint`` (which keys do what) as text."""

    hint = param.String(default="", doc="The text shown, e.g. 'Keys: Space play/pause, arrows step'.")

    _esm = r"""
const KEYS = { " ": "toggle", "ArrowRight": "next", "ArrowLeft": "prev", "ArrowDown": "down",
               "ArrowUp": "up", "Home": "first", "End": "last" };
const SKIP = 'input, textarea, select, [role="slider"], [role="tab"], [role="listbox"], [contenteditable="true"], .noUi-handle';

export function render({ model, el }) {
  const hint = document.createElement("div");
  hint.className = "keys-hint";
  hint.setAttribute("data-testid", "conv-keys-hint");
  hint.textContent = model.hint;
  el.appendChild(hint);
  model.on("hint", () => { hint.textContent = model.hint; });

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const action = KEYS[e.key];
    if (!action || !el.isConnected || el.getClientRects().length === 0) return;   // not on screen
    const path = e.composedPath().slice(0, 8);
    if (path.some((n) => n instanceof Element && n.matches(SKIP))) return;
    const target = path[0];
    if (action === "toggle" && target instanceof Element && target.closest("button, [role='button']")) return;
    e.preventDefault();
    model.send_msg({ action });
  }
  document.addEventListener("keydown", onKey);
  model.on("remove", () => document.removeEventListener("keydown", onKey));
}
"""

    _stylesheets = [".keys-hint { font-size: 14px; color: #52606D; }"]

    def __init__(self, **params):
        super().__init__(**params)
        self._callbacks = []

    def on_action(self, callback):
        """Call ``callback(action)`` on every key press (see :data:`ACTIONS`)."""
        self._callbacks.append(callback)

    def _handle_msg(self, msg):
        action = (msg or {}).get("action")
        if action in ACTIONS:
            for callback in self._callbacks:
                callback(action)
