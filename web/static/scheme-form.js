// The scheme form, enhanced: possible duplicates while the title is typed, territory shortcuts.
// Everything works without this file: duplicates are then shown on the edit page after saving.
(function () {
  "use strict";
  var form = document.getElementById("formulaire-dispositif");
  if (!form) { return; }

  var title = form.querySelector("#title");
  var box = document.getElementById("doublons");
  var timer = null;
  var lastQuery = "";

  function checked(name) {
    return Array.prototype.map.call(
      form.querySelectorAll('input[name="' + name + '"]:checked'),
      function (input) { return input.value; });
  }

  function query() {
    var params = new URLSearchParams();
    params.append("titre", title.value);
    var organisation = form.querySelector('[name="organisation_id"]');
    if (organisation && organisation.value) { params.append("organisation_id", organisation.value); }
    if (form.dataset.exclure) { params.append("exclude", form.dataset.exclure); }
    checked("themes").forEach(function (code) { params.append("themes", code); });
    checked("territories").forEach(function (code) { params.append("territories", code); });
    return params.toString();
  }

  function lookUp() {
    var wanted = query();
    if (wanted === lastQuery || title.value.trim().length < 4) { return; }
    lastQuery = wanted;
    fetch(form.dataset.doublons + "?" + wanted, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (wanted === lastQuery) { box.innerHTML = html; } })
      .catch(function () { /* the check is a help, never a blocker */ });
  }

  if (title && box && form.dataset.doublons) {
    title.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 400);
    });
  }

  // A whole EPCI, or all of Martinique, covers its communes: they are greyed out meanwhile.
  function syncTerritories() {
    var all = form.querySelector('input[data-territoire="departement"]');
    var everywhere = all && all.checked;
    form.querySelectorAll('input[data-territoire="epci"]').forEach(function (epci) {
      epci.disabled = everywhere;
      form.querySelectorAll('input[data-epci="' + epci.value + '"]').forEach(function (commune) {
        commune.disabled = everywhere || epci.checked;
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "territories") { syncTerritories(); }
  });
  syncTerritories();
})();
