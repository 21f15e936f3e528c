// ConvNetJS's MNIST demo network, trained on synthetic 24x24 digits, in Node.
//
//   node bench/convnetjs_mnist.js [N=1000]
//
// The network and trainer are those of ConvNetJS's MNIST demo page:
//   input 24x24x1 -> conv 8@5x5 s1 p2 relu -> pool 2x2 s2
//                 -> conv 16@5x5 s1 p2 relu -> pool 3x3 s3 -> softmax 10
//   trainer: adadelta, batch_size 20, l2_decay 0.001
// It prints examples/s, to compare with cnncore's twin of the same network
// (bench/engine.py, row "ConvNetJS net train step b20") in CPython and Pyodide.
//
// convnetjs is looked up in $CNN_PYODIDE_DIR/node_modules (default
// /work/pyodide-local; `scripts/setup_pyodide_local.sh --convnetjs` installs
// convnetjs@0.3.0 there), or wherever Node's require finds it.
"use strict";
const path = require("path");

function loadConvnet() {
  const dir = process.env.CNN_PYODIDE_DIR || "/work/pyodide-local";
  for (const p of [path.join(dir, "node_modules", "convnetjs"), "convnetjs"]) {
    try { return require(p); } catch (e) { /* try the next place */ }
  }
  process.stderr.write("convnetjs_mnist: convnetjs not found; run " +
    "scripts/setup_pyodide_local.sh --convnetjs (installs convnetjs@0.3.0)\n");
  process.exit(2);
}

const convnetjs = loadConvnet();
const N = parseInt(process.argv[2] || "1000", 10);
const REPEATS = 5;

// A small deterministic generator (mulberry32), so every run sees the same data.
let seed = 12345;
function rand() {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function makeNet() {
  const layers = [
    { type: "input", out_sx: 24, out_sy: 24, out_depth: 1 },
    { type: "conv", sx: 5, filters: 8, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 2, stride: 2 },
    { type: "conv", sx: 5, filters: 16, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 3, stride: 3 },
    { type: "softmax", num_classes: 10 },
  ];
  const net = new convnetjs.Net();
  net.makeLayers(layers);
  const trainer = new convnetjs.SGDTrainer(net, {
    method: "adadelta", batch_size: 20, l2_decay: 0.001,
  });
  return trainer;
}

// A pool of synthetic examples, reused cyclically (making Vols is not timed).
const POOL = 200;
const data = [];
for (let i = 0; i < POOL; i++) {
  const v = new convnetjs.Vol(24, 24, 1, 0.0);
  for (let j = 0; j < v.w.length; j++) v.w[j] = rand();
  data.push({ x: v, y: Math.floor(rand() * 10) });
}

function trainN(trainer, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const d = data[i % POOL];
    trainer.train(d.x, d.y);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const trainer = makeNet();
trainN(trainer, 200);                       // warm-up: lets V8 optimize the hot loops
const rates = [];
for (let r = 0; r < REPEATS; r++) rates.push(N / trainN(trainer, N));
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(`ConvNetJS 0.3.0 MNIST demo net, Node ${process.version}, batch 20 (adadelta), ` +
  `${N} examples x ${REPEATS} repeats`);
console.log(`examples/s: median ${median.toFixed(0)} ` +
  `(min ${rates[0].toFixed(0)}, max ${rates[rates.length - 1].toFixed(0)})`);
