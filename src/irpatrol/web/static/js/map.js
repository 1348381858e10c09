// Feeders and poles on a Leaflet map drawn on one canvas (fast with thousands of markers).
// No tile server is needed: without a configured tile URL the map is lines and points on a plain background.
(function () {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const opts = JSON.parse(document.getElementById("map-opts").textContent);
  const colours = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828"]; // none, general, serious, critical
  const renderer = L.canvas({ padding: 0.3 });
  const map = L.map("map", { preferCanvas: true, renderer: renderer, zoomSnap: 0.25 });
  if (opts.tile_url) L.tileLayer(opts.tile_url, { maxZoom: 19 }).addTo(map);
  const bounds = L.latLngBounds([]);
  for (const [name, line] of data.feeders) {
    if (line.length > 1) L.polyline(line, { color: "#456", weight: 2, opacity: 0.8, renderer }).bindTooltip(name).addTo(map);
  }
  // worst defects last, so they are drawn on top
  const poles = data.poles.slice().sort((a, b) => a[3] - b[3]);
  for (const [id, lat, lon, rank, fi, number] of poles) {
    const marker = L.circleMarker([lat, lon], {
      renderer, radius: rank ? 6 : 3.5, weight: rank ? 1.5 : 0.5, color: rank ? "#222" : colours[0],
      fillColor: colours[rank], fillOpacity: 0.9,
    });
    marker.bindPopup(() =>
      `<b>${data.feeders[fi][0]}</b><br>${opts.pole} ${number}<br><a href="${opts.pole_url}${id}">${opts.history}</a>`);
    marker.addTo(map);
    bounds.extend([lat, lon]);
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView([30, 120], 5);
  map.whenReady(() => { document.body.dataset.mapReady = String(poles.length); });
})();
