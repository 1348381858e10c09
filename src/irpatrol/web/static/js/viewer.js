// Thermal image viewer, as a thermographer reads a thermogram: the float32 temperatures drawn with
// a palette LUT over a level/span the analyst sets (default: the frame's own minimum–maximum, or
// the patrol's fixed range), a colour bar with its °C scale, isotherm (alarm) colouring above a
// temperature, spot / box / line / polygon tools with ΔT between the last two, the visible photo
// beside it with a synced cursor, each hotspot's "why", a missed hotspot marked by hand, and a
// recompute shown as a draft and saved only on confirmation. Text from data goes in as text nodes.
(function () {
  const cfg = JSON.parse(document.getElementById("viewer-data").textContent);
  const L = cfg.labels;
  const canvas = document.getElementById("ir");
  const ctx = canvas.getContext("2d");
  const bar = document.getElementById("bar");
  const fmt = (v) => (Math.abs(v) < 0.05 ? 0 : v).toFixed(1);
  const W = cfg.width, H = cfg.height;
  let temps = null, base = null, drag = null, poly = [], measures = [], lastParams = null;
  let level = null; // [lo, hi] °C
  const colours = { critical: "#ff3b3b", serious: "#ff9800", general: "#ffeb3b", none: "#4caf50" };
  const $ = (id) => document.getElementById(id);

  function text(el, value) { el.textContent = value; return el; }
  function el(tag, value, cls) { const e = document.createElement(tag); if (cls) e.className = cls; if (value != null) e.textContent = value; return e; }
  function csrf(headers) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) headers["X-CSRF-Token"] = meta.content;
    return headers;
  }

  async function load(query) {
    const res = await fetch(cfg.bin_url + (query ? "?" + query : ""), { credentials: "same-origin" });
    if (!res.ok) throw new Error(await res.text());
    temps = new Float32Array(await res.arrayBuffer());
    if (!level) level = cfg.fixed_range ? cfg.fixed_range.slice() : fullRange();
    showLevel();
    paint();
  }

  function fullRange() {
    let lo = Infinity, hi = -Infinity;
    for (const v of temps) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!Number.isFinite(lo)) return [0, 1];
    return [lo, Math.max(hi, lo + 0.5)];
  }

  function showLevel() { $("t-min").value = level[0].toFixed(1); $("t-max").value = level[1].toFixed(1); }

  function isotherm() { const v = parseFloat($("isotherm").value); return Number.isFinite(v) ? v : null; }

  function paint() {
    const [lo, hi] = level, span = Math.max(hi - lo, 1e-6), iso = isotherm();
    const img = ctx.createImageData(W, H);
    for (let i = 0; i < temps.length; i++) {
      const v = temps[i];
      let c;
      if (iso != null && v > iso) c = cfg.isotherm_rgb;
      else c = cfg.lut[Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(((v - lo) / span) * 255))) : 0];
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    base = img;
    drawBar();
    overlay();
    document.body.dataset.viewerReady = "1";
  }

  function niceTicks(lo, hi) {
    const raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(6));
    return [out, step];
  }

  function drawBar() {
    const b = bar.getContext("2d"), bh = bar.height, top = 22, bottom = bh - 10, x = 6, w = 16;
    b.fillStyle = "#202020"; b.fillRect(0, 0, bar.width, bh);
    const [lo, hi] = level, iso = isotherm();
    for (let y = top; y <= bottom; y++) {
      const t = hi - ((y - top) / (bottom - top)) * (hi - lo);
      const c = iso != null && t > iso ? cfg.isotherm_rgb : cfg.lut[Math.min(255, Math.max(0, Math.round(((t - lo) / (hi - lo)) * 255)))];
      b.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; b.fillRect(x, y, w, 1);
    }
    b.fillStyle = "#eee"; b.font = "11px sans-serif"; b.fillText("°C", x, 13);
    const [ticks, step] = niceTicks(lo, hi);
    const digits = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    for (const v of ticks) {
      const y = top + ((hi - v) / (hi - lo)) * (bottom - top);
      b.fillRect(x + w, Math.round(y), 3, 1);
      b.fillText(v.toFixed(digits), x + w + 9, Math.round(y) + 4);
    }
  }

  function overlay() {
    ctx.putImageData(base, 0, 0);
    ctx.lineWidth = Math.max(1, W / 320);
    ctx.font = `${Math.max(10, Math.round(W / 45))}px sans-serif`;
    for (const h of cfg.hotspots) {
      ctx.strokeStyle = colours[h.grade] || "#0ff";
      if (h.contour && h.contour.length > 2) {
        ctx.beginPath(); ctx.moveTo(h.contour[0][0], h.contour[0][1]);
        for (const [px, py] of h.contour.slice(1)) ctx.lineTo(px, py);
        ctx.closePath(); ctx.stroke();
      } else ctx.strokeRect(h.x - 1, h.y - 1, h.w + 2, h.h + 2);
      ctx.fillStyle = ctx.strokeStyle;
      const label = `${cfg.grades[h.grade] || h.grade} ${h.t_max_c == null ? "" : h.t_max_c.toFixed(1) + " °C"}`;
      ctx.fillText(label, h.x, Math.max(12, h.y - 4));
    }
    ctx.strokeStyle = "#00e5ff"; ctx.fillStyle = "#00e5ff"; ctx.setLineDash([4, 3]);
    measures.forEach((m, i) => drawShape(m.shape, i === measures.length - 1 ? "B" : "A"));
    if (drag && drag.shape) drawShape(drag.shape, "");
    if (poly.length) drawShape({ kind: "polygon", points: poly, open: true }, "");
    ctx.setLineDash([]);
  }

  function drawShape(s, tag) {
    ctx.beginPath();
    if (s.kind === "spot") { ctx.moveTo(s.x - 5, s.y); ctx.lineTo(s.x + 5, s.y); ctx.moveTo(s.x, s.y - 5); ctx.lineTo(s.x, s.y + 5); }
    else if (s.kind === "box" || s.kind === "reference") ctx.rect(s.x, s.y, s.w, s.h);
    else if (s.kind === "line") { ctx.moveTo(s.x0, s.y0); ctx.lineTo(s.x1, s.y1); }
    else if (s.kind === "polygon") { ctx.moveTo(s.points[0][0], s.points[0][1]); for (const p of s.points.slice(1)) ctx.lineTo(p[0], p[1]); if (!s.open) ctx.closePath(); }
    ctx.stroke();
    if (tag) { const [x, y] = anchor(s); ctx.fillText(tag, x + 3, y - 3); }
  }
  function anchor(s) { return s.kind === "line" ? [s.x0, s.y0] : s.kind === "polygon" ? s.points[0] : [s.x, s.y]; }

  function pixel(ev) {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor(((ev.clientX - r.left) / r.width) * W), y = Math.floor(((ev.clientY - r.top) / r.height) * H);
    return [Math.min(W - 1, Math.max(0, x)), Math.min(H - 1, Math.max(0, y))];
  }

  function stats(points) {
    let min = Infinity, max = -Infinity, sum = 0, n = 0;
    for (const [x, y] of points) { const v = temps[y * W + x]; if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); sum += v; n++; } }
    return n ? { min, max, mean: sum / n, n } : null;
  }
  function pointsOf(s) {
    const pts = [];
    if (s.kind === "spot") pts.push([s.x, s.y]);
    else if (s.kind === "box" || s.kind === "reference") { for (let y = s.y; y < s.y + s.h; y++) for (let x = s.x; x < s.x + s.w; x++) pts.push([x, y]); }
    else if (s.kind === "line") {
      const n = Math.max(Math.abs(s.x1 - s.x0), Math.abs(s.y1 - s.y0), 1);
      for (let i = 0; i <= n; i++) pts.push([Math.round(s.x0 + ((s.x1 - s.x0) * i) / n), Math.round(s.y0 + ((s.y1 - s.y0) * i) / n)]);
    } else if (s.kind === "polygon") {
      const xs = s.points.map((p) => p[0]), ys = s.points.map((p) => p[1]);
      for (let y = Math.min(...ys); y <= Math.max(...ys); y++) for (let x = Math.min(...xs); x <= Math.max(...xs); x++) if (inside(s.points, x + 0.5, y + 0.5)) pts.push([x, y]);
    }
    return pts;
  }
  function inside(pts, x, y) {
    let c = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i], [xj, yj] = pts[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  }

  function addMeasure(shape) {
    const m = stats(pointsOf(shape));
    if (!m) return;
    measures.push({ shape, m });
    if (measures.length > 2) measures.shift();
    showMeasures();
    if (shape.kind === "box") { setValue("af-bbox", `${shape.x},${shape.y},${shape.w},${shape.h}`); setValue("af-polygon", ""); shapeNote(L.box); }
    if (shape.kind === "polygon") { setValue("af-polygon", JSON.stringify(shape.points)); setValue("af-bbox", ""); shapeNote(`${L.polygon} (${shape.points.length} ${L.points})`); }
    if (shape.kind === "reference") setValue("af-ref", `${shape.x},${shape.y},${shape.w},${shape.h}`);
    overlay();
  }
  function setValue(id, v) { const e = $(id); if (e) e.value = v; }
  function shapeNote(v) { const e = $("af-shape"); if (e) e.textContent = v; }

  function showMeasures() {
    const box = $("measures");
    box.replaceChildren();
    measures.forEach((x, i) => {
      const tag = measures.length === 2 && i === 1 ? "B" : "A";
      const s = x.shape;
      let what = L[s.kind] || s.kind;
      if (s.kind === "line") what += ` (${L.length} ${Math.round(Math.hypot(s.x1 - s.x0, s.y1 - s.y0))} px)`;
      const line = el("div", `${tag} · ${what} — ${L.min} ${x.m.min.toFixed(1)} °C · ${L.max} ${x.m.max.toFixed(1)} °C · ${L.mean} ${x.m.mean.toFixed(1)} °C`);
      box.appendChild(line);
    });
    text($("delta-ab"), measures.length === 2 ? `${fmt(measures[1].m.max - measures[0].m.max)} K` : "—");
  }

  const visImg = $("visible-image"), visCursor = $("vis-cursor");
  canvas.addEventListener("mousemove", (ev) => {
    if (!temps) return;
    const [x, y] = pixel(ev);
    const v = temps[y * W + x];
    text($("cursor-t"), Number.isFinite(v) ? v.toFixed(1) + " °C" : "—");
    text($("cursor-xy"), `(${x}, ${y})`);
    if (visImg && visCursor) { // the visible photo covers the same view: the same relative place
      visCursor.hidden = false;
      visCursor.style.left = `${((x + 0.5) / W) * 100}%`; visCursor.style.top = `${((y + 0.5) / H) * 100}%`;
    }
    if (drag) {
      const tool = drag.tool;
      if (tool === "line") drag.shape = { kind: "line", x0: drag.x, y0: drag.y, x1: x, y1: y };
      else if (tool === "box" || tool === "reference") drag.shape = { kind: tool, x: Math.min(drag.x, x), y: Math.min(drag.y, y), w: Math.abs(x - drag.x) + 1, h: Math.abs(y - drag.y) + 1 };
      overlay();
    }
  });
  canvas.addEventListener("mouseleave", () => { if (visCursor) visCursor.hidden = true; });
  canvas.addEventListener("mousedown", (ev) => {
    if (!temps) return;
    const tool = $("tool").value, [x, y] = pixel(ev);
    if (tool === "spot") { addMeasure({ kind: "spot", x, y }); return; }
    if (tool === "polygon") {
      if (poly.length > 2 && Math.hypot(poly[0][0] - x, poly[0][1] - y) < Math.max(3, W / 100)) { addMeasure({ kind: "polygon", points: poly }); poly = []; }
      else { poly.push([x, y]); overlay(); }
      return;
    }
    drag = { tool, x, y, shape: null };
  });
  canvas.addEventListener("dblclick", () => { if (poly.length > 2) { addMeasure({ kind: "polygon", points: poly }); poly = []; } });
  window.addEventListener("mouseup", () => { if (drag) { const s = drag.shape; drag = null; if (s) addMeasure(s); else overlay(); } });

  for (const id of ["t-min", "t-max"]) $(id).addEventListener("change", () => {
    const lo = parseFloat($("t-min").value), hi = parseFloat($("t-max").value);
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) { level = [lo, hi]; paint(); } else showLevel();
  });
  $("isotherm").addEventListener("change", () => paint());
  $("auto-range").addEventListener("click", () => { level = fullRange(); showLevel(); paint(); });
  if ($("patrol-range")) $("patrol-range").addEventListener("click", () => { level = cfg.fixed_range.slice(); showLevel(); paint(); });
  $("clear-tools").addEventListener("click", () => { measures = []; poly = []; showMeasures(); overlay(); });
  $("palette").addEventListener("change", () => $("palette-form").submit());

  function showWhy(h) {
    const panel = $("why-panel");
    panel.replaceChildren();
    text($("why-finding"), `#${h.id}`);
    for (const line of h.why) { panel.appendChild(el("dt", line.label)); panel.appendChild(el("dd", line.value)); }
    for (const row of document.querySelectorAll("tr.hotspot-row")) row.classList.toggle("selected", row.dataset.finding === String(h.id));
  }
  for (const row of document.querySelectorAll("tr.hotspot-row")) {
    row.addEventListener("click", () => { const h = cfg.hotspots.find((x) => String(x.id) === row.dataset.finding); if (h) showWhy(h); });
  }
  if (cfg.hotspots.length) showWhy(cfg.hotspots[0]);

  // recompute: preview the temperatures, then a draft of every finding; saved only on confirmation
  $("params").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const query = new URLSearchParams();
    for (const [k, v] of form.entries()) if (v !== "") query.set(k, v);
    const msg = $("params-msg");
    text(msg, "…");
    try { await load(query.toString()); showMeasures(); } catch (err) { text(msg, String(err.message || err)); $("draft").hidden = true; return; }
    const table = $("draft-table");
    table.replaceChildren();
    const head = el("tr"); for (const h of ["#", L.before, L.after]) head.appendChild(el("th", h)); table.appendChild(head);
    const problems = [];
    for (const h of cfg.hotspots) {
      const res = await fetch(`${cfg.prefix}/findings/${h.id}/recompute/draft`, { method: "POST", credentials: "same-origin", headers: csrf({}), body: form });
      const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
      if (!res.ok) { problems.push(`#${h.id}: ${data.error || res.status}`); continue; }
      const before = new Map(data.why_before.map((l) => [l.key, l])), after = new Map(data.why_after.map((l) => [l.key, l]));
      const title = el("tr"); title.appendChild(el("th", `#${h.id}`)); title.appendChild(el("th", "")); title.appendChild(el("th", "")); table.appendChild(title);
      for (const [key, b] of before) {
        const a = after.get(key) || { value: "" };
        const tr = el("tr"); tr.appendChild(el("td", b.label)); tr.appendChild(el("td", b.value));
        tr.appendChild(el("td", a.value, a.value !== b.value ? "changed" : ""));
        table.appendChild(tr);
      }
    }
    lastParams = problems.length ? null : form;
    text(msg, problems.join(" · "));
    $("draft").hidden = problems.length > 0 || !cfg.hotspots.length;
  });
  if ($("confirm-recompute")) $("confirm-recompute").addEventListener("click", async () => {
    if (!lastParams) return;
    const problems = [];
    for (const h of cfg.hotspots) {
      const res = await fetch(`${cfg.prefix}/findings/${h.id}/recompute`, { method: "POST", credentials: "same-origin", headers: csrf({}), body: lastParams });
      if (!res.ok) { const d = await res.json().catch(() => ({})); problems.push(`#${h.id}: ${d.error || res.status}`); }
    }
    if (problems.length) { text($("params-msg"), problems.join(" · ")); return; }
    window.location.assign(window.location.pathname + "?ok=1");
  });
  if ($("discard-recompute")) $("discard-recompute").addEventListener("click", () => { $("draft").hidden = true; lastParams = null; level = null; load("").catch(() => {}); });

  load("").catch((err) => { text($("cursor-t"), String(err.message || err)); });
})();
