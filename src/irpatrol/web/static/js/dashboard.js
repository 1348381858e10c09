// Dashboard charts (Chart.js, vendored). Data comes inline from the page.
window.addEventListener("DOMContentLoaded", () => {
  const d = JSON.parse(document.getElementById("dash-data").textContent);
  const opts = { responsive: true, maintainAspectRatio: false, animation: false };
  new Chart(document.getElementById("by-grade"), {
    type: "doughnut",
    data: { labels: d.grades, datasets: [{ data: d.by_grade, backgroundColor: ["#c62828", "#ef6c00", "#f9a825"] }] },
    options: opts,
  });
  new Chart(document.getElementById("by-status"), {
    type: "bar",
    data: { labels: d.statuses, datasets: [{ data: d.by_status, backgroundColor: "#0b5cad" }] },
    options: { ...opts, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  new Chart(document.getElementById("monthly"), {
    type: "bar",
    data: {
      labels: d.months,
      datasets: [
        { label: d.km_label, data: d.km, backgroundColor: "#4f8fd6", yAxisID: "y" },
        { label: d.found_label, data: d.found, type: "line", borderColor: "#c62828", yAxisID: "y1" },
      ],
    },
    options: { ...opts, scales: {
      y: { position: "left", beginAtZero: true, title: { display: true, text: "km" } },
      y1: { position: "right", beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false } } } },
  });
});
