/* 驻村通: the few behaviours pages need, without inline scripts or handlers (Content-Security-Policy: script-src 'self').
   data-confirm="…"  on a form (on submit) or a button (on click): ask first
   data-print        on a button: print the page
   data-autosubmit   on a select/input: submit its form on change
   data-back         on a link: go back one page */
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault();
  }, true);
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-confirm], [data-print], [data-back]") : null;
    if (!el || el.tagName === "FORM") return;
    if (el.hasAttribute("data-print")) { ev.preventDefault(); window.print(); return; }
    if (el.hasAttribute("data-back")) { ev.preventDefault(); window.history.back(); return; }
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
})();
