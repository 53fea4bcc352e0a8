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

  // Forms that ask first: data-confirm holds the question; on a bulk form,
  // data-confirm-operation limits it to that operation (e.g. delete).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.confirm) {
      return;
    }
    var only = form.dataset.confirmOperation;
    if (only && (!form.elements.operation || form.elements.operation.value !== only)) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // List selection: "select all" and the count beside the bulk actions.
  function updateSelection() {
    var boxes = document.querySelectorAll("[data-select-row]");
    var checked = document.querySelectorAll("[data-select-row]:checked").length;
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    var counter = document.querySelector("[data-selection-count]");
    if (counter) {
      counter.textContent = checked ? counter.dataset.template.replace("{n}", String(checked)) : "";
    }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-all]")) {
      document.querySelectorAll("[data-select-row]").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches && (target.matches("[data-select-all]") || target.matches("[data-select-row]"))) {
      updateSelection();
    }
  });

  // Autocomplete of many-to-one fields: the visible input searches (data-lookup answers
  // [{id, label}]), the hidden input named after the field carries the chosen id.
  var lookupTimer = null;
  function lookupOptions(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.lookup + "?q=" + encodeURIComponent(input.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (items) {
        list.replaceChildren();
        items.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.label;
          option.dataset.id = String(item.id);
          list.appendChild(option);
        });
        chooseOption(input);
      })
      .catch(function () { /* offline or refused: the user can keep typing */ });
  }
  function chooseOption(input) {
    var hidden = document.getElementById(input.dataset.lookupTarget);
    var list = document.getElementById(input.getAttribute("list"));
    var match = Array.prototype.find.call(list.options, function (option) {
      return option.value === input.value;
    });
    if (match) {
      hidden.value = match.dataset.id;
    } else {
      // Untouched: keep the saved value; anything else typed is no choice yet.
      hidden.value = input.value && input.value === input.defaultValue ? hidden.defaultValue : "";
    }
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.lookup) {
      return;
    }
    chooseOption(input);
    window.clearTimeout(lookupTimer);
    lookupTimer = window.setTimeout(function () { lookupOptions(input); }, 200);
  });

  // Line grids: add a row from the grid's <template>, keep the totals current.
  function recomputeTotals(grid) {
    grid.querySelectorAll("[data-total-of]").forEach(function (cell) {
      var key = cell.dataset.totalOf;
      var total = 0;
      var places = 0;
      grid.querySelectorAll('[data-total="' + key + '"]').forEach(function (input) {
        var row = input.closest("tr");
        var removed = row && row.querySelector("[data-remove-line]:checked");
        var value = parseFloat(input.value.replace(/,/g, ""));
        if (!removed && !isNaN(value)) {
          total += value;
          var decimals = (input.value.split(".")[1] || "").length;
          places = Math.max(places, decimals);
        }
      });
      cell.textContent = total.toLocaleString(document.documentElement.lang || undefined, {
        minimumFractionDigits: Math.min(places, 6),
        maximumFractionDigits: Math.min(places, 6)
      });
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-line]");
    if (!button) {
      return;
    }
    var grid = button.closest("[data-line-grid]");
    var template = grid.querySelector("[data-line-template]");
    var body = grid.querySelector("tbody");
    var next = 0;
    body.querySelectorAll("input[name]").forEach(function (input) {
      var match = /-(\d+)-/.exec(input.name);
      if (match) {
        next = Math.max(next, parseInt(match[1], 10) + 1);
      }
    });
    var html = template.innerHTML.replace(/__row__/g, String(next));
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input");
    if (first) {
      first.focus();
    }
  });
  document.addEventListener("input", function (event) {
    var grid = event.target.closest && event.target.closest("[data-line-grid]");
    if (grid) {
      recomputeTotals(grid);
    }
  });
  document.addEventListener("change", function (event) {
    var grid = event.target.closest && event.target.closest("[data-line-grid]");
    if (grid && event.target.matches("[data-remove-line]")) {
      recomputeTotals(grid);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    showToasts(document);
    updateSelection();
  });
  document.addEventListener("htmx:load", function (event) {
    showToasts(event.detail && event.detail.elt);
  });
})();
