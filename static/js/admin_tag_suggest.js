// Suggests existing tag names for the comma-separated tag field. A <datalist> keeps it
// dependency-free: each option is the whole field value with its last tag completed.
(function () {
  "use strict";
  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    var timer = null;
    var inFlight = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(/[,、]/);
        var last = parts.pop().trim();
        if (!last) { list.replaceChildren(); return; }
        if (inFlight) { inFlight.abort(); }
        inFlight = new AbortController();
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(last);
        fetch(url, { credentials: "same-origin", signal: inFlight.signal })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            var prefix = parts.map(function (p) { return p.trim(); }).filter(Boolean);
            list.replaceChildren.apply(list, data.results.map(function (name) {
              var option = document.createElement("option");
              option.value = prefix.concat([name]).join(", ");
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(attach);
  });
})();
