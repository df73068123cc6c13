// The training UI's page: polls the server for new records of every run and redraws. Every value shown comes
// from records (labels are folder names: any text), so the DOM is built with textContent only, never innerHTML.
"use strict";

const POLL_MS = 1000;
const COLORS = ["#2563eb", "#e8590c", "#0f9d58", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#475569"];
const runs = new Map();     // session id -> run state
let selected = null;
const charts = {};

function newRun(id) {
  return { id, title: id, next: 0, staticCount: -1, job: null, listener: null, iterations: [], epochs: [],
           evaluation: null, status: null };
}

// ------------------------------------------------------------------------------------------------ data

async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function absorb(run, body) {
  for (const s of body.static || []) {      // null when it has not changed since the last request
    if (s.typeID === "TransferJob") run.job = s.values;
    else if (s.typeID === "StatsListener" && !run.listener) run.listener = s.values;
  }
  if (run.job && typeof run.job.title === "string") run.title = run.job.title;
  for (const u of body.updates) {
    const v = u.values;
    if (u.typeID === "StatsListener") run.iterations.push(v);
    else if (u.typeID === "TransferJob") {
      if (v.kind === "epoch") run.epochs.push(v);
      else if (v.kind === "evaluation") run.evaluation = v;
      else if (v.kind === "status") run.status = v;
    }
  }
  run.next = body.next;
}

async function poll() {
  const connection = document.getElementById("connection");
  try {
    const list = await getJson("api/sessions");
    for (const s of list.sessions) {
      if (!runs.has(s.id)) runs.set(s.id, newRun(s.id));
      const run = runs.get(s.id);
      let withStatic = s.staticCount !== run.staticCount;
      if (s.updates > run.next || withStatic) {
        let body;
        do {
          body = await getJson("api/sessions/" + encodeURIComponent(s.id) + "?from=" + run.next +
                               "&static=" + (withStatic ? 1 : 0));
          absorb(run, body);
          withStatic = false;
        } while (body.next < body.total);
        run.staticCount = s.staticCount;
      }
    }
    if (selected === null && runs.size > 0) selected = runs.keys().next().value;
    connection.textContent = "live";
    connection.className = "connection live";
    render();
  } catch (e) {
    connection.textContent = "connection lost";
    connection.className = "connection lost";
  }
  setTimeout(poll, POLL_MS);
}

// ------------------------------------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "style") node.style.cssText = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function num(v, digits) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  return Number(v).toFixed(digits);
}

function sci(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  return Number(v).toExponential(2);
}

function duration(seconds) {
  if (!isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? h + "h " : "") + (h || m ? m + "m " : "") + (s % 60) + "s";
}

function setText(id, text) { document.getElementById(id).textContent = text; }

// an epoch row's position on the iteration axis: iterations done at its end
function epochX(run, row) {
  if (typeof row.iteration === "number") return row.iteration;
  const steps = run.job && run.job.stepsPerEpoch;
  return steps ? row.epoch * steps : row.epoch;
}

// rows of [x, ...values] merged on x (uPlot wants one x array; missing values are null)
function merged(seriesList) {
  const byX = new Map();
  seriesList.forEach((points, k) => {
    for (const [x, y] of points) {
      if (!byX.has(x)) byX.set(x, new Array(seriesList.length).fill(null));
      byX.get(x)[k] = (y === null || y === undefined || !isFinite(y)) ? null : y;
    }
  });
  const xs = [...byX.keys()].sort((a, b) => a - b);
  return [xs, ...seriesList.map((_, k) => xs.map(x => byX.get(x)[k]))];
}

// tick labels for small numbers (learning rates): 1.0e-3 instead of 0.001 0.001 0.001
const SCI_TICKS = (u, values) => values.map(v => v === 0 ? "0" : v.toExponential(1));

function drawChart(id, xLabel, series, data, yValues) {
  const host = document.getElementById(id);
  const width = Math.max(300, host.clientWidth || 500);
  const key = id + ":" + series.map(s => s.label).join("|");
  let chart = charts[id];
  if (!chart || chart.key !== key) {
    if (chart) chart.plot.destroy();
    host.textContent = "";
    const opts = {
      width, height: 240,
      scales: { x: { time: false } },
      axes: [Object.assign({ label: xLabel, stroke: "#6b778c", grid: { stroke: "#eef1f5" } },
                           xLabel === "epoch" ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : {}),
             Object.assign({ stroke: "#6b778c", grid: { stroke: "#eef1f5" }, size: 60 }, yValues ? { values: yValues } : {})],
      series: [{ label: xLabel }, ...series.map(s => Object.assign({ spanGaps: true, width: 2 }, s))],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    chart = { key, plot: new uPlot(opts, data, host) };
    charts[id] = chart;
  } else {
    chart.plot.setData(data);
    if (Math.abs(chart.plot.width - width) > 4) chart.plot.setSize({ width, height: 240 });
  }
  let points = 0;
  for (let k = 1; k < data.length; k++) points += data[k].filter(v => v !== null).length;
  host.dataset.points = String(points);
}

// ------------------------------------------------------------------------------------------------ rendering

function render() {
  document.getElementById("empty").classList.toggle("hidden", runs.size > 0);
  renderRunButtons();
  const run = runs.get(selected);
  document.getElementById("overview").classList.toggle("hidden", !run);
  if (run) {
    renderOverview(run);
    renderCharts(run);
    renderEvaluation(run);
    renderModel(run);
  }
  renderCompare();
}

function renderRunButtons() {
  const nav = document.getElementById("runs");
  const ids = [...runs.keys()];
  if (nav.dataset.ids !== ids.join("|") + "#" + selected) {
    nav.textContent = "";
    for (const id of ids) {
      const b = el("button", { class: id === selected ? "selected" : "", title: id }, runs.get(id).title);
      b.addEventListener("click", () => { selected = id; render(); });
      nav.append(b);
    }
    nav.dataset.ids = ids.join("|") + "#" + selected;
  }
}

function runState(run) {
  if (run.status) return run.status.state;
  return run.evaluation ? "finished" : "running";
}

function renderOverview(run) {
  setText("run-title", run.title);
  const state = runState(run), badge = document.getElementById("run-state");
  badge.textContent = state + (run.status && run.status.message ? ": " + run.status.message : "");
  badge.className = "badge " + state;
  const job = run.job || {};
  const last = run.iterations[run.iterations.length - 1];
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const done = last ? last.iteration + 1 : (lastEpoch ? epochX(run, lastEpoch) : 0);
  const total = job.totalIterations || 0;
  setText("t-iteration", total ? done + " / " + total : String(done || "–"));
  setText("t-epoch", (lastEpoch ? lastEpoch.epoch : 0) + (job.epochs ? " / " + job.epochs : ""));
  setText("t-loss", last ? num(last.score, 4) : (lastEpoch ? num(lastEpoch.minibatch_loss, 4) : "–"));
  setText("t-valacc", lastEpoch ? num(lastEpoch.validation_accuracy, 3) : "–");
  const recent = run.iterations.slice(-20).filter(v => isFinite(v.examplesPerSecond));
  const speed = recent.length ? recent.reduce((a, v) => a + v.examplesPerSecond, 0) / recent.length : NaN;
  const itRate = recent.length ? recent.reduce((a, v) => a + v.iterationsPerSecond, 0) / recent.length : NaN;
  setText("t-speed", isFinite(speed) ? speed.toFixed(0) : "–");
  setText("t-lr", last ? sci(last.learningRate) : (lastEpoch ? sci(lastEpoch.lr) : "–"));
  const finished = state !== "running";
  setText("t-eta", finished ? "done" : (total && isFinite(itRate) && itRate > 0 ? duration((total - done) / itRate) : "–"));
  setText("t-testacc", run.evaluation ? num(run.evaluation.accuracy, 4) : "–");
  const fraction = finished ? 1 : (total ? Math.min(1, done / total) : 0);
  document.getElementById("progress-bar").style.width = (100 * fraction).toFixed(1) + "%";
}

function renderCharts(run) {
  const scores = run.iterations.map(v => [v.iteration + 1, v.score]);
  const trainLoss = run.epochs.map(r => [epochX(run, r), r.train_loss !== undefined ? r.train_loss : r.minibatch_loss]);
  const valLoss = run.epochs.map(r => [epochX(run, r), r.validation_loss]);
  const lossSeries = [{ label: "minibatch", stroke: "#93b4f5", width: 1 },
                      { label: "train (epoch)", stroke: "#2563eb", points: { show: true } },
                      { label: "validation (epoch)", stroke: "#e8590c", points: { show: true }, dash: [6, 4] }];
  drawChart("loss-chart", "iteration", lossSeries, merged([scores, trainLoss, valLoss]));
  drawChart("acc-chart", "epoch", [{ label: "train", stroke: "#2563eb", points: { show: true } },
                                    { label: "validation", stroke: "#e8590c", points: { show: true }, dash: [6, 4] }],
            merged([run.epochs.map(r => [r.epoch, r.train_accuracy]), run.epochs.map(r => [r.epoch, r.validation_accuracy])]));
  const rates = run.iterations.length ? run.iterations.map(v => [v.iteration + 1, v.learningRate])
                                      : run.epochs.map(r => [epochX(run, r), r.lr]);
  drawChart("lr-chart", "iteration", [{ label: "learning rate", stroke: "#9333ea", value: (u, v) => sci(v) }],
            merged([rates]), SCI_TICKS);
  drawChart("speed-chart", "iteration", [{ label: "images/s", stroke: "#0f9d58" }],
            merged([run.iterations.map(v => [v.iteration + 1, v.examplesPerSecond])]));
}

function renderEvaluation(run) {
  const ev = run.evaluation;
  const perClass = document.getElementById("per-class"), confusion = document.getElementById("confusion");
  const mistakes = document.getElementById("mistakes");
  const key = run.id + (ev ? ":evaluated" : ":running");
  if (perClass.dataset.key === key) return;
  perClass.dataset.key = key;
  if (!ev) {
    for (const node of [perClass, confusion, mistakes]) node.textContent = "after the last epoch";
    perClass.className = confusion.className = "muted";
    mistakes.className = "thumbs muted";
    return;
  }
  perClass.className = confusion.className = "";
  mistakes.className = "thumbs";
  const head = el("tr", {}, el("th", {}, "class"), el("th", {}, "precision"), el("th", {}, "recall"),
                  el("th", {}, "f1"), el("th", {}, "n"));
  const body = (ev.per_class || []).map(r => el("tr", {}, el("td", {}, r.label), el("td", {}, num(r.precision, 3)),
      el("td", {}, num(r.recall, 3)), el("td", {}, num(r.f1, 3)), el("td", {}, r.count)));
  perClass.replaceChildren(el("table", {}, head, ...body));

  const labels = ev.labels || [], matrix = ev.confusion_matrix;
  if (!Array.isArray(matrix)) {
    confusion.className = "muted";
    confusion.textContent = `${labels.length} classes: too many to show here (metrics.json holds the matrix)`;
  }
  const header = el("tr", {}, el("th", {}, "actual \\ predicted"), ...labels.map(l => el("th", { class: "rot" }, l)));
  const rows = (matrix || []).map((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    return el("tr", {}, el("th", {}, labels[i] || i), ...row.map((v, j) => {
      const share = v / sum;
      const bg = i === j ? `rgba(15,157,88,${0.12 + 0.75 * share})` : `rgba(220,38,38,${v ? 0.1 + 0.8 * share : 0})`;
      return el("td", { style: `background:${bg};color:${share > 0.55 ? "#fff" : "#1c2533"}` }, v);
    }));
  });
  if (Array.isArray(matrix)) confusion.replaceChildren(el("table", { class: "confusion" }, header, ...rows));

  const thumbs = (ev.mistakes || []).filter(m => typeof m.image === "string" && /^data:image\/(jpeg|png);base64,[A-Za-z0-9+/=]+$/.test(m.image));
  mistakes.replaceChildren(...(thumbs.length ? thumbs.map(m => el("div", { class: "thumb" },
      el("img", { src: m.image, alt: "" }), el("div", { class: "t" }, "true " + m.true),
      el("div", { class: "p" }, "predicted " + m.predicted + " (" + num(m.probability, 2) + ")")))
    : [el("span", { class: "muted" }, "no misclassified test image")]));
}

function renderModel(run) {
  const model = (run.job && run.job.model) || (run.listener && run.listener.model);
  const host = document.getElementById("model");
  const key = run.id + (model ? ":model" : ":none");
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  if (!model) {
    host.textContent = "";
    setText("model-totals", "");
    return;
  }
  setText("model-totals", `${Number(model.totalParams).toLocaleString()} parameters: ` +
          `${Number(model.trainableParams).toLocaleString()} trainable, ${Number(model.frozenParams).toLocaleString()} frozen` +
          (model.fixedParams ? `, ${Number(model.fixedParams).toLocaleString()} batch-norm statistics` : ""));
  const head = el("tr", {}, el("th", {}, "vertex"), el("th", {}, "type"), el("th", {}, "sizes"),
                  el("th", {}, "output (per example)"), el("th", {}, "parameters"), el("th", {}, "trains"));
  const rows = model.layers.map(r => el("tr", { class: r.frozen ? "frozen" : (r.trainableParams > 0 ? "trainable" : "") },
      el("td", {}, r.name), el("td", {}, r.type), el("td", {}, r.sizes), el("td", {}, r.output || "–"),
      el("td", {}, Number(r.params).toLocaleString()),
      el("td", {}, r.frozen ? "frozen" : (r.trainableParams > 0 ? "yes" : "–"))));
  host.replaceChildren(el("table", {}, head, ...rows));
}

function renderCompare() {
  const section = document.getElementById("compare-section");
  const all = [...runs.values()];
  section.classList.toggle("hidden", all.length < 2);
  if (all.length < 2) return;
  const series = all.map((r, k) => ({ label: r.title, stroke: COLORS[k % COLORS.length], points: { show: true } }));
  drawChart("compare-chart", "epoch", series,
            merged(all.map(r => r.epochs.map(e => [e.epoch, e.validation_loss !== undefined ? e.validation_loss : e.train_loss]))));
  const head = el("tr", {}, el("th", {}, "run"), el("th", {}, "model"), el("th", {}, "epochs"),
                  el("th", {}, "best validation loss"), el("th", {}, "last validation accuracy"), el("th", {}, "test accuracy"));
  const rows = all.map((r, k) => {
    const losses = r.epochs.map(e => e.validation_loss).filter(v => isFinite(v));
    const last = r.epochs[r.epochs.length - 1];
    return el("tr", {}, el("td", {}, el("span", { class: "swatch", style: `background:${COLORS[k % COLORS.length]}` }), r.title),
      el("td", {}, (r.job && r.job.modelName) || "–"), el("td", {}, r.epochs.length),
      el("td", {}, losses.length ? num(Math.min(...losses), 4) : "–"),
      el("td", {}, last ? num(last.validation_accuracy, 3) : "–"),
      el("td", {}, r.evaluation ? num(r.evaluation.accuracy, 4) : "–"));
  });
  document.getElementById("compare-table").replaceChildren(el("table", {}, head, ...rows));
}

window.addEventListener("resize", () => render());
document.addEventListener("DOMContentLoaded", poll);
