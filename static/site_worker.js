// The web worker of one page of the static site (a Jinja template filled in by
// scripts/build_site.py in place of Panel's own pyodide_worker.js).
// It boots Pyodide, loads the Python packages, runs the page's Panel code and
// talks to the page (static/loading.js) with messages:
//   {type: 'progress', stage, file, loaded, total}   bytes downloaded so far
//   {type: 'stage', stage, detail}                    what is happening now
//   {type: 'error', code, detail}                     something could not be loaded
// plus Panel's own 'render', 'patch' and 'idle' messages.
const SITE = {{ site_json }};
const ENV_SPEC = [{{ env_spec }}];

function post(msg) { self.postMessage(msg) }
const T0 = performance.now()
function stage(stage, detail) {
  console.log(`[site] ${((performance.now() - T0) / 1000).toFixed(2)} s ${stage} ${detail || ''}`)
  post({type: 'stage', stage: stage, detail: detail || ''})
}
class SiteError extends Error {
  constructor(code, detail) { super(`${code}: ${detail}`); this.code = code; this.detail = detail }
}

// Count the bytes of every download, so the page can show real progress.
let loaded = 0
const expected = Object.values(SITE.sizes || {}).reduce((a, b) => a + b, 0)
const realFetch = self.fetch.bind(self)
self.fetch = async (input, init) => {
  const url = (typeof Request !== 'undefined' && input instanceof Request) ? input.url : String(input)
  const file = decodeURIComponent(url.split('?')[0].split('/').pop())
  let response
  try {
    response = await realFetch(input, init)
  } catch (e) {
    throw new SiteError('network', url)
  }
  if (!response.ok) throw new SiteError('http', `${url} (HTTP ${response.status})`)
  if (!response.body) return response
  const reader = response.body.getReader()
  const stream = new ReadableStream({
    async pull(controller) {
      const {done, value} = await reader.read()
      if (done) { controller.close(); return }
      loaded += value.byteLength
      post({type: 'progress', file: file, loaded: loaded, total: expected})
      controller.enqueue(value)
    }
  })
  return new Response(stream, {status: response.status, statusText: response.statusText, headers: response.headers})
}

function sendPatch(patch, buffers, msg_id) {
  self.postMessage({type: 'patch', patch: patch, buffers: buffers})
}

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
  stage('packages', SITE.packages.join(', '))
  const failed = []
  await self.pyodide.loadPackage(SITE.packages, {
    messageCallback: (m) => stage('packages', m),
    errorCallback: (m) => { failed.push(m); console.error(m) },
  })
  const notLoaded = SITE.packages.filter((p) => !(p in self.pyodide.loadedPackages))
  if (notLoaded.length) {
    throw new SiteError(notLoaded.includes('numpy') ? 'numpy-missing' : 'package', `${notLoaded.join(', ')}: ${failed.join(' | ')}`)
  }
  if (SITE.mode === 'cdn') {
    const wheels = SITE.projectWheels.map((w) => new URL(w, self.location).href)
    self.pyodide.globals.set('cnn_requirements', self.pyodide.toPy([...ENV_SPEC, ...wheels]))
    try {
      await self.pyodide.runPythonAsync(`
        import micropip
        await micropip.install(cnn_requirements)
      `)
    } catch (e) {
      throw new SiteError('package', `${e}`.split('\n').slice(-2).join(' '))
    }
  }
  if (SITE.panelCdnRoot) {
    self.pyodide.globals.set('cnn_cdn_root', new URL(SITE.panelCdnRoot, self.location).href)
    self.pyodide.runPython("import os; os.environ['PANEL_CDN_ROOT'] = cnn_cdn_root")
  }
  stage('starting')
  // Pages may use __file__ (panel serve sets it); give them one inside Pyodide's file system.
  const slug = self.location.pathname.split('/').pop().replace(/\.js$/, '')
  self.pyodide.globals.set('__file__', SITE.appDir + slug + '.py')
  // ... and the module name panel serve uses, for pages guarded by `if __name__.startswith("bokeh")`.
  self.pyodide.globals.set('__name__', 'bokeh_app_' + slug.replace(/\W/g, '_'))
  let result
  try {
    result = await self.pyodide.runPythonAsync(`{{ code }}`)
  } catch (e) {
    // The traceback's last lines: where and why the page's Python code stopped.
    throw new SiteError('app', `${e}`.trim().split('\n').slice(-12).join('\n'))
  }
  const [docs_json, render_items, root_ids] = result
  self.postMessage({type: 'render', docs_json: docs_json, render_items: render_items, root_ids: root_ids})
}

self.onmessage = async (event) => {
  const msg = event.data
  if (msg.type === 'rendered') {
    self.pyodide.runPythonAsync(`
    from panel.io.state import state
    from panel.io.pyodide import _link_docs_worker

    _link_docs_worker(state.curdoc, sendPatch, setter='js')
    `)
  } else if (msg.type === 'patch') {
    self.pyodide.globals.set('patch', msg.patch)
    try {
      await self.pyodide.runPythonAsync(`
    from panel.io.pyodide import _convert_json_patch
    state.curdoc.apply_json_patch(_convert_json_patch(patch), setter='js')
    `)
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
