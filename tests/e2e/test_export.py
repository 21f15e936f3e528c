"""Export to PyTorch in a real browser: the downloaded zip runs in PyTorch and gives the page's
logits; a state dict saved from PyTorch uploads back into the Train view."""
import io
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.train import strings  # noqa: F401  (registers the texts)

pytestmark = pytest.mark.e2e

TINY = dict(model="custom", arch="c4k3p1-relu-max2-max2")


def test_export_download_runs_in_pytorch_and_a_state_dict_uploads_back(app_page, panel_app, screenshot, tmp_path):
    page = app_page
    page.goto(panel_app("app/pages/train.py", **TINY))
    button = page.get_by_role("button", name=re.compile(re.escape(t("train_export", "en"))))
    expect(button).to_be_enabled(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "cnn-playground-custom-pytorch.zip"
    path = tmp_path / "export.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "export")
    run = subprocess.run([sys.executable, "check.py"], cwd=tmp_path / "export", capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and "(OK" in run.stdout, run.stdout + run.stderr

    # Back: the weights as PyTorch would save them with the README's two lines.
    with np.load(tmp_path / "export" / "weights.npz") as f:
        state = {k: f[k] * 2 for k in f.files if not k.startswith("__")}
    buffer = io.BytesIO()
    np.savez(buffer, **state)
    page.get_by_test_id("file-upload").set_input_files(
        files=[{"name": "from-torch.npz", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    note = page.get_by_text(re.compile(re.escape("A PyTorch state dict: its weights fit your network")))
    expect(note).to_be_visible(timeout=30_000)
    screenshot(page, "train-export-import-en")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_role("button", name=re.compile(re.escape(t("train_export", "zh"))))).to_be_visible()
