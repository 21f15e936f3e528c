"""DEVELOPERS.md's layout tables match the tree: every file of app/core and app/widgets, every
view folder and every file in it is described, and nothing described is missing."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")


def _table_after(heading):
    """The rows of the Markdown table that follows the line ``heading``, as lists of cells."""
    lines = DOC.split("\n")
    start = lines.index(heading) + 1
    rows = []
    for line in lines[start:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    assert len(rows) > 3, heading
    return rows[2:]   # after the header and the --- row


def _named(cell):
    return re.findall(r"`([^`]+)`", cell)


def _modules(folder):
    return {p.name for p in (ROOT / "app" / folder).glob("*.py") if p.name != "__init__.py"}


def test_the_core_and_widgets_tables_name_every_file_and_no_other():
    for folder in ("core", "widgets"):
        described = {_named(row[0])[0] for row in _table_after(f"`app/{folder}/`:")}
        assert described == _modules(folder), folder


def test_the_views_table_names_every_view_folder_and_every_file_in_it():
    rows = {_named(row[0])[0]: row for row in _table_after("`app/views/<key>/` (each with `view.py`, and "
                                                           "`strings.py` unless all its texts are shared ones):")}
    folders = {p.name + "/" for p in (ROOT / "app" / "views").iterdir() if (p / "__init__.py").exists()}
    assert set(rows) == folders
    for folder, row in rows.items():
        files = _modules(f"views/{folder}") - {"view.py", "strings.py"}
        assert set(_named(row[2])) >= files, (folder, files - set(_named(row[2])))
        assert (ROOT / "app" / "views" / folder / "view.py").exists()
        cls = _named(row[1])[0]
        assert f"class {cls}(" in (ROOT / "app" / "views" / folder / "view.py").read_text(encoding="utf-8"), cls


def test_every_path_in_the_folder_table_exists():
    for row in _table_after("## Where things are"):
        for name in _named(row[0]):
            if "<" not in name:
                assert (ROOT / name.rstrip("/")).exists(), name
