// Kết Nối: the little script the pages need (no inline scripts, so a strict CSP holds).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var swagger = document.getElementById("swagger-ui");
    if (swagger && window.SwaggerUIBundle) {
      window.SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
    }
  });
  // Toasts fade out after a while.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "toasts") {
      var toast = e.detail.target.lastElementChild;
      if (toast) setTimeout(function () { toast.remove(); }, 6000);
    }
  });
})();
