// The page side of a static-site page (inlined by scripts/build_site.py in place of
// Panel's pyodide_handler.js; rendered as a Jinja template, so no double braces here).
// It starts the page's web worker, shows a loading bar with real progress
// (what is being downloaded, how many MB) over the prerendered page, and if
// something cannot be loaded it says so, in Chinese or English, with what to do.
(function () {
  const SITE = window.CNN_SITE
  const params = new URLSearchParams(window.location.search)
  const langParam = (params.get('lang') || '').toLowerCase()
  const lang = langParam ? (langParam.startsWith('zh') ? 'zh' : 'en')
    : ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en')

  const TEXT = {
    en: {
      pyodide: 'Starting Python in your browser (Pyodide)…',
      'python-ready': 'Python is running. Loading packages…',
      packages: 'Loading packages',
      starting: 'Starting the playground…',
      downloaded: 'downloaded',
      title: 'The playground could not start',
      'numpy-missing': 'NumPy is missing from this offline build, so the playground cannot run.',
      'numpy-missing-fix': 'Whoever built this site: rebuild it with NumPy’s WebAssembly wheel, e.g. ./build.sh --offline --pyodide-dist DIR (a folder holding numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl) or CNN_PYODIDE_NUMPY_WHEEL=FILE ./build.sh --offline.',
      network: 'A file could not be downloaded (no network connection, or the server is unreachable).',
      'network-fix': 'Check your internet connection and reload the page. Without internet, use the offline build of the site (./build.sh --offline).',
      http: 'A file of the site is missing on the server.',
      'http-fix': 'The site may be incomplete: rebuild it with ./build.sh and upload the whole site/ folder.',
      package: 'A Python package could not be loaded.',
      'package-fix': 'Check your internet connection and reload the page; if it keeps failing, rebuild the site with ./build.sh.',
      app: 'The playground’s Python code stopped with an error.',
      'app-fix': 'Reload the page. If it happens again, please report it together with the details below.',
      worker: 'Your browser could not start a background worker for Python.',
      'worker-fix': 'Open the page through a web server (not as a file://), in a recent Chrome, Edge, Firefox or Safari.',
      details: 'Details',
      reload: 'Reload',
    },
    zh: {
      pyodide: '正在浏览器中启动 Python（Pyodide）…',
      'python-ready': 'Python 已启动，正在加载软件包…',
      packages: '正在加载软件包',
      starting: '正在启动 CNN 游乐场…',
      downloaded: '已下载',
      title: 'CNN 游乐场无法启动',
      'numpy-missing': '此离线版本缺少 NumPy，因此无法运行。',
      'numpy-missing-fix': '请网站的构建者加入 NumPy 的 WebAssembly 包后重新构建，例如：./build.sh --offline --pyodide-dist 目录（其中含有 numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl），或 CNN_PYODIDE_NUMPY_WHEEL=文件 ./build.sh --offline。',
      network: '有文件无法下载（没有网络连接，或服务器无法访问）。',
      'network-fix': '请检查网络连接后刷新页面。没有网络时，请使用离线版本（./build.sh --offline）。',
      http: '服务器上缺少本网站的某个文件。',
      'http-fix': '网站可能不完整：请用 ./build.sh 重新构建，并上传整个 site/ 文件夹。',
      package: '有 Python 软件包无法加载。',
      'package-fix': '请检查网络连接后刷新页面；如果一直失败，请用 ./build.sh 重新构建网站。',
      app: 'CNN 游乐场的 Python 代码出错停止了。',
      'app-fix': '请刷新页面。如果再次出现，请连同下面的详细信息一起报告。',
      worker: '浏览器无法为 Python 启动后台线程（Web Worker）。',
      'worker-fix': '请通过网页服务器打开本页（不要用 file://），并使用较新的 Chrome、Edge、Firefox 或 Safari。',
      details: '详细信息',
      reload: '刷新',
    },
  }[lang]

  // ---- the loading bar (over the prerendered page, which stays visible) ----
  const box = document.createElement('div')
  box.className = 'cnn-loading'
  box.setAttribute('data-testid', 'site-loading')
  box.setAttribute('role', 'status')
  box.setAttribute('aria-live', 'polite')
  box.innerHTML = '<div class="cnn-loading-text" data-testid="site-loading-text"></div>' +
    '<div class="cnn-loading-bar"><div class="cnn-loading-fill"></div></div>' +
    '<div class="cnn-loading-bytes" data-testid="site-loading-bytes"></div>'
  const text = box.querySelector('.cnn-loading-text')
  const fill = box.querySelector('.cnn-loading-fill')
  const bytes = box.querySelector('.cnn-loading-bytes')
  let lastStage = 'pyodide'
  function attach() { if (!box.isConnected) document.body.appendChild(box) }
  if (document.body) attach(); else document.addEventListener('DOMContentLoaded', attach)

  function mb(n) { return (n / 1e6).toFixed(1) }
  function showStage(stage, detail) {
    lastStage = stage
    let line = TEXT[stage] || stage
    if (stage === 'packages' && detail) line += ': ' + detail
    if (stage === 'python-ready' && detail) line += ' (Python ' + detail + ')'
    text.textContent = line
    box.setAttribute('data-stage', stage)
    document.documentElement.setAttribute('data-site-stage', stage)
  }
  function showProgress(msg) {
    const total = msg.total || 0
    const pct = total ? Math.min(100, 100 * msg.loaded / total) : 0
    if (total) fill.style.width = pct.toFixed(1) + '%'
    bytes.textContent = msg.file + ' — ' + mb(msg.loaded) + (total ? ' / ' + mb(total) : '') + ' MB ' + TEXT.downloaded
  }
  function showError(code, detail) {
    attach()
    box.className = 'cnn-loading cnn-error'
    box.setAttribute('role', 'alert')
    box.setAttribute('data-testid', 'site-error')
    box.setAttribute('data-error', code)
    document.documentElement.setAttribute('data-site-stage', 'error')
    box.innerHTML = ''
    const h = document.createElement('h2'); h.textContent = TEXT.title
    const p = document.createElement('p'); p.className = 'cnn-error-what'; p.textContent = TEXT[code] || TEXT.app
    const fix = document.createElement('p'); fix.className = 'cnn-error-fix'; fix.textContent = TEXT[code + '-fix'] || TEXT['app-fix']
    const det = document.createElement('details')
    const sum = document.createElement('summary'); sum.textContent = TEXT.details
    const pre = document.createElement('pre'); pre.textContent = detail || ''
    det.append(sum, pre)
    const btn = document.createElement('button'); btn.textContent = TEXT.reload
    btn.onclick = function () { window.location.reload() }
    box.append(h, p, fix, det, btn)
    document.body.classList.remove('pn-loading')
  }
  function done() {
    box.remove()
    document.documentElement.setAttribute('data-site-stage', 'ready')
  }
  showStage('pyodide')

  // ---- the worker and Panel's document syncing (as in Panel's pyodide_handler.js) ----
  // The worker was started by the first script in <head> (see EARLY_WORKER in
  // scripts/build_site.py), so Python boots while the page's own scripts load; its first
  // messages were kept in pyodideWorker.early and are handled below.
  let pyodideWorker = window.CNN_WORKER
  if (!pyodideWorker) {
    try {
      pyodideWorker = new Worker("./{{ name }}.js#" + encodeURIComponent(JSON.stringify(window.location)))
    } catch (e) {
      showError('worker', String(window.CNN_WORKER_ERROR || e))
      return
    }
  }
  pyodideWorker.onerror = function (e) { showError('worker', e.message || String(e)) }
  pyodideWorker.busy = false
  pyodideWorker.queue = []
  let patching = 0

  // Changes made in the page go to the worker as one patch per JavaScript task (a stroke's
  // end sets the stroke count and the picture: one message, one Python reaction), and while
  // the worker is busy they wait, a newer change of the same property replacing the older.
  let flushScheduled = false
  function send_change(jsdoc, event) {
    if ((event.setter_id != null && event.setter_id == 'py') || (patching > 0)) return
    if (event.model && event.attr) {
      pyodideWorker.queue = pyodideWorker.queue.filter(function (old) {
        return !(old.model === event.model && old.attr === event.attr)
      })
    }
    pyodideWorker.queue.push(event)
    if (!pyodideWorker.busy && !flushScheduled) {
      flushScheduled = true
      Promise.resolve().then(function () { flushScheduled = false; flush() })
    }
  }
  function flush() {
    if (pyodideWorker.busy || !pyodideWorker.queue.length) return
    const patch = pyodideWorker.jsdoc.create_json_patch(pyodideWorker.queue)
    pyodideWorker.queue = []
    pyodideWorker.busy = true
    pyodideWorker.postMessage({type: 'patch', patch: patch})
  }

  pyodideWorker.onmessage = async function (event) {
    const msg = event.data
    const body = document.getElementsByTagName('body')[0]
    if (msg.type === 'idle') {
      pyodideWorker.busy = false
      flush()
    } else if (msg.type === 'stage') {
      showStage(msg.stage, msg.detail)
    } else if (msg.type === 'progress') {
      showProgress(msg)
    } else if (msg.type === 'error') {
      showError(msg.code, msg.detail)
    } else if (msg.type === 'status') {
      showStage(lastStage, msg.msg)
    } else if (msg.type === 'render') {
      try { await render(msg, body) } catch (e) { showError('app', 'rendering the page: ' + e) }
    } else if (msg.type === 'patch') {
      try {
        patching += 1
        pyodideWorker.jsdoc.apply_json_patch(msg.patch, msg.buffers)
      } finally {
        patching -= 1
      }
    }
  }

  for (const event of pyodideWorker.early || []) pyodideWorker.onmessage(event)
  pyodideWorker.early = []

  async function render(msg, body) {
    {
      const docs_json = JSON.parse(msg.docs_json)
      const render_items = JSON.parse(msg.render_items)
      const root_ids = JSON.parse(msg.root_ids)
      const root_els = document.querySelectorAll('[data-root-id]')
      const data_roots = []
      for (const el of root_els) {
        el.innerHTML = ''
        data_roots.push([el.getAttribute('data-root-id'), el.id])
      }
      data_roots.sort(function (a, b) { return a[0] < b[0] ? -1 : 1 })
      const roots = {}
      for (let i = 0; i < data_roots.length; i++) roots[root_ids[i]] = data_roots[i][1]
      render_items[0]['roots'] = roots
      render_items[0]['root_ids'] = root_ids
      Bokeh.index.roots.map(function (v) { v.remove() })
      const [views] = await Bokeh.embed.embed_items(docs_json, render_items)
      body.classList.remove('pn-loading', '{{ loading_spinner }}')
      for (const m of document.getElementsByClassName('pn-loading-msg')) m.remove()
      const jsdoc = [...views.roots.values()][0].model.document
      pyodideWorker.jsdoc = jsdoc
      jsdoc.on_change(send_change.bind(null, jsdoc), false)
      pyodideWorker.postMessage({type: 'rendered'})
      pyodideWorker.postMessage({type: 'location', location: JSON.stringify(window.location)})
      done()
    }
  }
})()
