/* Tessera: moving kanban cards. A card dragged to another column (or sent there with its
 * "Move to" menu) is POSTed to its data-move-url with the CSRF token; the server runs the
 * addon's update service. On success the board is reloaded (counts and sums); on refusal
 * the card goes back and the reason is shown as a toast. No inline script (CSP). */
(function () {
  "use strict";

  var dragged = null;

  function board() {
    return document.getElementById("kanban-board");
  }

  function toast(message) {
    var container = document.querySelector(".toast-container");
    if (!container || !window.bootstrap) {
      window.alert(message);
      return;
    }
    var element = document.createElement("div");
    element.className = "toast align-items-center border-0 text-bg-danger";
    element.setAttribute("role", "alert");
    element.setAttribute("aria-atomic", "true");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", "×");
    row.appendChild(body);
    row.appendChild(close);
    element.appendChild(row);
    container.appendChild(element);
    window.bootstrap.Toast.getOrCreateInstance(element, { delay: 8000 }).show();
  }

  function refresh() {
    var current = board();
    fetch(current.dataset.refreshUrl, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#kanban-board");
        if (fresh) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function send(card, column, putBack) {
    var current = board();
    var data = new FormData();
    data.append("to", column.dataset.stage);
    card.classList.add("opacity-50");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": current.dataset.csrfToken, Accept: "application/json" }
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
      })
      .then(function (result) {
        if (result.ok) {
          refresh();
          return;
        }
        putBack();
        toast(result.answer.message || current.dataset.msgFailed);
      })
      .catch(function () {
        putBack();
        toast(current.dataset.msgFailed);
      })
      .finally(function () {
        card.classList.remove("opacity-50");
      });
  }

  function moveCard(card, column) {
    var origin = card.parentNode;
    var next = card.nextSibling;
    var zone = column.querySelector("[data-drop-zone]");
    if (!zone || column === origin.closest("[data-stage]")) {
      return;
    }
    zone.insertBefore(card, zone.firstChild);
    send(card, column, function () {
      origin.insertBefore(card, next);
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-move-url]");
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.cardId);
    card.classList.add("dragging");
  });

  // A whole column (its header too) takes the drop.
  function columnAt(event) {
    return dragged && event.target.closest ? event.target.closest("#kanban-board [data-stage]") : null;
  }

  document.addEventListener("dragover", function (event) {
    var column = columnAt(event);
    if (column) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnAt(event);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnAt(event);
    if (!column) {
      return;
    }
    event.preventDefault();
    column.classList.remove("drop-target");
    moveCard(dragged, column);
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    document.querySelectorAll(".drop-target").forEach(function (zone) {
      zone.classList.remove("drop-target");
    });
    dragged = null;
  });

  // The keyboard way: the card's "Move to" menu.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest && event.target.closest("[data-move-to]");
    if (!choice) {
      return;
    }
    var card = choice.closest("[data-move-url]");
    var target = null;
    document.querySelectorAll("#kanban-board [data-stage]").forEach(function (column) {
      if (column.dataset.stage === choice.dataset.moveTo) {
        target = column;
      }
    });
    if (card && target) {
      moveCard(card, target);
    }
  });
})();
