// The defect's work-order form: shows the fields the chosen next status needs (assignee, crew and
// due date for a scheduled repair; photos for repaired and verified; the verdict for a rejection).
// Nothing is pre-selected;
// without JavaScript every field stays visible and the server checks the same rules.
(function () {
  const form = document.getElementById("transition-form");
  if (!form) return;
  const groups = form.querySelectorAll("[data-for]");
  function update() {
    const chosen = form.querySelector('input[name="to_status"]:checked');
    const to = chosen ? chosen.value : "";
    for (const g of groups) g.hidden = !g.dataset.for.split(" ").includes(to);
    const due = document.getElementById("wo-due");
    const who = document.getElementById("wo-assignee");
    if (due) due.required = to === "repair_scheduled";
    if (who) who.required = to === "repair_scheduled";
    const verdict = document.getElementById("wo-verdict");
    if (verdict) verdict.required = to === "rejected";
  }
  form.addEventListener("change", update);
  update();
})();
