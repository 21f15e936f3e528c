"""A file picker that refuses a too-large file in the browser, before any byte is sent.

Panel 1.9.4's ``FileInput`` has no size limit: it reads the whole file and sends it to Python
as base64 in one websocket message, and a file over the server's message limit (Bokeh's
default is 20 MB) closes the connection: the page freezes without a word. Here the browser
looks at the file's size first. A file over ``max_bytes`` is refused on the spot (Python
hears only its name and size, in ``refused``); a smaller one is read and sent, and lands in
``value`` (bytes) with its ``filename``. An empty file arrives as ``b""``. The button and the
"no file chosen" text are the page's (in ``lang``), not the browser's.

With ``decode_images=True`` (pages without Pillow: the static site) the browser decodes each
picture file itself: ``createImageBitmap(file, {imageOrientation: "from-image"})`` (EXIF
rotation honoured, colour profiles ignored as Pillow does), drawn on an ``OffscreenCanvas``;
a longer side above ``max_side`` (1024) is shrunk there with the canvas's high-quality smoothing
(``imageSmoothingQuality = "high"``). Python then gets the RGBA pixels, the picture's size and
the file's name (an :class:`app.core.image_input.BrowserPicture` in ``value``), not the bytes. The
picture's size is read from its header first (an ``<img>``, which decodes no pixel): one over
``max_pixels`` (Pillow's decompression-bomb limit) is not decoded. A file the browser cannot
decode (not an image, cut off, TIFF) arrives as a ``BrowserPicture`` with ``problem`` set.
"""
import base64

import param
from panel.custom import JSComponent

from app.core.i18n import LANGUAGES, add_strings, t
from app.core.image_input import MAX_PIXELS, MAX_SIDE, BrowserPicture

__all__ = ["FileUpload"]

add_strings({
    "upload_choose": {"en": "Choose a file…", "zh": "选择文件…"},
    "upload_choose_many": {"en": "Choose files…", "zh": "选择文件…"},
    "upload_none": {"en": "No file chosen", "zh": "未选择文件"},
    "upload_many": {"en": "{n} files", "zh": "{n} 个文件"},
})


class FileUpload(JSComponent):
    """A labelled button that opens a hidden ``<input type="file" data-testid="file-upload">``,
    beside the name of the last file chosen; watch ``value`` and ``refused``.

    The browser's own file button is not used: its text ("Choose File", "No file chosen")
    follows the browser's language, not the page's. Here both come from :mod:`app.core.i18n` in
    ``lang``. ``multiple=True``: several files at once, at most ``max_bytes`` together; ``value``
    and ``filename`` are then lists (as Panel's ``FileInput``).
    """

    accept = param.String(default="", doc="File types offered, e.g. '.npz'.")
    max_bytes = param.Integer(default=10 * 2 ** 20, doc="Larger files are refused in the browser.")
    multiple = param.Boolean(default=False, doc="Several files at once (value and filename are lists).")
    lang = param.Selector(default="en", objects=list(LANGUAGES), doc="Language of the button.")
    label = param.String(default="", doc="Accessible name of the picker (default: the button's text).")
    button_text = param.String(default="", doc="The button's text (set from lang).")
    none_text = param.String(default="", doc="What the name field says before a file is chosen (from lang).")
    many_text = param.String(default="", doc="What it says after several files, with {n} (from lang).")
    decode_images = param.Boolean(default=False, doc="Decode picture files in the browser, send their pixels.")
    max_side = param.Integer(default=MAX_SIDE, doc="Decoded pictures longer than this are shrunk in the browser.")
    max_pixels = param.Integer(default=MAX_PIXELS, doc="Larger pictures (width x height) are not decoded.")
    value = param.Parameter(default=None, doc=("The last file's bytes, or its BrowserPicture with decode_images "
                                               "(a list of them with multiple=True)."))
    filename = param.Parameter(default=None, doc="The last file's name (a list with multiple=True).")
    refused = param.Dict(default=None, allow_None=True,
                         doc="{'name', 'size'} of the last file refused as too large.")

    _rename = {"value": None, "filename": None, "refused": None, "lang": None}   # Python only

    _esm = r"""
export function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";                  // opened by our own button (its text is ours)
  input.setAttribute("data-testid", "file-upload");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cnn-file-button";
  button.setAttribute("data-testid", "file-upload-button");
  button.style.cssText = "font: inherit; padding: 6px 14px; cursor: pointer; border-radius: 4px; " +
    "border: 1px solid #8A94A6; background: #F5F7FA; color: #1F2933; margin-right: 10px;";
  const name = document.createElement("span");
  name.setAttribute("data-testid", "file-upload-name");
  name.style.cssText = "color: #52606D; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;";
  const row = document.createElement("div");
  row.style.cssText = "display: flex; align-items: center; min-height: 36px;";
  row.append(button, name, input);
  el.appendChild(row);
  let chosen = "";
  const update = () => {
    input.accept = model.accept;
    input.multiple = model.multiple;
    button.textContent = model.button_text;
    const label = model.label || model.button_text;
    button.setAttribute("aria-label", label);
    input.setAttribute("aria-label", label);
    name.textContent = chosen || model.none_text;
  };
  update();
  for (const p of ["accept", "multiple", "button_text", "label", "none_text"]) model.on(p, update);
  button.addEventListener("click", () => input.click());
  const read = (file) => new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => { const url = String(reader.result); resolve(url.slice(url.indexOf(",") + 1)); };
    reader.onerror = () => resolve("");
    reader.readAsDataURL(file);
  });
  const header = (file) => new Promise((resolve) => {   // the picture's size, without decoding a pixel
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(url); resolve([img.naturalWidth, img.naturalHeight]); };
    img.onerror = () => { URL.revokeObjectURL(url); resolve(null); };
    img.src = url;
  });
  const decode = async (file) => {                // -> {kind: "pixels" | "undecodable" | "bomb", ...}
    const size = await header(file);             // upright (EXIF orientation applied), as drawn below
    if (!size || !size[0] || !size[1]) return { kind: "undecodable" };
    const [w0, h0] = size;
    if (w0 * h0 > model.max_pixels) return { kind: "bomb", source_width: w0, source_height: h0 };
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image", colorSpaceConversion: "none" });
    } catch (error) {
      return { kind: "undecodable", source_width: w0, source_height: h0 };
    }
    const scale = Math.min(1, model.max_side / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(w, h)
      : Object.assign(document.createElement("canvas"), { width: w, height: h });
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, w, h);
    const out = { kind: "pixels", width: w, height: h, source_width: bitmap.width, source_height: bitmap.height };
    bitmap.close();
    out.data = await read(new Blob([ctx.getImageData(0, 0, w, h).data]));   // RGBA, row by row
    return out;
  };
  const take = async (f) => {
    const entry = { name: f.name, size: f.size };
    if (!model.decode_images || !f.size || typeof createImageBitmap !== "function") {
      return { ...entry, data: await read(f) };   // the bytes: Pillow reads them (or says why not)
    }
    try {
      return { ...entry, ...(await decode(f)) };
    } catch (error) {                            // out of memory, a canvas refused: said, never thrown
      return { ...entry, kind: "undecodable" };
    }
  };
  input.addEventListener("change", async () => {
    const files = Array.from(input.files || []);
    input.value = "";                              // the same file may be chosen again
    if (!files.length) return;
    chosen = files.length === 1 ? files[0].name : model.many_text.replace("{n}", files.length);
    name.textContent = chosen;
    name.title = files.map((f) => f.name).join("\n");
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > model.max_bytes) {                 // refused here: the bytes never leave the browser
      const big = files.find((f) => f.size > model.max_bytes) || files[0];
      model.send_msg({ type: "refused", name: big.name, size: files.length === 1 ? big.size : total });
      return;
    }
    const data = [];
    for (const f of files) data.push(await take(f));
    if (model.multiple) model.send_msg({ type: "files", files: data });
    else model.send_msg({ type: "file", ...data[0] });
  });
}
"""

    def __init__(self, **params):
        super().__init__(**params)
        self._relabel()
        self.param.watch(lambda event: self._relabel(), "lang")

    def _relabel(self):
        key = "upload_choose_many" if self.multiple else "upload_choose"
        self.param.update(button_text=t(key, self.lang), none_text=t("upload_none", self.lang),
                          many_text=t("upload_many", self.lang, n="{n}"))

    def _handle_msg(self, msg):
        """From the browser: ``{"type": "file", "name", "data" (base64)}``, ``{"type": "files",
        "files": [...]}`` or ``{"type": "refused", "name", "size"}``. A decoded picture's entry
        has a ``kind`` (see :meth:`BrowserPicture.from_message`)."""
        if not isinstance(msg, dict):
            return
        if msg.get("type") == "refused":
            self.refused = {"name": str(msg.get("name") or ""), "size": int(msg.get("size") or 0)}
        elif msg.get("type") == "file":
            self.receive(str(msg.get("name") or ""), self._content(msg))
        elif msg.get("type") == "files":
            files = [f for f in msg.get("files") or [] if isinstance(f, dict)]
            self.receive([str(f.get("name") or "") for f in files], [self._content(f) for f in files])

    @staticmethod
    def _content(entry):
        if "kind" in entry:
            return BrowserPicture.from_message(entry)
        return base64.b64decode(entry.get("data") or "")

    def receive(self, name, data):
        """Take a file (also what tests call): over ``max_bytes`` it is ``refused``, else ``value``.
        With ``multiple``, ``name`` and ``data`` may be lists. ``data``: bytes or a
        :class:`BrowserPicture` (whose length is the file's)."""
        names = name if isinstance(name, list) else [name]
        blobs = data if isinstance(data, list) else [data]
        total = sum(len(d) for d in blobs)
        if total > self.max_bytes:        # together at most max_bytes (they travel in one message)
            self.refused = {"name": names[0], "size": total}
            return
        blobs = [d if isinstance(d, BrowserPicture) else bytes(d) for d in blobs]
        if self.multiple:
            new_name, new_value = names, blobs
        else:
            new_name, new_value = names[-1], blobs[-1]
        same = self.value == new_value
        self.filename = new_name
        self.value = new_value
        if same:                          # the same file again still counts as a new upload
            self.param.trigger("value")
