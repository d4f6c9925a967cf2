// The book picker above the post's books: search registered books by title or ASIN, add them
// in order (each added book gets the next position), move rows up and down, and register a
// new book by ASIN with its title and description (checked on the server, ISBN check digit
// included). It fills the admin's own inline rows, so saving works exactly as without it.
(function () {
  "use strict";

  const PREFIX = "book_links";

  function init(kosei) {
    const group = document.getElementById(PREFIX + "-group");
    const config = kosei.config;
    if (!group || !config.bookSearchUrl) return;
    const el = kosei.el;
    const desk = kosei.desk;
    const $ = window.django && window.django.jQuery;

    const query = el("input", { type: "search", className: "kd-books__query", placeholder: "書名か ASIN で検索", "aria-label": "書籍を書名か ASIN で検索", autocomplete: "off" });
    const results = el("ul", { className: "kd-books__results", "aria-live": "polite" });
    const note = el("p", { className: "kd-books__note", role: "status" });
    const panel = el("div", { className: "kd-books" }, [
      el("label", { className: "kd-books__label", text: "書籍を追加" }), query, results, note,
    ]);

    if (config.canAddBook) {
      const asin = el("input", { type: "text", id: "kd-book-asin", maxlength: "13", autocomplete: "off" });
      const title = el("input", { type: "text", id: "kd-book-title", maxlength: "200", autocomplete: "off" });
      const description = el("textarea", { id: "kd-book-description", rows: "2" });
      const errors = el("p", { className: "kd-books__errors", role: "alert" });
      const add = el("button", { type: "button", className: "button", text: "登録して追加" });
      const create = el("details", { className: "kd-books__create" }, [
        el("summary", { text: "新しい書籍を ASIN で登録" }),
        el("label", { for: "kd-book-asin", text: "ASIN（10文字、書籍は ISBN-10）" }), asin,
        el("label", { for: "kd-book-title", text: "書名" }), title,
        el("label", { for: "kd-book-description", text: "紹介文（任意）" }), description,
        errors, add,
      ]);
      panel.append(create);
      add.addEventListener("click", function () {
        const data = new FormData();
        data.append("csrfmiddlewaretoken", desk.csrf());
        data.append("asin", asin.value);
        data.append("title", title.value);
        data.append("description", description.value);
        add.disabled = true;
        fetch(config.bookAddUrl, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (result) {
            add.disabled = false;
            if (result.errors || result.error) {
              errors.textContent = result.error || Object.values(result.errors).join(" ");
              return;
            }
            errors.textContent = "";
            asin.value = title.value = description.value = "";
            create.open = false;
            addBook(result.book, result.created ? "登録して追加しました。" : "登録済みの書籍だったので、それを追加しました。");
          })
          .catch(function () {
            add.disabled = false;
            errors.textContent = "通信できませんでした。もう一度試してください。";
          });
      });
    } else {
      panel.append(el("p", { className: "kq-muted", text: "新しい書籍の登録は編集者以上ができます。" }));
    }
    // The panel sits inside the post form: Enter in its fields must not save the post.
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") event.preventDefault();
    });
    const heading = group.querySelector("h2");
    (heading || group.firstChild).after(panel);

    function rows() {
      return Array.from(group.querySelectorAll("tr.form-row:not(.empty-form)")).filter(function (row) {
        return row.querySelector("select[name$='-book']");
      });
    }

    function isDeleted(row) {
      const box = row.querySelector("input[name$='-DELETE']");
      return box && box.checked;
    }

    function positionInput(row) { return row.querySelector("input[name$='-position']"); }

    function nextPosition() {
      let max = 0;
      for (const row of rows()) {
        const value = Number(positionInput(row).value || 0);
        if (!isDeleted(row) && value > max) max = value;
      }
      return max + 1;
    }

    function addBook(book, message) {
      for (const row of rows()) {
        const select = row.querySelector("select[name$='-book']");
        if (select.value === String(book.id) && !isDeleted(row)) {
          note.textContent = "「" + book.title + "」はすでに追加されています。";
          return;
        }
      }
      const link = group.querySelector(".add-row a");
      if (!link) return;
      const position = nextPosition();
      link.click(); // the admin's own "add another" builds the row (and its autocomplete)
      const row = rows().pop();
      const select = row.querySelector("select[name$='-book']");
      select.append(new Option(book.text, String(book.id), true, true));
      if ($) $(select).trigger("change");
      positionInput(row).value = String(position);
      decorate(row);
      note.textContent = message || "「" + book.title + "」を " + position + " 番目に追加しました（保存すると記事に反映されます）。";
    }

    function renumber() {
      let position = 1;
      for (const row of rows()) {
        if (!isDeleted(row)) positionInput(row).value = String(position++);
      }
    }

    function move(row, step) {
      const list = rows();
      const index = list.indexOf(row);
      const other = list[index + step];
      if (!other) return;
      if (step < 0) other.before(row);
      else other.after(row);
      renumber();
    }

    function decorate(row) {
      const cell = row.querySelector("td.field-position");
      if (!cell || cell.querySelector(".kd-books__move")) return;
      const up = el("button", { type: "button", className: "button kd-books__move", title: "上へ", "aria-label": "上へ", text: "↑" });
      const down = el("button", { type: "button", className: "button kd-books__move", title: "下へ", "aria-label": "下へ", text: "↓" });
      up.addEventListener("click", function () { move(row, -1); });
      down.addEventListener("click", function () { move(row, 1); });
      cell.append(up, down);
    }
    rows().forEach(decorate);

    let timer = null;
    let controller = null;
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") search();
    });

    function search() {
      const text = query.value.trim();
      if (!text) { results.replaceChildren(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(config.bookSearchUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin", signal: controller.signal })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          const items = data.results.map(function (book) {
            const button = el("button", { type: "button", className: "button", text: "追加" });
            button.addEventListener("click", function () { addBook(book); });
            return el("li", { className: "kd-books__result" + (book.is_active ? "" : " is-inactive") }, [
              button, " ", el("strong", { text: book.title }), " ", el("code", { text: book.asin }),
              book.is_active ? "" : el("span", { className: "kq-muted", text: "（掲載しない設定）" }),
            ]);
          });
          if (!items.length) items.push(el("li", { className: "kq-muted", text: "見つかりません。" + (config.canAddBook ? "下から登録できます。" : "") }));
          results.replaceChildren.apply(results, items);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") note.textContent = "検索できませんでした。";
        });
    }
  }

  if (window.KoseiDesk) init(window.KoseiDesk);
  else document.addEventListener("kosei:desk-ready", function (event) { init(event.detail); });
})();
