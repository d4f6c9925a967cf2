// "Copy link" for the share buttons (and the feed page's URL): no third-party script, nothing
// sent anywhere.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".share__copy");
  if (!button) return;
  var label = button.dataset.label || (button.dataset.label = button.textContent);
  var done = function () {
    button.textContent = "コピーしました";
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(button.dataset.url).then(done, function () {
      window.prompt("このURLをコピーしてください", button.dataset.url);
    });
  } else {
    window.prompt("このURLをコピーしてください", button.dataset.url);
  }
});
