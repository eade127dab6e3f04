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
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-field]");
    if (fieldset) { save(fieldset); }
  });
})();
