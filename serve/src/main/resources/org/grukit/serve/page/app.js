// grukit serve's page: lists the server's models and builds a card to try each one, by its input kind and outputs.
// Every result comes from the same predict route a client calls; text from a model or a user is only ever set as
// textContent, never parsed as HTML.
"use strict";

const KEY_STORE = "grukit-api-key";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

// A call to the server: the parsed JSON answer, or an Error carrying the server's own message and status.
async function call(path, options) {
  const o = Object.assign({}, options || {});
  o.headers = headers(o.headers);
  const r = await fetch(path, o);
  let body;
  try {
    body = await r.json();
  } catch (e) {
    body = { error: "the server answered " + r.status + " with no JSON" };
  }
  if (!r.ok) {
    const err = new Error((body && body.error) || ("HTTP " + r.status));
    err.status = r.status;
    throw err;
  }
  return body;
}

async function predict(name, instances, parameters) {
  const body = { instances: instances };
  if (parameters && Object.keys(parameters).length) body.parameters = parameters;
  const answer = await call("/v1/models/" + encodeURIComponent(name) + ":predict", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return answer.predictions[0];
}

function showError(result, e) {
  result.replaceChildren(el("p", { class: "error", text: e.message }));
}

// Runs fn on a click, showing progress and errors in the card's result area.
function wire(button, result, fn) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.replaceChildren(el("p", { class: "muted", text: "Working..." }));
    try {
      await fn();
    } catch (e) {
      showError(result, e);
    } finally {
      button.disabled = false;
    }
  });
}

function shade(weight, max) {
  const a = max > 0 ? weight / max : 0;
  return "rgba(255, 140, 0, " + (0.08 + 0.82 * a).toFixed(3) + ")";
}

// A sentiment model: the label and its probability, each token shaded by its attention weight.
function sentimentCard(card, model) {
  const input = el("textarea", { class: "input", rows: "2", placeholder: "Type a sentence, e.g. a wonderful, moving film" });
  const run = el("button", { class: "run", type: "button", text: "Classify" });
  const result = el("div", { class: "result" });
  const details = model.details.length > 0;
  wire(run, result, async () => {
    const p = await predict(model.name, [input.value], details ? { details: true } : {});
    const out = [el("p", {}, el("span", { class: "label", text: p.label }),
      document.createTextNode(" with probability " + p.probability.toFixed(3)))];
    if (details) {
      const max = Math.max(...p.attention);
      const tokens = el("p", { class: "tokens" });
      p.tokens.forEach((t, i) => {
        const s = el("span", { text: t, title: "attention " + p.attention[i].toFixed(3) });
        s.style.background = shade(p.attention[i], max);
        s.dataset.weight = p.attention[i];
        tokens.append(s);
      });
      out.push(tokens, el("p", { class: "muted", text: "Darker tokens weighed more in the model's attention pooling." }));
    }
    result.replaceChildren(...out);
  });
  card.append(input, run, result);
}

// A translation model: the translation (and the beam's other hypotheses) and the decoder's alignment as a heatmap.
function translationCard(card, model) {
  const input = el("input", { class: "input", type: "text", placeholder: "A sentence to translate" });
  const beam = el("select", { class: "beam" });
  for (const b of [1, 3, 5, 10]) beam.append(el("option", { value: String(b), text: b === 1 ? "greedy" : "beam " + b }));
  beam.value = "5";
  const run = el("button", { class: "run", type: "button", text: "Translate" });
  const result = el("div", { class: "result" });
  wire(run, result, async () => {
    const b = Number(beam.value);
    const p = await predict(model.name, [input.value], { beam: b, n_best: Math.min(3, b), details: true });
    const out = [el("p", { class: "translation", text: p.translation })];
    if (p.n_best && p.n_best.length > 1) {
      const list = el("ol", { class: "nbest" });
      p.n_best.forEach((t, i) => list.append(el("li", { text: t + "  (" + p.n_best_scores[i].toFixed(3) + ")" })));
      out.push(el("p", { class: "muted", text: "The beam's best hypotheses:" }), list);
    }
    out.push(heatmap(p.source_tokens, p.target_tokens, p.alignment));
    result.replaceChildren(...out);
  });
  card.append(input, beam, run, result);
}

function heatmap(sources, targets, weights) {
  const table = el("table", { class: "heatmap" });
  const head = el("tr", {}, el("th"));
  for (const s of sources) head.append(el("th", { class: "col", text: s }));
  table.append(head);
  targets.forEach((t, i) => {
    const row = el("tr", {}, el("th", { class: "row", text: t }));
    // Each row sums to 1: shaded by the weight itself, so a spread-out row looks pale and a sharp one dark.
    weights[i].forEach((w) => {
      const td = el("td", { title: w.toFixed(3) });
      td.style.background = shade(w, 1);
      td.dataset.weight = w;
      row.append(td);
    });
    table.append(row);
  });
  return el("div", {}, el("p", { class: "muted", text: "Alignment: each output word's attention over the source words." }), table);
}

function summaryCard(card, model) {
  const input = el("textarea", { class: "input", rows: "6", placeholder: "A document to summarise" });
  const run = el("button", { class: "run", type: "button", text: "Summarise" });
  const result = el("div", { class: "result" });
  wire(run, result, async () => {
    const p = await predict(model.name, [input.value], {});
    result.replaceChildren(el("p", { class: "summary", text: p.summary }));
  });
  card.append(input, run, result);
}

// 16-bit mono PCM WAV bytes of samples in [-1, 1].
function wavBytes(samples, rate) {
  const buf = new ArrayBuffer(44 + 2 * samples.length);
  const v = new DataView(buf);
  const text = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
  text(0, "RIFF"); v.setUint32(4, 36 + 2 * samples.length, true); text(8, "WAVE");
  text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, 2 * rate, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  text(36, "data"); v.setUint32(40, 2 * samples.length, true);
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-1, Math.min(1, samples[i]));
    v.setInt16(44 + 2 * i, Math.round(x * 32767), true);
  }
  return new Uint8Array(buf);
}

// A speech model: a recording file's transcript (WAV, FLAC, MP3, Ogg Vorbis), or a microphone recording's (the
// browser's audio decoded and sent as a WAV file).
function speechCard(card, model) {
  const file = el("input", { class: "file", type: "file", accept: "audio/*,.wav,.flac,.mp3,.ogg" });
  const send = el("button", { class: "run", type: "button", text: "Transcribe file" });
  const record = el("button", { class: "record", type: "button", text: "Record" });
  const result = el("div", { class: "result" });
  // The server finds the format from the bytes; any audio/* type marks the body as a recording.
  async function transcribe(bytes, what, type) {
    const answer = await call("/v1/models/" + encodeURIComponent(model.name) + ":predict", {
      method: "POST", headers: { "Content-Type": type || "audio/wav" }, body: bytes,
    });
    const p = answer.predictions[0];
    result.replaceChildren(el("p", { class: "transcript", text: p.transcript === "" ? "(nothing heard)" : p.transcript }),
      el("p", { class: "muted", text: what }));
  }
  wire(send, result, async () => {
    if (!file.files.length) throw new Error("choose a WAV file first");
    const f = file.files[0];
    const type = f.type && f.type.startsWith("audio/") ? f.type : "audio/wav";
    await transcribe(new Uint8Array(await f.arrayBuffer()), f.name + ", " + f.size + " bytes", type);
  });
  let recorder = null;
  record.addEventListener("click", async () => {
    if (recorder) {
      recorder.stop();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (e) => chunks.push(e.data);
      recorder.onstop = async () => {
        stream.getTracks().forEach((t) => t.stop());
        recorder = null;
        record.textContent = "Record";
        try {
          const ctx = new AudioContext();
          const audio = await ctx.decodeAudioData(await new Blob(chunks).arrayBuffer());
          const samples = audio.getChannelData(0);
          await transcribe(wavBytes(samples, audio.sampleRate), "recorded " + audio.duration.toFixed(1) + " s at " + audio.sampleRate + " Hz");
          ctx.close();
        } catch (e) {
          showError(result, e);
        }
      };
      recorder.start();
      record.textContent = "Stop";
      result.replaceChildren(el("p", { class: "muted", text: "Recording... click Stop when done." }));
    } catch (e) {
      showError(result, new Error("cannot record: " + e.message));
    }
  });
  card.append(file, send, record, result);
}

// Lines of "value" or "time,value": a history as the server takes it.
function parseSeries(text, column) {
  const time = [], values = [];
  text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length).forEach((line, i) => {
    const parts = line.split(/[,;\t]/).map((p) => p.trim());
    const v = Number(parts[parts.length - 1]);
    if (!Number.isFinite(v)) throw new Error("line " + (i + 1) + ": '" + parts[parts.length - 1] + "' is not a number");
    values.push(v);
    if (parts.length > 1) time.push(parts[0]);
  });
  if (time.length && time.length !== values.length) throw new Error("give a time on every line or on none");
  const series = {};
  series[column] = values;
  if (time.length) series.time = time;
  return series;
}

// A forecasting model: the history pasted, the forecast after it with its quantile band, drawn as an SVG plot.
function forecastCard(card, model, description) {
  const inputs = (description.model && description.model.inputs) || ["values"];
  const column = inputs.length === 1 ? inputs[0] : "values";
  const input = el("textarea", { class: "input", rows: "8", placeholder: "One value per line, or time,value per line" });
  const run = el("button", { class: "run", type: "button", text: "Forecast" });
  const result = el("div", { class: "result" });
  wire(run, result, async () => {
    const series = parseSeries(input.value, column);
    const p = await predict(model.name, [series], {});
    const history = series[column];
    const point = p.forecast.map((row) => row[0]);
    const q = p.quantiles || [];
    const lo = q.length ? p.quantile_forecasts[0].map((row) => row[0]) : null;
    const hi = q.length ? p.quantile_forecasts[q.length - 1].map((row) => row[0]) : null;
    const table = el("table", { class: "values" }, el("tr", {}, el("th", { text: "time" }), el("th", { text: "forecast" }),
      q.length ? el("th", { text: "q" + q[0] }) : null, q.length ? el("th", { text: "q" + q[q.length - 1] }) : null));
    point.forEach((v, i) => table.append(el("tr", {}, el("td", { text: p.time[i] }), el("td", { class: "point", text: v.toFixed(3) }),
      lo ? el("td", { text: lo[i].toFixed(3) }) : null, hi ? el("td", { text: hi[i].toFixed(3) }) : null)));
    result.replaceChildren(plot(history, point, lo, hi), table);
  });
  card.append(input, run, result);
}

function plot(history, point, lo, hi) {
  const ns = "http://www.w3.org/2000/svg";
  const W = 800, H = 260, pad = 30;
  const all = history.concat(point, lo || [], hi || []);
  const min = Math.min(...all), max = Math.max(...all);
  const n = history.length + point.length;
  const x = (i) => pad + (W - 2 * pad) * i / Math.max(1, n - 1);
  const y = (v) => H - pad - (H - 2 * pad) * (max === min ? 0.5 : (v - min) / (max - min));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "plot");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  const path = (points, attrs) => {
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", points.map((pt, i) => (i ? "L" : "M") + pt[0].toFixed(1) + " " + pt[1].toFixed(1)).join(" ") + (attrs.close ? " Z" : ""));
    for (const [k, v] of Object.entries(attrs)) if (k !== "close") p.setAttribute(k, v);
    svg.append(p);
  };
  const h0 = history.length;
  if (lo && hi) {
    const band = lo.map((v, i) => [x(h0 + i), y(v)]).concat(hi.map((v, i) => [x(h0 + i), y(v)]).reverse());
    path(band, { class: "band", fill: "rgba(31, 119, 180, 0.2)", stroke: "none", close: true });
  }
  path(history.map((v, i) => [x(i), y(v)]), { class: "history", fill: "none", stroke: "#333", "stroke-width": "1.5" });
  path([[x(h0 - 1), y(history[h0 - 1])]].concat(point.map((v, i) => [x(h0 + i), y(v)])),
    { class: "forecast", fill: "none", stroke: "#1f77b4", "stroke-width": "2" });
  for (const [v, label] of [[max, max.toFixed(2)], [min, min.toFixed(2)]]) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", "2");
    t.setAttribute("y", String(y(v) + 4));
    t.setAttribute("font-size", "11");
    t.textContent = label;
    svg.append(t);
  }
  return svg;
}

function genericCard(card, model) {
  card.append(el("p", { class: "muted", text: "No form for this model's input; call its predict route." }));
}

async function load() {
  const status = document.getElementById("status");
  const main = document.getElementById("models");
  let list;
  try {
    list = (await call("/v1/models")).models;
  } catch (e) {
    if (e.status === 401) {
      document.getElementById("key").hidden = false;
      status.textContent = e.message;
      return;
    }
    status.textContent = "Could not list the models: " + e.message;
    status.className = "error";
    return;
  }
  main.replaceChildren();
  for (const m of list) {
    const d = await call("/v1/models/" + encodeURIComponent(m.name));
    const card = el("section", { class: "card", "data-model": m.name, "data-type": m.type },
      el("h2", { text: m.name + " " }, el("small", { text: m.type })));
    const outputs = d.outputs.map((o) => o.name);
    const model = { name: m.name, details: d.details };
    if (m.input === "audio") speechCard(card, model);
    else if (m.input === "series") forecastCard(card, model, d);
    else if (outputs.includes("label")) sentimentCard(card, model);
    else if (outputs.includes("translation")) translationCard(card, model);
    else if (outputs.includes("summary")) summaryCard(card, model);
    else genericCard(card, model);
    main.append(card);
  }
  status.textContent = list.length + (list.length === 1 ? " model" : " models") + " loaded.";
}

document.getElementById("key-save").addEventListener("click", () => {
  sessionStorage.setItem(KEY_STORE, document.getElementById("key-input").value);
  document.getElementById("key").hidden = true;
  load();
});

load();
