"""The engine's promises about itself: NumPy only, no UI, documented everywhere."""
import importlib
import inspect
import pkgutil
import subprocess
import sys

import cnncore

FORBIDDEN = {"panel", "bokeh", "param", "PIL", "torch", "scipy", "numba", "pickle", "threading", "matplotlib"}


def all_modules():
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(cnncore.__path__, "cnncore.")
            if info.name != "cnncore.pretrain"]


def test_engine_imports_no_ui_or_native_package():
    code = ("import sys, pkgutil, importlib, cnncore\n"
            "for i in pkgutil.walk_packages(cnncore.__path__, 'cnncore.'): importlib.import_module(i.name)\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert "numpy" in loaded and "cnncore" in loaded
    # pickle and threading may be imported by NumPy itself; cnncore's own files must not import them.
    assert not (loaded & (FORBIDDEN - {"pickle", "threading"}))
    for module in all_modules():
        source = inspect.getsource(module)
        for name in FORBIDDEN:
            assert f"import {name}" not in source and f"from {name} " not in source, (module.__name__, name)


def public_objects():
    for module in all_modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


def test_every_public_class_and_function_has_a_docstring():
    missing = [name for name, obj in public_objects() if not (obj.__doc__ or "").strip()]
    assert not missing, missing


def test_layers_document_their_shapes():
    from cnncore import nn
    layers = [obj for name, obj in public_objects()
              if inspect.isclass(obj) and issubclass(obj, nn.Module) and obj is not nn.Module
              and not name.split(".")[-1].endswith("Loss")]
    missing = [cls.__name__ for cls in layers if "Shape:" not in (cls.__doc__ or "")]
    assert not missing, missing
