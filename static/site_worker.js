// The web worker of one page of the static site (a Jinja template filled in by
// scripts/build_site.py in place of Panel's own pyodide_worker.js).
// It boots Pyodide, loads the Python packages, runs the page's Panel code and
// talks to the page (static/loading.js) with messages:
//   {type: 'progress', stage, file, loaded, total}   bytes downloaded so far
//   {type: 'stage', stage, detail}                    what is happening now
//   {type: 'error', code, detail}                     something could not be loaded
// plus Panel's own 'render', 'patch' and 'idle' messages.
// The page passes its own location (URL query, language) in this script's #fragment, so
// the Python code sees `?lang=zh&...` and the browser's languages while the page is built.
const SITE = {{ site_json }};

function post(msg) { self.postMessage(msg) }
const T0 = performance.now()
function stage(stage, detail) {
  console.log(`[site] ${((performance.now() - T0) / 1000).toFixed(2)} s ${stage} ${detail || ''}`)
  post({type: 'stage', stage: stage, detail: detail || ''})
}
class SiteError extends Error {
  constructor(code, detail) { super(`${code}: ${detail}`); this.code = code; this.detail = detail }
}

let PAGE_LOCATION = null
try {
  if (self.location.hash.length > 1) PAGE_LOCATION = JSON.parse(decodeURIComponent(self.location.hash.slice(1)))
} catch (e) { console.warn('[site] no page location', e) }

// Count the bytes of every download, so the page can show real progress.
let loaded = 0
const expected = Object.values(SITE.sizes || {}).reduce((a, b) => a + b, 0)
const realFetch = self.fetch.bind(self)
async function countingFetch(input, init) {
  const url = (typeof Request !== 'undefined' && input instanceof Request) ? input.url : String(input)
  const file = decodeURIComponent(url.split('?')[0].split('/').pop())
  let response
  try {
    response = await realFetch(input, init)
  } catch (e) {
    throw new SiteError('network', `${url} (${e})`)
  }
  if (!response.ok) throw new SiteError('http', `${url} (HTTP ${response.status})`)
  // Bytes are counted on a clone: the response itself goes on untouched, so the browser
  // still knows where it came from (a streamed pyodide.asm.wasm is compiled only once and
  // then taken from the browser's code cache on later visits).
  if (response.body) {
    const counter = response.clone().body.getReader()
    const count = async () => {
      for (;;) {
        const {done, value} = await counter.read()
        if (done) return
        loaded += value.byteLength
        post({type: 'progress', file: file, loaded: loaded, total: expected})
      }
    }
    count().catch(() => {})
  }
  return response
}

// The Python packages are downloaded at once, while Pyodide itself is still loading
// (their integrity is checked as Pyodide would); Pyodide's requests for them are then
// answered from these downloads.
const prefetched = new Map()
for (const [file, integrity] of Object.entries(SITE.prefetch || {})) {
  const url = new URL(file, self.location).href
  prefetched.set(url, countingFetch(url, {integrity: integrity}).then(async (r) => {
    const body = await r.arrayBuffer()
    return () => new Response(body, {status: r.status, statusText: r.statusText, headers: r.headers})
  }))
}
self.fetch = async (input, init) => {
  const url = (typeof Request !== 'undefined' && input instanceof Request) ? input.url : String(input)
  const early = prefetched.get(new URL(url, self.location).href)
  if (early) {
    try { return (await early)() } catch (e) { console.warn('[site] prefetch failed, fetching again', url, e) }
  }
  return countingFetch(input, init)
}

function sendPatch(patch, buffers, msg_id) {
  self.postMessage({type: 'patch', patch: patch, buffers: buffers})
}

// Python run before the page's code: the page's URL and the browser's languages become
// Panel's `pn.state.location` and the Accept-Language header (as `panel serve` gives them),
// so a page built for `?lang=zh&view=train` is built that way at once, not re-labelled later.
const PREPARE = `
import json
import panel.io.pyodide as _pyodide
from panel.io.document import MockSessionContext, Request
from panel.io.state import state
from panel.util import edit_readonly

_page = json.loads(cnn_page_location) if cnn_page_location else None
_languages = cnn_languages


class _PageSession(MockSessionContext):
    @property
    def request(self):
        return Request(headers={"Accept-Language": _languages}, cookies={}, arguments={})


_init_doc = _pyodide.init_doc


def init_doc():
    _init_doc()
    doc = state.curdoc
    doc._session_context = lambda: _PageSession(document=doc)
    if _page and state.location is not None:
        with edit_readonly(state.location):
            state.location.param.update({k: v for k, v in _page.items() if k in state.location.param})


_pyodide.init_doc = init_doc


# Bokeh's document callbacks need its (Tornado) server; here they run on Pyodide's asyncio
# loop, so pages written for panel serve (e.g. "train 100 ms after the page shows") work.
import asyncio
from bokeh.document import Document
from panel.io.state import set_curdoc


def _run_callback(doc, callback):
    with set_curdoc(doc):
        result = callback()
    if asyncio.iscoroutine(result):
        asyncio.ensure_future(result)


def _add_timeout_callback(self, callback, timeout_milliseconds):
    return asyncio.get_event_loop().call_later(timeout_milliseconds / 1000, _run_callback, self, callback)


def _add_next_tick_callback(self, callback):
    return asyncio.get_event_loop().call_soon(_run_callback, self, callback)


Document.add_timeout_callback = _add_timeout_callback
Document.add_next_tick_callback = _add_next_tick_callback


# Panel's periodic callbacks (training loops, animations) run again at once when a call took
# longer than the period, without returning to the browser: the worker then never reads the
# page's messages (Pause, Stop) nor sends its own. Here every call is followed by a real pause
# (at least a turn of the browser's event loop).
import time
from panel.io.callbacks import PeriodicCallback


async def _async_repeat(self, func):
    while True:
        start = time.monotonic()
        await func()
        await asyncio.sleep(max(self.period / 1000 - (time.monotonic() - start), 0))


PeriodicCallback._async_repeat = _async_repeat
`

// Events the page's code made while it was built are already in the rendered document;
// sent again after the render they would name models that no longer exist
// (Bokeh: "reference ... isn't known").
const FORGET_BUILD_EVENTS = `
from panel.io.state import state as _state
_state.curdoc.callbacks._held_events.clear()
`

// The link between the Python document and the page (in place of Panel's _link_docs_worker,
// which posts one message per change): the changes one Python task makes (e.g. the reaction
// to a stroke: a new picture, ten bars, a digit) go to the page as ONE patch, right after the
// task, combined as Bokeh's hold("combine") does, without the changes to models the page no
// longer has (app/core/site_link.py). Patches from the page are applied by a function defined
// once, not by code compiled for every message.
const LINK = `
import asyncio
import functools
import json

import js
import pyodide.ffi
from bokeh.document.callbacks import _combine_document_events
from bokeh.events import DocumentReady
from panel.io.pyodide import _convert_json_patch, _dict_converter, _process_document_events
from panel.io.state import state

from app.core.site_link import PageModels


class _Outbox:
    def __init__(self, doc, send, page):
        self.doc, self.send, self.page, self.events, self.scheduled = doc, send, page, [], False

    def on_change(self, event):
        if getattr(event, "setter", None) == "js":   # the page's own change: do not echo it
            return
        _combine_document_events(event, self.events)
        if not self.scheduled:
            self.scheduled = True
            asyncio.get_event_loop().call_soon(self.flush)

    def flush(self):
        self.scheduled = False
        events, self.events = self.events, []
        if not events:
            return
        patch, buffers = _process_document_events(self.doc, events)
        dropped = self.page.filter(patch, buffers)
        if dropped:
            js.console.debug(f"[site] {len(dropped)} change(s) to models no longer on the page not sent")
        if patch["events"]:
            self.send(pyodide.ffi.to_js(patch, dict_converter=_dict_converter),
                      js.Map.new(js.Object.entries(pyodide.ffi.to_js(buffers))), None)


# Both run as coroutines on Pyodide's event loop (called from JavaScript they return a Promise),
# so code they trigger finds a running loop (Panel's periodic callbacks start only then).
async def cnn_link(send, docs_json):
    global cnn_outbox
    doc = state.curdoc
    cnn_outbox = _Outbox(doc, send, PageModels(json.loads(docs_json)))
    doc.on_change(cnn_outbox.on_change)
    doc.unhold()
    doc.on_event("document_ready", functools.partial(state._schedule_on_load, doc))
    doc.callbacks.trigger_event(DocumentReady())
    cnn_outbox.flush()


async def cnn_apply(patch):
    state.curdoc.apply_json_patch(_convert_json_patch(patch), setter="js")
    cnn_outbox.flush()
`

let RENDERED_DOCS_JSON = '{}'   // what the page is first built from

async function startApplication() {
  stage('pyodide')
  try {
    importScripts(SITE.pyodideURL)
  } catch (e) {
    throw new SiteError('network', SITE.pyodideURL)
  }
  const options = {}
  if (SITE.indexURL) options.indexURL = new URL(SITE.indexURL, self.location).href
  self.pyodide = await loadPyodide(options)
  self.pyodide.globals.set("sendPatch", sendPatch)
  const version = self.pyodide.runPython("import sys; sys.version.split()[0]")
  stage('python-ready', version)

  if ((SITE.missing || []).includes('numpy')) throw new SiteError('numpy-missing', 'numpy')
  const wheels = (SITE.wheels || []).map((w) => new URL(w, self.location).href)
  stage('packages', SITE.packages.join(', '))
  const failed = []
  await self.pyodide.loadPackage([...SITE.packages, ...wheels], {
    messageCallback: (m) => stage('packages', m),
    errorCallback: (m) => { failed.push(m); console.error(m) },
  })
  const notLoaded = SITE.packages.filter((p) => !(p in self.pyodide.loadedPackages))
  if (notLoaded.length || failed.length) {
    const code = notLoaded.includes('numpy') ? 'numpy-missing' : 'package'
    throw new SiteError(code, `${notLoaded.join(', ')}: ${failed.join(' | ')}`)
  }
  if (SITE.panelCdnRoot) {
    self.pyodide.globals.set('cnn_cdn_root', new URL(SITE.panelCdnRoot, self.location).href)
    self.pyodide.runPython("import os; os.environ['PANEL_CDN_ROOT'] = cnn_cdn_root")
  }
  stage('starting')
  self.pyodide.globals.set('cnn_page_location', PAGE_LOCATION ? JSON.stringify(PAGE_LOCATION) : '')
  self.pyodide.globals.set('cnn_languages', (self.navigator.languages || [self.navigator.language || 'en']).join(','))
  // Pages may use __file__ (panel serve sets it); give them one inside Pyodide's file system.
  const slug = self.location.pathname.split('/').pop().replace(/\.js$/, '')
  self.pyodide.globals.set('__file__', SITE.appDir + slug + '.py')
  // ... and the module name panel serve uses, for pages guarded by `if __name__.startswith("bokeh")`.
  self.pyodide.globals.set('__name__', 'bokeh_app_' + slug.replace(/\W/g, '_'))
  let result
  try {
    await self.pyodide.runPythonAsync(PREPARE)
    result = await self.pyodide.runPythonAsync(`{{ code }}`)
    self.pyodide.runPython(FORGET_BUILD_EVENTS)
  } catch (e) {
    // The traceback's last lines: where and why the page's Python code stopped.
    throw new SiteError('app', `${e}`.trim().split('\n').slice(-12).join('\n'))
  }
  stage('rendering')
  const [docs_json, render_items, root_ids] = result
  RENDERED_DOCS_JSON = docs_json
  self.postMessage({type: 'render', docs_json: docs_json, render_items: render_items, root_ids: root_ids})
}

self.onmessage = async (event) => {
  const msg = event.data
  if (msg.type === 'rendered') {
    try {
      self.pyodide.runPython(LINK)
      await self.pyodide.globals.get('cnn_link')(sendPatch, RENDERED_DOCS_JSON)
    } catch (e) {
      console.error(e)
      post({type: 'error', code: 'app', detail: `${e}`.trim().split('\n').slice(-12).join('\n')})
    }
  } else if (msg.type === 'patch') {
    try {
      await self.pyodide.globals.get('cnn_apply')(msg.patch)
    } catch (e) {
      console.error('[site] a change from the page could not be applied', e)
    } finally {
      self.postMessage({type: 'idle'})
    }
  } else if (msg.type === 'location') {
    self.pyodide.globals.set('location', msg.location)
    self.pyodide.runPythonAsync(`
    import json
    from panel.io.state import state
    from panel.util import edit_readonly
    if state.location:
        loc_data = json.loads(location)
        with edit_readonly(state.location):
            state.location.param.update({
                k: v for k, v in loc_data.items() if k in state.location.param
            })
    `)
  }
}

startApplication().catch((e) => {
  console.error(e)
  post({type: 'error', code: e.code || 'app', detail: e.detail || `${e}`})
})
