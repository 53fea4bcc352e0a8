/* Tessera's app shell: flashed messages as Bootstrap toasts, in full pages and in htmx swaps.
 * Loaded with <script src>: the Content-Security-Policy refuses inline scripts and on* attributes,
 * so page behaviour is wired here, from data-* attributes. */
(function () {
  "use strict";

  function showToasts(root) {
    if (!window.bootstrap || !root || !root.querySelectorAll) {
      return;
    }
    var found = Array.prototype.slice.call(root.querySelectorAll(".toast"));
    if (root.matches && root.matches(".toast")) {
      found.push(root);
    }
    found.forEach(function (element) {
      if (element.dataset.tesseraToast) {
        return;
      }
      element.dataset.tesseraToast = "shown";
      // Rendered visible (class "show") so a message is never lost; Bootstrap takes over
      // from here: closing, and hiding after data-bs-delay unless data-bs-autohide="false".
      window.bootstrap.Toast.getOrCreateInstance(element).show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showToasts(document);
  });
  document.addEventListener("htmx:load", function (event) {
    showToasts(event.detail && event.detail.elt);
  });
})();
