// Starts Swagger UI on /api/v1/docs (the CSP allows no inline script, so it lives here).
// The OpenAPI document's address and the session's CSRF token come from data attributes.
(function () {
  "use strict";

  function start() {
    var holder = document.getElementById("api-docs");
    if (!holder || !window.SwaggerUIBundle) {
      return;
    }
    var csrfToken = holder.dataset.csrfToken;
    window.SwaggerUIBundle({
      url: holder.dataset.specUrl,
      domNode: holder,
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      // Never send the document to an outside validator.
      validatorUrl: null,
      requestInterceptor: function (call) {
        // "Try it out" acts with this browser's session, so writes carry its CSRF
        // token; a call authorised with a bearer token needs none.
        call.headers = call.headers || {};
        if (csrfToken && !call.headers.Authorization) {
          call.headers["X-CSRF-Token"] = csrfToken;
        }
        return call;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
