"""A file picker that refuses a too-large file in the browser, before any byte is sent.

Panel 1.9.4's ``FileInput`` has no size limit: it reads the whole file and sends it to Python
as base64 in one websocket message, and a file over the server's message limit (Bokeh's
default is 20 MB) closes the connection: the page freezes without a word. Here the browser
looks at the file's size first. A file over ``max_bytes`` is refused on the spot (Python
hears only its name and size, in ``refused``); a smaller one is read and sent, and lands in
``value`` (bytes) with its ``filename``. An empty file arrives as ``b""``.
"""
import base64

import param
from panel.custom import JSComponent

__all__ = ["FileUpload"]


class FileUpload(JSComponent):
    """``<input type="file" data-testid="file-upload">``; watch ``value`` and ``refused``."""

    accept = param.String(default="", doc="File types offered, e.g. '.npz'.")
    max_bytes = param.Integer(default=10 * 2 ** 20, doc="Larger files are refused in the browser.")
    label = param.String(default="Choose a file", doc="Accessible name of the picker.")
    value = param.Bytes(default=None, allow_None=True, doc="The last file's bytes.")
    filename = param.String(default=None, allow_None=True, doc="The last file's name.")
    refused = param.Dict(default=None, allow_None=True,
                         doc="{'name', 'size'} of the last file refused as too large.")

    _rename = {"value": None, "filename": None, "refused": None}   # Python only: never sent to the page

    _esm = r"""
export function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = model.accept;
  input.setAttribute("data-testid", "file-upload");
  input.setAttribute("aria-label", model.label);
  el.appendChild(input);
  input.addEventListener("change", () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > model.max_bytes) {          // refused here: the bytes never leave the browser
      model.send_msg({ type: "refused", name: file.name, size: file.size });
      input.value = "";
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      model.send_msg({ type: "file", name: file.name, size: file.size, data: url.slice(url.indexOf(",") + 1) });
      input.value = "";                          // the same file may be chosen again
    };
    reader.readAsDataURL(file);
  });
  model.on("label", () => input.setAttribute("aria-label", model.label));
}
"""

    def _handle_msg(self, msg):
        """A file from the browser: ``{"type": "file", "name", "data" (base64)}`` or ``"refused"``."""
        if not isinstance(msg, dict):
            return
        name = str(msg.get("name") or "")
        if msg.get("type") == "refused":
            self.refused = {"name": name, "size": int(msg.get("size") or 0)}
        elif msg.get("type") == "file":
            self.receive(name, base64.b64decode(msg.get("data") or ""))

    def receive(self, name, data):
        """Take a file (also what tests call): over ``max_bytes`` it is ``refused``, else ``value``."""
        if len(data) > self.max_bytes:
            self.refused = {"name": name, "size": len(data)}
            return
        same = self.value == bytes(data)
        self.filename = name
        self.value = bytes(data)
        if same:                          # the same file again still counts as a new upload
            self.param.trigger("value")
