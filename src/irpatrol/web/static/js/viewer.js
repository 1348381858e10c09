// Thermal image viewer: draws the float32 temperatures with a palette LUT on a canvas, shows the
// temperature under the cursor, outlines the hotspots with their grades, measures a dragged box,
// and recomputes with new emissivity / distance / reflected temperature.
(function () {
  const cfg = JSON.parse(document.getElementById("viewer-data").textContent);
  const L = cfg.labels;
  const canvas = document.getElementById("ir");
  const ctx = canvas.getContext("2d");
  const W = cfg.width, H = cfg.height;
  let temps = null, base = null, box = null, drag = null;
  const colours = { critical: "#ff3b3b", serious: "#ff9800", general: "#ffeb3b", none: "#4caf50" };

  async function load(query) {
    const res = await fetch(cfg.bin_url + (query ? "?" + query : ""), { credentials: "same-origin" });
    if (!res.ok) throw new Error(await res.text());
    temps = new Float32Array(await res.arrayBuffer());
    paint();
  }

  // colour-scale ends: the 0.5th and 99.5th percentiles (a small hotspot saturates, the scene stays visible)
  function range() {
    const step = Math.max(1, Math.floor(temps.length / 20000));
    const sample = [];
    for (let i = 0; i < temps.length; i += step) if (Number.isFinite(temps[i])) sample.push(temps[i]);
    if (!sample.length) return [0, 1];
    sample.sort((a, b) => a - b);
    const lo = sample[Math.floor(0.005 * (sample.length - 1))], hi = sample[Math.ceil(0.995 * (sample.length - 1))];
    return [lo, Math.max(hi, lo + 0.5)];
  }

  function paint() {
    const [lo, hi] = range();
    const span = hi - lo;
    const img = ctx.createImageData(W, H);
    for (let i = 0; i < temps.length; i++) {
      const v = temps[i];
      const k = Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(((v - lo) / span) * 255))) : 0;
      const c = cfg.lut[k];
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    base = img;
    overlay();
    document.body.dataset.viewerReady = "1";
  }

  function overlay() {
    ctx.putImageData(base, 0, 0);
    ctx.lineWidth = Math.max(1, W / 320);
    ctx.font = `${Math.max(10, Math.round(W / 45))}px sans-serif`;
    for (const h of cfg.hotspots) {
      ctx.strokeStyle = colours[h.grade] || "#0ff";
      ctx.strokeRect(h.x - 1, h.y - 1, h.w + 2, h.h + 2);
      ctx.fillStyle = ctx.strokeStyle;
      const label = `${cfg.grades[h.grade] || h.grade} ${h.t_max_c == null ? "" : h.t_max_c.toFixed(1) + " °C"}`;
      ctx.fillText(label, h.x, Math.max(12, h.y - 4));
    }
    if (box) {
      ctx.strokeStyle = "#00e5ff"; ctx.setLineDash([4, 3]);
      ctx.strokeRect(box.x, box.y, box.w, box.h); ctx.setLineDash([]);
    }
  }

  function pixel(ev) {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor(((ev.clientX - r.left) / r.width) * W);
    const y = Math.floor(((ev.clientY - r.top) / r.height) * H);
    return [Math.min(W - 1, Math.max(0, x)), Math.min(H - 1, Math.max(0, y))];
  }

  function measure(b) {
    let min = Infinity, max = -Infinity, sum = 0, n = 0;
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) {
      const v = temps[y * W + x];
      if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); sum += v; n++; }
    }
    return n ? { min, max, mean: sum / n } : null;
  }

  function showBox() {
    const m = box && measure(box);
    document.getElementById("box-result").textContent = m
      ? `${box.w}×${box.h} px — ${L.min} ${m.min.toFixed(1)} °C · ${L.max} ${m.max.toFixed(1)} °C · ${L.mean} ${m.mean.toFixed(1)} °C`
      : "";
  }

  canvas.addEventListener("mousemove", (ev) => {
    if (!temps) return;
    const [x, y] = pixel(ev);
    const v = temps[y * W + x];
    document.getElementById("cursor-t").textContent = Number.isFinite(v) ? v.toFixed(1) + " °C" : "—";
    document.getElementById("cursor-xy").textContent = `(${x}, ${y})`;
    if (drag) {
      box = { x: Math.min(drag[0], x), y: Math.min(drag[1], y), w: Math.abs(x - drag[0]) + 1, h: Math.abs(y - drag[1]) + 1 };
      overlay();
    }
  });
  canvas.addEventListener("mousedown", (ev) => { drag = pixel(ev); box = null; });
  window.addEventListener("mouseup", () => { if (drag) { drag = null; overlay(); showBox(); } });

  document.getElementById("params").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const params = new URLSearchParams();
    const body = {};
    for (const [k, v] of form.entries()) if (v !== "") { params.set(k, v); body[k] = Number(v); }
    const msg = document.getElementById("params-msg");
    msg.textContent = "…";
    const problems = [];
    try {
      await load(params.toString());
      showBox();
    } catch (err) { problems.push(String(err.message || err)); }
    // the API recomputes each finding's temperatures and grade with the same parameters
    for (const h of cfg.hotspots) {
      // the page's own endpoint: the session cookie plus the CSRF header, no token in the page
      const res = await fetch(`${cfg.recompute_url}${h.id}/recompute`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": window.irpatrolCsrfToken || "" },
        body: JSON.stringify(body),
      });
      if (!res.ok) { problems.push(`finding ${h.id}: HTTP ${res.status}`); continue; }
      const f = await res.json();
      const d = f.diagnosis || f;
      Object.assign(h, { t_max_c: f.t_max_c ?? h.t_max_c, delta_t_k: d.delta_t_k ?? f.delta_t_k ?? h.delta_t_k, grade: d.grade || f.grade || h.grade });
      const row = document.querySelector(`tr[data-finding="${h.id}"]`);
      if (row) {
        row.querySelector(".t").textContent = h.t_max_c == null ? "—" : h.t_max_c.toFixed(1);
        row.querySelector(".dt").textContent = h.delta_t_k == null ? "—" : h.delta_t_k.toFixed(1);
        const badge = document.createElement("span");
        badge.className = "badge " + h.grade;
        badge.textContent = cfg.grades[h.grade] || h.grade;
        row.querySelector(".g").replaceChildren(badge);
      }
    }
    msg.textContent = problems.join(" · ");
    if (base) overlay();
  });

  load("").catch((err) => { document.getElementById("cursor-t").textContent = String(err.message || err); });
})();
