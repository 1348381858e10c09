// Extra layers on the map (after map.js): poles never inspected drawn grey over the healthy green,
// so "not seen" never reads as "healthy"; open corridor hazards as triangles with their kind and
// grade; open defects as diamonds coloured by grade; each patrol's flight track (its images'
// positions in capture order). Every layer can be switched off; a legend names the symbols.
// Text from data goes in as text nodes, never as HTML.
(function () {
  const map = window.irpatrolMap;
  const node = document.getElementById("map-layers");
  if (!map || !node) return;
  const layers = JSON.parse(node.textContent);
  const labels = layers.labels;
  const renderer = L.canvas({ padding: 0.2 });
  const colour = { critical: "#c62828", serious: "#ef6c00", general: "#f9a825" };
  const trackColours = ["#1565c0", "#6a1b9a", "#00838f", "#283593", "#ad1457", "#4e342e"];

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(href, text) { const a = el("a", text); a.href = href; return a; }
  function fill(template, n) { return String(template).replace("{n}", String(n)); }

  const never = L.layerGroup(layers.never.map(([lat, lon]) =>
    L.circleMarker([lat, lon], { radius: 3.5, color: "#555", weight: 1, fillColor: "#bdbdbd", fillOpacity: 1, renderer, interactive: false })));

  const hazards = L.layerGroup(layers.hazards.map(([lat, lon, kind, gradeText, grade, id]) => {
    const icon = L.divIcon({ className: "hazard-icon hazard-" + grade, iconSize: [14, 14] });
    const m = L.marker([lat, lon], { icon, title: kind });
    m.bindPopup(() => {
      const box = el("div");
      box.append(el("b", kind), el("br"), document.createTextNode(gradeText), el("br"), link(labels.hazard_url + encodeURIComponent(String(id)), "#" + id));
      return box;
    });
    m.on("add", () => { const e = m.getElement(); if (e) e.style.borderBottomColor = colour[grade] || "#6a1b9a"; });
    return m;
  }));

  // [lat, lon, grade, status text, id, pole number, feeder name, pole id], worst grade last (on top).
  // The diamond sits on its pole, so its pop-up also leads to the pole's history (first, as the
  // pole's own pop-up does).
  const defects = L.layerGroup((layers.defects || []).map(([lat, lon, grade, statusText, id, pole, feeder, poleId]) => {
    const icon = L.divIcon({ className: "defect-icon defect-" + (colour[grade] ? grade : "other"), iconSize: [14, 14] });
    const m = L.marker([lat, lon], { icon, title: fill(labels.defect, id), zIndexOffset: 500 });
    m.bindPopup(() => {
      const box = el("div");
      const head = el("b", fill(labels.defect, id));
      box.append(head, el("br"), el("span", (labels.grades || {})[grade] || grade, "badge " + grade), " ", document.createTextNode(statusText));
      if (feeder || pole) box.append(el("br"), document.createTextNode(`${feeder} · ${labels.pole} ${pole || "—"}`));
      if (poleId !== null && poleId !== undefined) box.append(el("br"), link(labels.pole_url + encodeURIComponent(String(poleId)), labels.history));
      box.append(el("br"), link(labels.defect_url + encodeURIComponent(String(id)), "→ " + fill(labels.defect, id)));
      return box;
    });
    return m;
  }));

  // [patrol id, date, [[lat, lon], …]]: one polyline per patrol, start marked by a small ring
  const tracks = L.featureGroup();
  (layers.tracks || []).forEach(([id, day, points], i) => {
    const c = trackColours[i % trackColours.length];
    const line = L.polyline(points, { color: c, weight: 2.5, opacity: 0.85, dashArray: "6 4" });
    line.bindPopup(() => {
      const box = el("div");
      box.append(el("b", fill(labels.patrol, id)), el("br"), document.createTextNode(day), el("br"),
        document.createTextNode(fill(labels.images, points.length)), el("br"),
        link(labels.patrol_url + encodeURIComponent(String(id)), "→ " + fill(labels.patrol, id)));
      return box;
    });
    tracks.addLayer(line);
    if (points.length) tracks.addLayer(L.circleMarker(points[0], { radius: 5, color: c, weight: 2, fill: false, interactive: false }));
  });

  tracks.addTo(map); never.addTo(map); hazards.addTo(map); defects.addTo(map);
  const overlays = {};
  overlays[labels.tracks] = tracks;
  overlays[labels.never] = never;
  overlays[labels.hazards] = hazards;
  overlays[labels.defects] = defects;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  const Legend = L.Control.extend({
    onAdd() {
      const box = el("div", null, "map-legend leaflet-bar");
      box.append(el("b", labels.legend), el("div", labels.defects, "muted"));
      for (const g of labels.grade_order || []) {  // worst first (the JSON object's keys come sorted)
        const row = el("div"); row.append(el("span", null, "sym defect-icon defect-" + g), document.createTextNode(" " + ((labels.grades || {})[g] || g)));
        box.append(row);
      }
      const rowN = el("div"); rowN.append(el("span", null, "sym never-dot"), document.createTextNode(" " + labels.never_legend)); box.append(rowN);
      const rowH = el("div"); rowH.append(el("span", null, "sym hazard-sym"), document.createTextNode(" " + labels.hazards + " (" + labels.hazard_colour + ")")); box.append(rowH);
      const rowT = el("div"); rowT.append(el("span", null, "sym track-sym"), document.createTextNode(" " + labels.track_legend)); box.append(rowT);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  new Legend({ position: "bottomright" }).addTo(map);

  document.body.dataset.mapLayers = String(layers.never.length) + "/" + String(layers.hazards.length);
  document.body.dataset.mapTracks = String((layers.tracks || []).length);
  document.body.dataset.mapDefects = String((layers.defects || []).length);
  window.irpatrolLayers = { tracks, never, hazards, defects }; // for scripted checks (browser tests)
})();
