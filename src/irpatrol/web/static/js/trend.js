// Temperature trend of one defect across patrols (Chart.js, vendored).
window.addEventListener("DOMContentLoaded", () => {
  const d = JSON.parse(document.getElementById("trend-data").textContent);
  new Chart(document.getElementById("trend"), {
    type: "line",
    data: {
      labels: d.points.map((p) => p.at.slice(0, 16).replace("T", " ")),
      datasets: [
        { label: d.label, data: d.points.map((p) => p.t_max_c), borderColor: "#c62828", tension: 0.2 },
        { label: d.dlabel, data: d.points.map((p) => p.delta_t_k), borderColor: "#0b5cad", tension: 0.2 },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false },
  });
});
