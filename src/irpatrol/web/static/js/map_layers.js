// Extra layers on the map (after map.js): poles never inspected drawn grey over the healthy green,
// so "not seen" never reads as "healthy", and open corridor hazards as triangles with their kind
// and grade; both can be switched off. Text from data goes in as text nodes.
(function () {
  const map = window.irpatrolMap;
  const node = document.getElementById("map-layers");
  if (!map || !node) return;
  const layers = JSON.parse(node.textContent);
  const renderer = L.canvas({ padding: 0.2 });
  const never = L.layerGroup(layers.never.map(([lat, lon]) =>
    L.circleMarker([lat, lon], { radius: 3.5, color: "#555", weight: 1, fillColor: "#bdbdbd", fillOpacity: 1, renderer, interactive: false })));
  const colour = { critical: "#c62828", serious: "#ef6c00", general: "#f9a825" };
  const hazards = L.layerGroup(layers.hazards.map(([lat, lon, kind, gradeText, grade, id]) => {
    const icon = L.divIcon({ className: "hazard-icon hazard-" + grade, iconSize: [14, 14] });
    const m = L.marker([lat, lon], { icon, title: kind });
    m.bindPopup(() => {
      const box = document.createElement("div");
      const b = document.createElement("b"); b.textContent = kind; box.append(b, document.createElement("br"));
      box.append(document.createTextNode(gradeText), document.createElement("br"));
      const a = document.createElement("a"); a.href = layers.labels.hazard_url + id; a.textContent = "#" + id; box.append(a);
      return box;
    });
    m.on("add", () => { const el = m.getElement(); if (el) el.style.borderBottomColor = colour[grade] || "#6a1b9a"; });
    return m;
  }));
  never.addTo(map); hazards.addTo(map);
  const overlays = {}; overlays[layers.labels.never] = never; overlays[layers.labels.hazards] = hazards;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  document.body.dataset.mapLayers = String(layers.never.length) + "/" + String(layers.hazards.length);
})();
