// Counting a stocktaking by scanning (inventory/counting.html): each scan is sent in the
// background, the line it counted is updated (or added at the top) in the table, and the
// cursor goes back to the code field for the next scan. Without this script the form
// posts and the page comes back. Texts come from the server; they are set as text, never
// as HTML.
(function () {
  "use strict";

  const form = document.querySelector("form[data-count-scan]");
  if (!form) {
    return;
  }
  const result = document.getElementById("scan-result");
  const lines = document.getElementById("count-lines");
  const code = form.elements.namedItem("code");
  const lot = form.elements.namedItem("lot_name");
  const quantity = form.elements.namedItem("quantity");
  const cells = ["product", "location", "lot", "expected", "counted", "difference"];
  let busy = false;

  function say(text, tone) {
    result.className = "alert py-2 mt-3 mb-0 alert-" + tone;
    result.textContent = text;
    result.hidden = false;
  }

  function show(line) {
    let row = document.getElementById("count-line-" + line.id);
    if (!row) {
      row = document.createElement("tr");
      row.id = "count-line-" + line.id;
      cells.forEach(function (name, index) {
        const cell = document.createElement("td");
        if (index >= 3) {
          cell.className = "text-end";
        }
        row.appendChild(cell);
      });
      lines.prepend(row);
    }
    cells.forEach(function (name, index) {
      row.children[index].textContent = line[name];
    });
    lines.querySelectorAll("tr.table-success").forEach(function (other) {
      other.classList.remove("table-success");
    });
    row.classList.add("table-success");
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (busy || !code.value.trim()) {
      return;
    }
    busy = true;
    const data = new FormData(form);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": data.get("csrf_token") },
      });
      const answer = await response.json();
      if (response.ok) {
        show(answer.line);
        say(answer.message, "success");
        code.value = "";
        lot.value = "";
        quantity.value = "1";
      } else {
        say(answer.message, "danger");
      }
    } catch (error) {
      say(form.dataset.failed, "danger");
    } finally {
      busy = false;
      code.focus();
    }
  });
})();
