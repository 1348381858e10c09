// Feeders and poles on a Leaflet map. Poles are drawn by one canvas layer (thousands of points in
// a few milliseconds) instead of one Leaflet layer each; a click finds the nearest pole.
// No tile server is needed: without a configured tile URL the map is lines and points on a plain background.
(function () {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const opts = JSON.parse(document.getElementById("map-opts").textContent);
  const colours = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828"]; // none, general, serious, critical
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25 });
  if (opts.tile_url) L.tileLayer(opts.tile_url, { maxZoom: 19 }).addTo(map);

  // poles: [id, lat, lon, rank, feeder index, number], in line order per feeder
  const poles = data.poles;
  const lines = data.feeders.map(() => []);
  for (const p of poles) lines[p[4]].push([p[1], p[2]]);
  const renderer = L.canvas({ padding: 0.2 });
  data.feeders.forEach((name, i) => {
    if (lines[i].length > 1) L.polyline(lines[i], { color: "#456", weight: 2, opacity: 0.7, renderer, interactive: false }).addTo(map);
  });

  const PoleLayer = L.Layer.extend({
    onAdd(m) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
      m.getPanes().overlayPane.appendChild(this._canvas);
      m.on("moveend zoomend resize", this._draw, this);
      this._draw();
    },
    onRemove(m) { this._canvas.remove(); m.off("moveend zoomend resize", this._draw, this); },
    _draw() {
      const m = this._map, size = m.getSize(), c = this._canvas, ratio = window.devicePixelRatio || 1;
      const topLeft = m.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, topLeft);
      c.width = size.x * ratio; c.height = size.y * ratio;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      const ctx = c.getContext("2d");
      ctx.scale(ratio, ratio);
      this._xy = new Float32Array(poles.length * 2);
      for (let rank = 0; rank < 4; rank++) { // worst defects last, on top
        ctx.fillStyle = colours[rank];
        ctx.strokeStyle = "#222";
        const r = rank ? 6 : 3;
        ctx.beginPath();
        for (let i = 0; i < poles.length; i++) {
          const p = poles[i];
          if (p[3] !== rank) continue;
          const pt = m.latLngToContainerPoint([p[1], p[2]]);
          this._xy[2 * i] = pt.x; this._xy[2 * i + 1] = pt.y;
          if (pt.x < -r || pt.y < -r || pt.x > size.x + r || pt.y > size.y + r) continue;
          ctx.moveTo(pt.x + r, pt.y);
          ctx.arc(pt.x, pt.y, r, 0, 2 * Math.PI);
        }
        ctx.fill();
        if (rank) ctx.stroke();
      }
      document.body.dataset.mapReady = String(poles.length);
    },
    nearest(pt, within) {
      let best = -1, bestD = within * within;
      for (let i = 0; i < poles.length; i++) {
        const dx = this._xy[2 * i] - pt.x, dy = this._xy[2 * i + 1] - pt.y, d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = i; }
      }
      return best;
    },
  });

  const bounds = L.latLngBounds(poles.map((p) => [p[1], p[2]]));
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] }); else map.setView([30, 120], 5);
  const layer = new PoleLayer().addTo(map);
  window.irpatrolMap = map; // for scripted checks (browser tests)
  map.on("click", (ev) => {
    const i = layer.nearest(ev.containerPoint, 9);
    if (i < 0) return;
    const p = poles[i];
    // DOM nodes with text, never HTML built from data (feeder names and pole numbers are imported text)
    const box = document.createElement("div");
    const name = document.createElement("b");
    name.textContent = data.feeders[p[4]];
    const link = document.createElement("a");
    link.href = opts.pole_url + encodeURIComponent(String(p[0]));
    link.textContent = opts.history;
    box.append(name, document.createElement("br"), `${opts.pole} ${p[5]}`, document.createElement("br"), link);
    L.popup().setLatLng([p[1], p[2]]).setContent(box).openOn(map);
  });
})();
