// "カードを再生成" on the post page: without this script the button posts the whole change
// form to the regenerate URL and reloads the page (unsaved edits are lost). With it, only the
// regeneration is requested and the preview is swapped in place, so the editor's form stays.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-ogp-regenerate]");
    if (!button) { return; }
    event.preventDefault();
    var form = button.form;
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    var preview = button.closest(".kosei-ogp");
    button.disabled = true;
    button.textContent = "描き直しています…";
    fetch(button.getAttribute("formaction"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (preview && data.html) {
          var holder = document.createElement("div");
          holder.innerHTML = data.html; // built by the server with escaped values
          preview.replaceWith(holder.firstElementChild);
        }
        if (data.error) { window.alert(data.error); }
      })
      .catch(function () {
        window.alert("OGP カードを描き直せませんでした。時間をおいて再度お試しください。");
        button.disabled = false;
        button.textContent = "カードを再生成";
      });
  });
})();
