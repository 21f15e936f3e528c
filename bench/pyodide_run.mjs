// Run a Python file inside Pyodide (the browser's Python, compiled to
// WebAssembly) under Node, with NumPy and this repo's `cnncore` importable.
//
//   node bench/pyodide_run.mjs <python-file> [args...]
//
// Needs two environment variables (see scripts/setup_pyodide_local.sh):
//   CNN_PYODIDE_DIR          folder where `npm install pyodide@0.29.3` was run
//                            (or the node_modules/pyodide folder itself)
//   CNN_PYODIDE_NUMPY_WHEEL  path to numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl
//
// Node runs the same pyodide.asm.wasm as the browser, so timings made here
// are a fair stand-in for the browser's (same engine family: V8).
// The repo is mounted at its own absolute path inside Pyodide's file
// system, so paths in tracebacks and in the script's arguments are the host's.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");

function fail(msg) {
  process.stderr.write(`pyodide_run: ${msg}\n`);
  process.exit(2);
}

const [script, ...args] = process.argv.slice(2);
if (!script) fail("usage: node bench/pyodide_run.mjs <python-file> [args...]");
const scriptPath = path.resolve(script);
if (!fs.existsSync(scriptPath)) fail(`no such file: ${scriptPath}`);

const HOWTO = "run scripts/setup_pyodide_local.sh and read bench/README.md (section 'Pyodide')";
const dirEnv = process.env.CNN_PYODIDE_DIR;
const wheel = process.env.CNN_PYODIDE_NUMPY_WHEEL;
if (!dirEnv) fail(`CNN_PYODIDE_DIR is not set (folder holding node_modules/pyodide); ${HOWTO}`);
if (!wheel) fail(`CNN_PYODIDE_NUMPY_WHEEL is not set (path to the NumPy wasm wheel); ${HOWTO}`);
if (!fs.existsSync(wheel)) fail(`CNN_PYODIDE_NUMPY_WHEEL=${wheel} does not exist; ${HOWTO}`);

let indexDir = path.resolve(dirEnv);
if (!fs.existsSync(path.join(indexDir, "pyodide.asm.wasm"))) {
  indexDir = path.join(indexDir, "node_modules", "pyodide");
}
if (!fs.existsSync(path.join(indexDir, "pyodide.asm.wasm"))) {
  fail(`no pyodide.asm.wasm under CNN_PYODIDE_DIR=${dirEnv}; ${HOWTO}`);
}

const { loadPyodide } = await import(pathToFileURL(path.join(indexDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: indexDir + path.sep,
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
// A local wheel path works in Node; the lock file's sha256 is for another
// build of the same NumPy, so integrity checking is off for this file.
await pyodide.loadPackage(path.resolve(wheel), {
  checkIntegrity: false,
  messageCallback: () => {},
});

// Make the host's repo and the script's folder visible at the same paths.
function mount(dir) {
  pyodide.FS.mkdirTree(dir);
  pyodide.mountNodeFS(dir, dir);
}
mount(repo);
const scriptDir = path.dirname(scriptPath);
if (!scriptDir.startsWith(repo + path.sep) && scriptDir !== repo) mount(scriptDir);

pyodide.globals.set("_run_argv", pyodide.toPy([scriptPath, ...args]));
pyodide.globals.set("_run_repo", repo);
const code = `
import os, sys, runpy
sys.argv = list(_run_argv)
sys.path[:0] = [os.path.dirname(sys.argv[0]), _run_repo]
os.chdir(_run_repo)
_exit = 0
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as e:
    _exit = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    if not isinstance(e.code, (int, type(None))):
        print(e.code, file=sys.stderr)
sys.stdout.flush()
_exit
`;
let status = 0;
try {
  status = pyodide.runPython(code);
} catch (err) {
  process.stderr.write(String(err.message ?? err) + "\n");
  status = 1;
}
process.exit(status ?? 0);
