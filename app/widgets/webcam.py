"""A webcam that sends snapshots to Python: hold the button to capture a burst.

The browser side (a small ES module, no outside JavaScript) asks for the camera with
``navigator.mediaDevices.getUserMedia`` when the student presses *Start camera* (never on
its own), shows the video mirrored like a mirror, and on a capture cuts the middle square
of the frame, draws it at ``FRAME_SIZE x FRAME_SIZE`` on a hidden canvas (the browser's
smoothing does the shrinking) and sends its raw RGB bytes to Python, base64-encoded, with
``model.send_msg``. Raw pixels need no image decoder, so this works in the static site too.

* *Hold to capture*: a frame at once, then one every ``BURST_MS`` while the button is held
  (pointer or Space/Enter key); each arrives in Python as :meth:`Webcam.on_frame`'s
  ``("capture", frame)``, ``frame`` the base64 text (:func:`decode_frame` makes it a
  ``(FRAME_SIZE, FRAME_SIZE, 3)`` uint8 array; the view decodes it inside its error guard).
* *Predict this frame*: one frame, ``("predict", array)``.

``status`` says where the camera is: ``off``, ``starting``, ``on``, or why not: ``denied``
(the student or the browser refused), ``no_camera`` (none found), ``unsupported`` (no
camera API: an old browser or a page not served over https/localhost), ``error``
(``detail`` holds the browser's message). The view turns it into a sentence.
"""
import base64
from functools import partial

import numpy as np
import panel as pn
import param
from panel.custom import JSComponent

__all__ = ["Webcam", "decode_frame", "encode_frame", "FRAME_SIZE"]

FRAME_SIZE = 64      # what the browser sends: twice the 32x32 the network sees
BURST_MS = 150


def decode_frame(data, size=FRAME_SIZE):
    """base64 of ``size * size * 3`` RGB bytes -> ``(size, size, 3)`` uint8."""
    raw = np.frombuffer(base64.b64decode(data, validate=True), dtype=np.uint8)
    if raw.size != size * size * 3:
        raise ValueError(f"Webcam: expected {size * size * 3} bytes of RGB, got {raw.size}")
    return raw.reshape(size, size, 3)


def encode_frame(image):
    """The inverse of :func:`decode_frame` (for tests and a fake camera)."""
    return base64.b64encode(np.ascontiguousarray(image, np.uint8).tobytes()).decode("ascii")


class Webcam(JSComponent):
    """Camera preview with *Start camera*, *Hold to capture* and *Predict this frame* buttons.

    Set ``on_frame = callback(purpose, frame)`` to receive the frames (base64 text).
    """

    status = param.Selector(default="off", objects=["off", "starting", "on", "denied", "no_camera",
                                                    "unsupported", "error"])
    detail = param.String(default="", doc="The browser's message when status is 'error'.")
    capturing = param.Boolean(default=False, doc="True while the capture button is held.")
    frame_size = param.Integer(default=FRAME_SIZE, constant=True)
    burst_ms = param.Integer(default=BURST_MS, constant=True)
    start_label = param.String(default="Start camera")
    capture_label = param.String(default="Hold to capture")
    predict_label = param.String(default="Predict this frame")
    can_capture = param.Boolean(default=True, doc="False disables the capture button (e.g. class full).")

    _esm = r"""
export function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "cam";
  const video = document.createElement("video");
  video.setAttribute("playsinline", ""); video.muted = true; video.autoplay = true;
  video.setAttribute("data-testid", "webcam-video");
  const row = document.createElement("div");
  row.className = "cam-buttons";
  function button(testid) {
    const b = document.createElement("button");
    b.type = "button"; b.setAttribute("data-testid", testid);
    row.appendChild(b);
    return b;
  }
  const start = button("webcam-start"), capture = button("webcam-capture"), predict = button("webcam-predict");
  box.appendChild(video); box.appendChild(row); el.appendChild(box);

  const n = model.frame_size;
  const off = document.createElement("canvas");
  off.width = n; off.height = n;
  const octx = off.getContext("2d", { willReadFrequently: true });
  let stream = null, timer = null;

  function labels() {
    start.textContent = model.start_label;
    capture.textContent = model.capture_label;
    predict.textContent = model.predict_label;
    const on = model.status === "on";
    start.disabled = model.status === "starting" || on;
    capture.disabled = !on || !model.can_capture;
    predict.disabled = !on;
    video.style.display = on ? "block" : "none";
  }
  function frame(purpose) {
    if (!stream || !video.videoWidth) return;
    const w = video.videoWidth, h = video.videoHeight, side = Math.min(w, h);
    octx.imageSmoothingEnabled = true; octx.imageSmoothingQuality = "high";
    octx.drawImage(video, (w - side) / 2, (h - side) / 2, side, side, 0, 0, n, n);
    const rgba = octx.getImageData(0, 0, n, n).data;
    const rgb = new Uint8Array(n * n * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4) { rgb[j++] = rgba[i]; rgb[j++] = rgba[i + 1]; rgb[j++] = rgba[i + 2]; }
    let bin = "";
    for (let i = 0; i < rgb.length; i += 8192) bin += String.fromCharCode.apply(null, rgb.subarray(i, i + 8192));
    model.send_msg({ purpose: purpose, frame: btoa(bin) });
  }
  function stopBurst() {
    if (timer !== null) { clearInterval(timer); timer = null; model.capturing = false; }
  }
  function startBurst(e) {
    if (e) e.preventDefault();
    if (capture.disabled || timer !== null) return;
    // Keep the pointer: the burst goes on while the button is held, even if the page moves under it.
    if (e && e.pointerId !== undefined) capture.setPointerCapture(e.pointerId);
    model.capturing = true;
    frame("capture");
    timer = setInterval(() => { if (capture.disabled) stopBurst(); else frame("capture"); }, model.burst_ms);
  }
  capture.addEventListener("pointerdown", startBurst);
  for (const ev of ["pointerup", "pointercancel", "lostpointercapture", "blur"]) capture.addEventListener(ev, stopBurst);
  capture.addEventListener("keydown", (e) => { if ((e.key === " " || e.key === "Enter") && !e.repeat) startBurst(e); });
  capture.addEventListener("keyup", (e) => { if (e.key === " " || e.key === "Enter") stopBurst(); });
  predict.addEventListener("click", () => frame("predict"));

  start.addEventListener("click", async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      model.status = "unsupported"; return;
    }
    model.status = "starting";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
      video.srcObject = stream;
      await video.play().catch(() => {});
      model.status = "on";
    } catch (err) {
      const name = (err && err.name) || "";
      if (name === "NotAllowedError" || name === "SecurityError") model.status = "denied";
      else if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") model.status = "no_camera";
      else { model.detail = String((err && err.message) || name || err); model.status = "error"; }
    }
  });
  model.on(["status", "start_label", "capture_label", "predict_label", "can_capture"], labels);
  model.on("remove", () => { stopBurst(); if (stream) stream.getTracks().forEach((t) => t.stop()); });
  labels();
}
"""

    _stylesheets = ["""
.cam { display: flex; flex-direction: column; gap: 8px; }
.cam video { width: 256px; height: 192px; background: #1F2933; border-radius: 6px; transform: scaleX(-1); object-fit: cover; }
.cam-buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.cam button { font-size: 15px; padding: 8px 14px; border-radius: 6px; border: 1px solid #0072B2; background: #fff;
              color: #0072B2; cursor: pointer; touch-action: none; user-select: none; }
.cam button:disabled { opacity: 0.45; cursor: default; }
.cam button[data-testid="webcam-capture"] { background: #0072B2; color: #fff; }
"""]

    on_frame = None   # callback(purpose, base64 frame), set by the view

    def _handle_msg(self, msg):
        if not isinstance(msg, dict) or self.on_frame is None:
            return
        purpose = msg.get("purpose")
        if purpose not in ("capture", "predict"):
            return
        # Messages arrive outside the document's lock: on a server, run the callback on the next
        # tick of the event loop, which holds it (in Pyodide this runs at once).
        pn.state.execute(partial(self.on_frame, purpose, str(msg.get("frame", ""))), schedule=True)
