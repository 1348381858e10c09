// One day's sorties on a Leaflet map: each sortie a coloured line from its takeoff point over its poles.
(function () {
  // Leaflet puts a string tooltip in as HTML: hand it an element holding text instead
  const textNode = (text) => { const span = document.createElement("span"); span.textContent = text; return span; };
  const sorties = JSON.parse(document.getElementById("day-data").textContent);
  const map = L.map("map", { preferCanvas: true });
  const palette = ["#0b5cad", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e"];
  const bounds = L.latLngBounds([]);
  const crews = [...new Set(sorties.map((s) => s.crew))];
  sorties.forEach((s) => {
    const colour = palette[crews.indexOf(s.crew) % palette.length];
    const path = [s.takeoff, ...s.poles, s.takeoff];
    L.polyline(path, { color: colour, weight: 2 }).bindTooltip(textNode(`${s.crew} · ${s.id} · ${Math.round(s.flight_s / 60)} min`)).addTo(map);
    L.circleMarker(s.takeoff, { radius: 6, color: colour, fillOpacity: 1 }).addTo(map);
    s.poles.forEach((p) => L.circleMarker(p, { radius: 3, color: colour, weight: 1 }).addTo(map));
    path.forEach((p) => bounds.extend(p));
  });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [15, 15] }); else map.setView([30, 120], 5);
})();
