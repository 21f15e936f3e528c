"""Export to PyTorch in the static site: the zip is written by NumPy inside Pyodide, and its
check script passes in PyTorch on this machine."""
import re
import subprocess
import sys
import zipfile

import pytest

from tests.site.test_site import _open_live


@pytest.mark.slow
@pytest.mark.e2e
def test_export_to_pytorch_in_the_browser(numpy_site, serve, browser_page, tmp_path):
    from playwright.sync_api import expect
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/train.html?model=custom&arch=c4k3p1-relu-max2-max2")
    button = page.get_by_role("button", name=re.compile("Export to PyTorch"))
    expect(button).to_be_enabled(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    info.value.save_as(tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as zf:
        zf.extractall(tmp_path / "export")
    run = subprocess.run([sys.executable, "check.py"], cwd=tmp_path / "export", capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and "(OK" in run.stdout, run.stdout + run.stderr
    assert not page.recorder.errors, page.recorder.errors
