// Loaded by base.html on every page (no inline script anywhere: the CSP forbids it).
// 1. CSRF: the token of <meta name="csrf-token"> goes into every POST form when it is submitted (a
//    hidden csrf_token field, first in the form, so the server finds it early in a multipart body)
//    and into every htmx request as the X-CSRF-Token header (see irpatrol/web/csrf.py).
// 2. Small behaviours that used to be inline handlers: a <select data-autosubmit> submits its form
//    on change; in a form with data-reason-form, the label data-reason-for="s1 s2" is shown only
//    while one of those statuses is chosen.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.getAttribute("content") : "";

  function addToken(form) {
    if (!token || (form.method || "").toLowerCase() !== "post") return;
    let field = form.querySelector('input[name="csrf_token"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrf_token";
      form.insertBefore(field, form.firstChild);
    }
    field.value = token;
  }

  // capture phase: runs before any other submit handler; form.submit() skips events, so the token
  // is also added up front to every form present when the page loads
  document.addEventListener("submit", (ev) => { if (ev.target instanceof HTMLFormElement) addToken(ev.target); }, true);
  window.irpatrolCsrfToken = token;

  document.addEventListener("htmx:configRequest", (ev) => {
    if (token) ev.detail.headers["X-CSRF-Token"] = token;
  });

  function reasonForms(root) {
    for (const form of root.querySelectorAll("form[data-reason-form]")) {
      const update = () => {
        const chosen = form.querySelector('input[name="to_status"]:checked');
        for (const label of form.querySelectorAll("[data-reason-for]")) {
          const wanted = label.getAttribute("data-reason-for").split(" ").filter(Boolean);
          label.hidden = !(chosen && wanted.includes(chosen.value));
        }
      };
      form.addEventListener("change", update);
      update();
    }
  }

  function setup(root) {
    for (const form of root.querySelectorAll("form")) addToken(form);
    reasonForms(root);
  }

  document.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      addToken(el.form);
      el.form.submit();
    }
  });
  // <a data-back>: back to the previous page (the link's href is the fallback without history)
  document.addEventListener("click", (ev) => {
    const a = ev.target instanceof Element ? ev.target.closest("a[data-back]") : null;
    if (a && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });
  document.addEventListener("htmx:afterSwap", (ev) => setup(ev.target));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setup(document));
  else setup(document);
})();
