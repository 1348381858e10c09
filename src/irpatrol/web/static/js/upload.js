// Flight upload: sends the chosen files one by one into the upload batch (files the batch already
// holds with the same size are skipped, so a reload resumes), then starts the ingest job and
// follows it: progress, each rejected file with its reason, the patrol's summary. Text from the
// server goes in as text nodes.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const L = JSON.parse(document.getElementById("upload-labels").textContent);
  const batch = form.dataset.batch, P = form.dataset.prefix;
  const $ = (id) => document.getElementById(id);
  const set = (id, v) => { $(id).textContent = v; };
  function headers() {
    const h = {}; const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) h["X-CSRF-Token"] = meta.content;
    return h;
  }
  async function json(res) { return res.json().catch(() => ({ error: `HTTP ${res.status}` })); }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    set("up-error", "");
    const files = [...$("up-files").files, ...$("up-folder").files];
    if (!files.length) return;
    $("up-start").disabled = true;
    const have = new Map(((await json(await fetch(`${P}/upload/${batch}/files`, { credentials: "same-origin" }))).files || []).map((f) => [f.name, f.size]));
    set("up-total", String(files.length));
    $("up-bar").max = files.length;
    let sent = 0;
    for (const f of files) {
      const name = f.name;
      if (have.get(name) !== f.size) {
        const res = await fetch(`${P}/upload/${batch}/files?name=${encodeURIComponent(name)}`, { method: "POST", credentials: "same-origin", headers: headers(), body: f });
        if (!res.ok) { set("up-error", (await json(res)).error || `HTTP ${res.status}`); $("up-start").disabled = false; return; }
      }
      sent++; set("up-sent", String(sent)); $("up-bar").value = sent;
    }
    const body = new FormData();
    body.set("feeder", $("up-feeder").value); body.set("date", $("up-date").value); body.set("crew", $("up-crew").value);
    for (const [id, name] of [["up-ambient", "ambient_c"], ["up-humidity", "humidity_pct"], ["up-wind", "wind_m_s"], ["up-load", "load_current_a"]]) {
      if ($(id).value !== "") body.set(name, $(id).value);
    }
    if ($("up-rain").checked) body.set("rain", "on");
    const token = form.querySelector('input[name="csrf_token"]');
    if (token) body.set(token.name, token.value);
    const res = await fetch(`${P}/upload/${batch}/ingest`, { method: "POST", credentials: "same-origin", headers: headers(), body });
    const started = await json(res);
    if (!res.ok) { set("up-error", started.error || `HTTP ${res.status}`); $("up-start").disabled = false; return; }
    follow(started.job_id);
  });

  async function follow(jobId) {
    const res = await fetch(`${P}/jobs/${jobId}/progress`, { credentials: "same-origin" });
    const job = await json(res);
    if (!res.ok) { set("up-error", job.error || `HTTP ${res.status}`); return; }
    set("job-status", L[job.status] || job.status);
    set("job-done", String(job.done || 0)); set("job-total", job.total == null ? "—" : String(job.total));
    $("job-bar").max = job.total || 1; $("job-bar").value = job.done || 0;
    if (job.status === "failed") { set("up-error", job.error || ""); return; }
    if (job.status !== "done") { setTimeout(() => follow(jobId), 700); return; }
    const kv = $("up-summary-kv"); kv.replaceChildren();
    for (const [k, v] of Object.entries(job.summary)) {
      if (v == null) continue;
      const dt = document.createElement("dt"); dt.textContent = L[k] || k;
      const dd = document.createElement("dd"); dd.textContent = k === "km_flown" ? Number(v).toFixed(2) : String(v);
      dd.dataset.key = k; kv.append(dt, dd);
    }
    $("up-summary").hidden = false;
    if (job.patrol_id) $("up-patrol").href = `${P}/patrols/${job.patrol_id}`;
    const table = $("up-rejected-table");
    for (const [name, reason] of job.rejected_files) {
      const tr = document.createElement("tr");
      for (const v of [name, reason]) { const td = document.createElement("td"); td.textContent = v; tr.append(td); }
      table.append(tr);
    }
    $("up-rejected").hidden = !job.rejected_files.length;
    document.body.dataset.ingestDone = "1";
  }
})();
