// Kết Nối: the little script the pages need (no inline scripts, so a strict CSP holds).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var swagger = document.getElementById("swagger-ui");
    if (swagger && window.SwaggerUIBundle) {
      window.SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
    }
    // The phone's own share sheet (Zalo, Messenger…) where the browser has one.
    document.querySelectorAll("button.share-native").forEach(function (b) {
      if (!navigator.share) return;
      b.hidden = false;
      b.addEventListener("click", function () {
        navigator.share({ title: b.getAttribute("data-title"), url: b.getAttribute("data-url") }).catch(function () {});
      });
    });
  });
  // Pickers: a click on a suggestion puts its code in the field it belongs to.
  document.addEventListener("click", function (e) {
    var pick = e.target.closest && e.target.closest("button.pick");
    if (!pick) return;
    var form = pick.closest("form");
    var field = form && form.elements[pick.getAttribute("data-fill")];
    if (field) {
      field.value = pick.getAttribute("data-value");
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    pick.parentNode.innerHTML = "";
  });
  // A search form sends only the fields that say something: an empty one
  // means "no filter", and the address bar then shows a short, shareable URL.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb !== "get" || !e.detail.formData) return;
    var empty = [];
    e.detail.formData.forEach(function (v, k) {
      if (typeof v === "string" && v.trim() === "") empty.push(k);
    });
    empty.forEach(function (k) { e.detail.formData.delete(k); });
    if (!e.detail.formData.get("near")) e.detail.formData.delete("km");
  });
  // Print buttons (posters, slips, tickets).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("button.print-button")) window.print();
  });
  // After htmx has changed the address, the language switch returns there.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.lang-switch");
    if (a) {
      var u = new URL(a.href);
      u.searchParams.set("next", location.pathname + location.search);
      a.href = u.toString();
    }
  });
  document.addEventListener("submit", function (e) {
    var next = e.target.matches && e.target.matches("form.lang-switch") && e.target.elements.next;
    if (next) next.value = location.pathname + location.search;
  });
  // The menu button on a phone.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.nav-toggle");
    if (!b) return;
    var open = b.getAttribute("aria-expanded") !== "true";
    b.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById(b.getAttribute("aria-controls")).classList.toggle("open", open);
  });
  // Parts of a form that belong to one choice (an interview's date and
  // place, a refusal's reason) show only when it is chosen.
  function showChosen(select) {
    var form = select.form;
    if (!form) return;
    form.querySelectorAll(".when[data-when]").forEach(function (el) {
      var on = el.getAttribute("data-when") === select.value;
      el.hidden = !on;
      el.removeAttribute("data-hidden");
      el.querySelectorAll("input, select").forEach(function (i) { i.required = on; });
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches(".status-form select[name=to]")) showChosen(e.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".status-form select[name=to]").forEach(showChosen);
  });
  // Toasts fade out after a while.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "toasts") {
      var toast = e.detail.target.lastElementChild;
      if (toast) setTimeout(function () { toast.remove(); }, 6000);
    }
  });
})();
