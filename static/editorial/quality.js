// The quality panel on the post page: jump to (and select) the place a finding points to,
// re-check the unsaved text, and warn before a one-click fix discards unsaved edits.
(function () {
  "use strict";

  // Positions come from the server as line (1-based) and column in code points; the textarea
  // counts UTF-16 units and uses LF line breaks.
  function offsetOf(text, line, column) {
    const lines = text.split("\n");
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    const current = lines[line - 1] || "";
    return offset + Array.from(current).slice(0, column).join("").length;
  }

  function scrollToOffset(area, offset) {
    // Measure where the offset sits, wrapping included, in an invisible copy of the textarea.
    const copy = area.cloneNode(false);
    copy.style.cssText = "position:absolute;visibility:hidden;height:0;min-height:0;";
    copy.style.width = area.clientWidth + "px";
    copy.value = area.value.slice(0, offset);
    area.parentNode.appendChild(copy);
    const top = copy.scrollHeight;
    copy.remove();
    area.scrollTop = Math.max(0, top - area.clientHeight / 3);
  }

  function selectInBody(link) {
    const area = document.getElementById("id_body");
    if (!area) return false;
    const line = Number(link.dataset.line);
    const start = offsetOf(area.value, line, Number(link.dataset.col || 0));
    let end = offsetOf(area.value, Number(link.dataset.endLine || line), Number(link.dataset.endCol || 0));
    if (end <= start) end = start + (area.value.split("\n")[line - 1] || "").length;
    area.scrollIntoView({ block: "center" });
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, end);
    scrollToOffset(area, start);
    area.classList.add("kq-highlight");
    window.setTimeout(function () { area.classList.remove("kq-highlight"); }, 1500);
    return true;
  }

  function formState(form) {
    const parts = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") parts.push(name + "=" + value);
    }
    return parts.join("&");
  }

  let initialState = null;

  document.addEventListener("DOMContentLoaded", function () {
    const panel = document.getElementById("quality-panel");
    const form = panel && panel.closest("form");
    if (form) initialState = formState(form);
  });

  document.addEventListener("click", function (event) {
    const jump = event.target.closest(".kq-jump");
    if (jump && selectInBody(jump)) {
      event.preventDefault();
      return;
    }
    const field = event.target.closest(".kq-jump-field");
    if (field) {
      const input = document.getElementById("id_" + field.dataset.field);
      if (input) {
        event.preventDefault();
        input.scrollIntoView({ block: "center" });
        input.focus();
      }
      return;
    }
    const fix = event.target.closest(".kq-fix");
    if (fix && initialState !== null && formState(fix.form) !== initialState) {
      if (!window.confirm("保存していない変更があります。修正を適用すると、その変更は失われます。続けますか？")) {
        event.preventDefault();
      }
      return;
    }
    const recheck = event.target.closest(".kq-recheck");
    if (recheck) {
      event.preventDefault();
      const panel = recheck.closest("#quality-panel");
      const form = panel.closest("form");
      recheck.disabled = true;
      fetch(panel.dataset.previewUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) { panel.outerHTML = html; })
        .catch(function () {
          recheck.disabled = false;
          window.alert("チェックできませんでした。ページを読み込み直してください。");
        });
    }
  });
})();
