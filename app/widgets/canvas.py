"""A drawing canvas: white ink on black, for mouse, finger and pen.

The browser side is a small ES module (no outside JavaScript): pointer
events draw round strokes on a 280x280 ``<canvas data-testid="draw-canvas">``
and keep the stroke history for undo. When a stroke ends (``pointerup``)
the canvas is shrunk to ``image_size`` x ``image_size`` grey pixels and sent
to Python as base64 bytes in ``image``, with the number of ``strokes``.
Python can ``clear()``, ``undo()`` and ``set_image(array)`` (for "start from a
sample" buttons).

Keyboard: the canvas takes focus (Tab); Ctrl+Z (or Cmd+Z) undoes a stroke,
Delete or Backspace clears.
"""
import base64

import numpy as np
import param
from panel.custom import JSComponent

__all__ = ["DrawingCanvas", "encode_image", "decode_image"]

IMAGE_SIZE = 112   # what the browser sends: 4 x 28, small and plenty for a 28x28 input


def encode_image(array, size=IMAGE_SIZE):
    """A 2-D image (0-1 floats or 0-255) -> base64 of ``size*size`` uint8, nearest-neighbour scaled.

    Shape:
        - array: ``(H, W)``
    """
    x = np.asarray(array, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"DrawingCanvas: expected a 2-D grey image, got shape {x.shape}")
    if x.max(initial=0) <= 1.0:
        x = x * 255.0
    rows = np.arange(size) * x.shape[0] // size
    cols = np.arange(size) * x.shape[1] // size
    grey = np.clip(np.rint(x[rows][:, cols]), 0, 255).astype(np.uint8)   # (H, W) -> (size, size)
    return base64.b64encode(grey.tobytes()).decode("ascii")


def decode_image(data, size=IMAGE_SIZE):
    """base64 of ``size*size`` uint8 -> ``(size, size)`` uint8 array; ``""`` -> all zeros."""
    if not data:
        return np.zeros((size, size), np.uint8)
    raw = np.frombuffer(base64.b64decode(data), dtype=np.uint8)
    if raw.size != size * size:
        raise ValueError(f"DrawingCanvas: expected {size * size} pixels, got {raw.size}")
    return raw.reshape(size, size)


class DrawingCanvas(JSComponent):
    """A canvas to draw a digit on; ``image`` holds the drawing, ``""`` when blank.

    Watch ``image`` to react to every finished stroke; read ``array`` for the pixels.
    """

    image = param.String(default="", doc="base64 of image_size*image_size grey bytes, row by row; '' when blank.")
    image_size = param.Integer(default=IMAGE_SIZE, constant=True, doc="Side of the image sent to Python.")
    strokes = param.Integer(default=0, doc="Strokes on the canvas (a loaded sample counts as none).")
    brush_width = param.Integer(default=20, bounds=(2, 60), doc="Pen width in canvas pixels (the canvas is 280 wide).")
    label = param.String(default="Drawing canvas", doc="Accessible name of the canvas (aria-label).")

    _esm = r"""
const SIZE = 280;   // drawing resolution in canvas pixels

function decode(b64, n) {
  const bin = atob(b64);
  const off = document.createElement("canvas");
  off.width = n; off.height = n;
  const octx = off.getContext("2d");
  const img = octx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const v = bin.charCodeAt(i);
    img.data[4 * i] = v; img.data[4 * i + 1] = v; img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
  }
  octx.putImageData(img, 0, 0);
  return off;
}

export function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.width = SIZE; canvas.height = SIZE;
  canvas.className = "draw-canvas";
  canvas.setAttribute("data-testid", "draw-canvas");
  canvas.setAttribute("tabindex", "0");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", model.label);
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");

  let base = null;     // a loaded sample, drawn under the strokes
  let strokes = [];    // finished strokes: {width, points: [[x, y], ...]}
  let current = null;  // the stroke being drawn

  function segment(width, a, b) {
    ctx.strokeStyle = "#fff"; ctx.fillStyle = "#fff";
    ctx.lineWidth = width; ctx.lineCap = "round"; ctx.lineJoin = "round";
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
  }
  function drawStroke(s) {
    const p = s.points;
    if (p.length === 1) { segment(s.width, p[0], p[0]); return; }
    ctx.strokeStyle = "#fff"; ctx.lineWidth = s.width; ctx.lineCap = "round"; ctx.lineJoin = "round";
    ctx.beginPath(); ctx.moveTo(p[0][0], p[0][1]);
    for (let i = 1; i < p.length; i++) ctx.lineTo(p[i][0], p[i][1]);
    ctx.stroke();
  }
  function redraw() {
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, SIZE, SIZE);
    if (base) { ctx.imageSmoothingEnabled = true; ctx.drawImage(base, 0, 0, SIZE, SIZE); }
    strokes.forEach(drawStroke);
  }
  function send() {
    const n = model.image_size;
    model.strokes = strokes.length;
    if (!strokes.length && !base) { model.image = ""; return; }
    const off = document.createElement("canvas");
    off.width = n; off.height = n;
    const octx = off.getContext("2d");
    octx.imageSmoothingEnabled = true; octx.imageSmoothingQuality = "high";
    octx.drawImage(canvas, 0, 0, n, n);
    const rgba = octx.getImageData(0, 0, n, n).data;
    const grey = new Uint8Array(n * n);
    for (let i = 0; i < n * n; i++) grey[i] = rgba[4 * i];
    let bin = "";
    for (let i = 0; i < grey.length; i += 8192) bin += String.fromCharCode.apply(null, grey.subarray(i, i + 8192));
    model.image = btoa(bin);
  }
  function at(e) {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * SIZE / r.width, (e.clientY - r.top) * SIZE / r.height];
  }

  canvas.addEventListener("pointerdown", (e) => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    canvas.focus({ preventScroll: true, focusVisible: false });
    canvas.setPointerCapture(e.pointerId);
    current = { width: model.brush_width, points: [at(e)] };
    drawStroke(current);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!current) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of (events.length ? events : [e])) {
      const p = at(ev);
      segment(current.width, current.points[current.points.length - 1], p);
      current.points.push(p);
    }
  });
  const finish = () => {
    if (!current) return;
    strokes.push(current); current = null; send();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); }
    else if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); clear(); }
  });

  function undo() {
    if (strokes.length) strokes.pop(); else base = null;
    redraw(); send();
  }
  function clear() { base = null; strokes = []; redraw(); send(); }

  model.on("msg:custom", (msg) => {
    if (msg.type === "clear") clear();
    else if (msg.type === "undo") undo();
    else if (msg.type === "load") { base = decode(msg.image, msg.size); strokes = []; redraw(); }
  });
  model.on("label", () => canvas.setAttribute("aria-label", model.label));

  // A re-rendered view (e.g. after a layout change) starts from the last image.
  if (model.image) base = decode(model.image, model.image_size);
  redraw();
}
"""

    _stylesheets = ["""
.draw-canvas {
  display: block; width: 100%; height: 100%; aspect-ratio: 1 / 1;
  background: #000; border-radius: 10px; cursor: crosshair;
  touch-action: none; user-select: none; -webkit-user-select: none;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.35);
}
.draw-canvas:focus-visible { outline: 4px solid var(--cnn-focus, #E69F00); outline-offset: 3px; }
"""]

    def __init__(self, **params):
        params.setdefault("width", 300)
        params.setdefault("height", 300)
        super().__init__(**params)

    @property
    def array(self):
        """The drawing as ``(image_size, image_size)`` uint8, 0 black to 255 white ink."""
        return decode_image(self.image, self.image_size)

    @property
    def is_blank(self):
        return not self.image

    def clear(self):
        """Wipe the canvas (and its undo history)."""
        self.param.update(image="", strokes=0)
        self._send_msg({"type": "clear"})

    def undo(self):
        """Remove the last stroke (the browser sends the new image back)."""
        self._send_msg({"type": "undo"})

    def set_image(self, array):
        """Show ``array`` (2-D grey, 0-1 or 0-255, white on black) as the drawing to start from."""
        data = encode_image(array, self.image_size)
        self.param.update(image=data, strokes=0)
        self._send_msg({"type": "load", "image": data, "size": self.image_size})
