// The report form: save each field when it changes (the form also works without this script).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  var section = form.querySelector("input[name=section]").value;
  function save(fieldset) {
    var body = new URLSearchParams();
    body.append("csrf", csrf);
    body.append("section", section);
    body.append("only", fieldset.getAttribute("data-field"));
    fieldset.querySelectorAll("input, select, textarea").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      body.append(input.name, input.value);
    });
    fieldset.classList.add("saving");
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (data) {
      fieldset.classList.remove("saving");
      if (!data.ok) { window.alert(data.message); return; }
      Object.keys(data.fields).forEach(function (name) {
        var old = document.getElementById("field-" + name);
        if (!old) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = data.fields[name];
        old.replaceWith(holder.firstElementChild);
      });
      var answered = document.getElementById("answered");
      if (answered) { answered.textContent = String(data.answered); }
    }).catch(function () { fieldset.classList.remove("saving"); });
  }
  // A field is saved when the person leaves it (a ratio's two boxes are one field), so the
  // server's redrawn copy never replaces a box still being typed in.
  function fieldOf(node) { return node && node.closest ? node.closest("fieldset[data-field]") : null; }
  form.addEventListener("input", function (event) {
    var fieldset = fieldOf(event.target);
    if (fieldset) { fieldset.setAttribute("data-dirty", "1"); }
  });
  form.addEventListener("change", function (event) {
    var fieldset = fieldOf(event.target);
    if (fieldset) { fieldset.setAttribute("data-dirty", "1"); }
  });
  form.addEventListener("focusout", function (event) {
    var fieldset = fieldOf(event.target);
    if (!fieldset || fieldOf(event.relatedTarget) === fieldset) { return; }
    // Some browsers move focus box to box through the page: look again a moment later.
    window.setTimeout(function () {
      if (fieldOf(document.activeElement) === fieldset) { return; }
      if (fieldset.isConnected && fieldset.getAttribute("data-dirty") === "1") {
        fieldset.removeAttribute("data-dirty");
        save(fieldset);
      }
    }, 150);
  });
})();
