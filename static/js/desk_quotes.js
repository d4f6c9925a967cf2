// Review comments that quote the body: 「本文で表示」 selects the quoted passage in the editor
// (or says it is no longer there), and 「選択範囲を引用」 copies the editor's selection into a
// new comment's quote.
(function () {
  "use strict";

  function position(text, offset) {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const lineStart = before.lastIndexOf("\n") + 1;
    return { line: line, col: Array.from(text.slice(lineStart, offset)).length };
  }

  function find(text, quote) {
    const exact = text.indexOf(quote);
    if (exact >= 0) return { start: exact, end: exact + quote.length };
    // Pasted with other line breaks or spacing: match the words, whatever the white space.
    const words = quote.trim().split(/\s+/).map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!words.length || !words[0]) return null;
    const match = new RegExp(words.join("\\s+")).exec(text);
    return match ? { start: match.index, end: match.index + match[0].length } : null;
  }

  function init(kosei) {
    const desk = kosei.desk;
    const area = kosei.area;
    for (const quote of document.querySelectorAll(".kosei-comment blockquote[data-quote]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button kosei-quote-show";
      button.textContent = "本文で表示";
      button.addEventListener("click", function () {
        const text = area.value.replace(/\r\n/g, "\n");
        const found = find(text, quote.dataset.quote.replace(/\r\n/g, "\n"));
        if (!found) {
          kosei.setStatus("引用された箇所は本文に見つかりません（書き換えられたようです）。", "error");
          return;
        }
        const from = position(text, found.start);
        const to = position(text, found.end);
        desk.select({ line: from.line, col: from.col, end_line: to.line, end_col: to.col });
      });
      quote.after(button);
    }
    const target = document.querySelector("textarea[name=quote][form=comment-form]");
    if (target) {
      const copy = document.createElement("button");
      copy.type = "button";
      copy.className = "button kosei-quote-copy";
      copy.textContent = "本文の選択範囲を引用";
      copy.addEventListener("click", function () {
        const selected = area.value.slice(area.selectionStart, area.selectionEnd);
        if (!selected.trim()) {
          kosei.setStatus("先に本文で引用する箇所を選択してください。", "error");
          return;
        }
        target.value = selected;
        target.focus();
      });
      target.closest("label").after(copy);
    }
  }

  if (window.KoseiDesk) init(window.KoseiDesk);
  else document.addEventListener("kosei:desk-ready", function (event) { init(event.detail); });
})();
