/* 驻村通: the monthly sheet's shared status picker (issue 15). No inline scripts or handlers (CSP script-src 'self').

   Each editable day cell is a <button> inside <td id="cell-<cadre>-<day>">, in a row <tr data-cadre="<cadre>">.
   Clicking a cell (or Enter / Space on it) opens the ONE picker (#picker): its form posts cadre, date and the chosen
   status to the same endpoint the per-cell <select> used (htmx, hx-post on #picker-form), and the answer replaces
   the cell (and, out of band, the row's figures). Statuses the policy reserves to approved leave are disabled
   buttons. "从本日起…" / "整行…" prefill the row-fill form (#fill) below the grid.
   Keyboard: arrow keys move between cells and between the picker's choices; Escape closes the picker. */
(function () {
  "use strict";
  var table = document.getElementById("sheet");
  var picker = document.getElementById("picker");
  if (!table || !picker) return;
  var form = document.getElementById("picker-form");
  var title = document.getElementById("picker-title");
  var errorBox = picker.querySelector(".picker-error");
  var choices = Array.prototype.slice.call(picker.querySelectorAll(".picker-options button"));
  var month = table.dataset.month;  // YYYY-MM
  var wrap = table.closest(".sheetwrap");
  var current = null;  // {cadre, day, id}
  document.body.appendChild(picker);  // positioned against the document, above the sticky columns

  function cellOf(el) {
    var td = el && el.closest ? el.closest("td.cell") : null;
    return td && td.closest("tr[data-cadre]") && table.contains(td) ? td : null;
  }

  function parts(td) {  // "cell-12-5" → {cadre: "12", day: 5}
    var bits = td.id.split("-");
    return { cadre: bits[1], day: parseInt(bits[2], 10) };
  }

  function nameOf(td) {
    var name = td.closest("tr").querySelector("td.name");
    return name && name.firstChild ? name.firstChild.textContent.trim() : "";
  }

  function isoDate(day) { return month + "-" + (day < 10 ? "0" : "") + day; }

  function label(td) {  // an accessible name for a cell button, set when it is first focused (kept out of the HTML)
    var b = td.querySelector("button");
    var p = parts(td);
    if (b && !b.hasAttribute("aria-label")) {
      b.setAttribute("aria-label", nameOf(td) + " " + p.day + "日：" + (b.title || "未登记"));
    }
  }

  function place(td) {
    var r = td.getBoundingClientRect();
    var width = picker.offsetWidth || 240;
    var left = Math.max(4, Math.min(r.left + window.scrollX,
      document.documentElement.clientWidth + window.scrollX - width - 8));
    picker.style.left = left + "px";
    picker.style.top = (r.bottom + window.scrollY + 2) + "px";
  }

  function open(td) {
    if (current) unmark();
    var p = parts(td);
    current = { cadre: p.cadre, day: p.day, id: td.id };
    form.elements.cadre.value = p.cadre;
    form.elements.date.value = isoDate(p.day);
    form.setAttribute("hx-target", "#" + td.id);
    var m = month.split("-");
    title.textContent = nameOf(td) + " · " + parseInt(m[1], 10) + "月" + p.day + "日";
    errorBox.hidden = true;
    errorBox.textContent = "";
    var status = td.dataset.status || "";
    var focus = null;
    choices.forEach(function (b) {
      var on = b.value === status;
      b.classList.toggle("current", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
      if (on && !b.disabled) focus = b;
    });
    td.classList.add("picking");
    picker.hidden = false;
    place(td);
    (focus || firstEnabled()).focus();
  }

  function firstEnabled() {
    for (var i = 0; i < choices.length; i++) if (!choices[i].disabled) return choices[i];
    return picker.querySelector("[data-picker-close]");
  }

  function unmark() {
    var td = current && document.getElementById(current.id);
    if (td) td.classList.remove("picking");
  }

  function close(refocus) {
    if (!current) return;
    unmark();
    var id = current.id;
    current = null;
    picker.hidden = true;
    if (refocus) {
      var b = document.querySelector("#" + id + " > button");
      if (b) b.focus();
    }
  }

  function move(td, key) {  // the next editable cell in the direction of an arrow key
    var tr = td.parentElement;
    var col = Array.prototype.indexOf.call(tr.children, td);
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var sib = key === "ArrowLeft" ? td.previousElementSibling : td.nextElementSibling;
      while (sib && !(sib.classList.contains("cell") && sib.querySelector("button"))) {
        sib = key === "ArrowLeft" ? sib.previousElementSibling : sib.nextElementSibling;
      }
      return sib;
    }
    var row = key === "ArrowUp" ? tr.previousElementSibling : tr.nextElementSibling;
    while (row) {
      var c = row.children[col];
      if (c && c.classList.contains("cell") && c.querySelector("button")) return c;
      row = key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    }
    return null;
  }

  table.addEventListener("click", function (ev) {
    var td = cellOf(ev.target);
    if (!td || !ev.target.closest("button")) return;
    ev.preventDefault();
    if (current && current.id === td.id) { close(true); return; }
    open(td);
  });

  table.addEventListener("focusin", function (ev) {
    var td = cellOf(ev.target);
    if (td) label(td);
  });

  table.addEventListener("keydown", function (ev) {
    var td = cellOf(ev.target);
    if (!td || ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].indexOf(ev.key) < 0) return;
    var next = move(td, ev.key);
    ev.preventDefault();
    if (next) next.querySelector("button").focus();
  });

  picker.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); close(true); return; }
    var i = choices.indexOf(document.activeElement);
    if (i < 0 || ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].indexOf(ev.key) < 0) return;
    ev.preventDefault();
    var step = ev.key === "ArrowLeft" || ev.key === "ArrowUp" ? -1 : 1;
    for (var n = 1; n <= choices.length; n++) {
      var b = choices[(i + step * n + choices.length * n) % choices.length];
      if (!b.disabled) { b.focus(); return; }
    }
  });

  picker.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-picker-close], [data-fill]") : null;
    if (!el || !current) return;
    ev.preventDefault();
    if (el.hasAttribute("data-picker-close")) { close(true); return; }
    var fill = document.getElementById("fill");
    if (!fill) return;
    fill.elements.cadre.value = current.cadre;
    fill.elements.start.value = el.dataset.fill === "row" ? isoDate(1) : isoDate(current.day);
    close(false);
    fill.scrollIntoView({ block: "center" });
    fill.elements.status.focus();
  });

  picker.addEventListener("focusout", function (ev) {  // tabbing out of the picker closes it
    if (ev.relatedTarget && !picker.contains(ev.relatedTarget) && !cellOf(ev.relatedTarget)) close(false);
  });

  document.addEventListener("click", function (ev) {
    if (current && !picker.contains(ev.target) && !cellOf(ev.target)) close(false);
  });

  if (wrap) wrap.addEventListener("scroll", function () {
    var td = current && document.getElementById(current.id);
    if (td) place(td);
  });
  window.addEventListener("resize", function () {
    var td = current && document.getElementById(current.id);
    if (td) place(td);
  });

  // the answer replaced the cell (a refusal shows in the cell): close the picker, focus back on the (new) cell
  form.addEventListener("htmx:afterRequest", function (ev) { if (ev.detail.successful) close(true); });
  // a 400 (a cadre or date the form refuses) is not swapped in: show its Chinese message in the picker
  form.addEventListener("htmx:responseError", function (ev) {
    errorBox.textContent = (ev.detail.xhr && ev.detail.xhr.responseText) || "保存失败，请重试。";
    errorBox.hidden = false;
  });
  form.addEventListener("htmx:sendError", function () {
    errorBox.textContent = "网络连接失败，未保存，请重试。";
    errorBox.hidden = false;
  });
})();
