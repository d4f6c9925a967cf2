// Images in the body: choose a file with the toolbar button, drop it on the editor or paste
// it. A dialog asks for the alt text (required) before anything is uploaded; the server checks
// the file (a renamed non-image is refused with the reason), stores it with its renditions and
// answers with the Markdown, which is inserted where the caret was.
(function () {
  "use strict";

  const ACCEPT = "image/png,image/jpeg,image/webp";

  function init(kosei) {
    const config = kosei.config;
    if (!config.uploadUrl) return;
    const el = kosei.el;
    const area = kosei.area;
    const desk = kosei.desk;

    const picker = el("input", { type: "file", accept: ACCEPT, hidden: "", "aria-hidden": "true" });
    const button = el("button", { type: "button", className: "button kd-tool kd-image-button", title: "画像を挿入（ドラッグ＆ドロップ、貼り付けも可）", text: "画像" });
    desk.toolbar.insertBefore(button, desk.toolbarEnd);
    document.body.append(picker);

    // The dialog lives outside the post form, so its fields are never submitted with it.
    const preview = el("img", { className: "kd-image-dialog__preview", alt: "" });
    const name = el("p", { className: "kd-image-dialog__name" });
    const alt = el("input", { type: "text", id: "kd-image-alt", maxlength: "300", "aria-required": "true", autocomplete: "off" });
    const error = el("p", { className: "kd-image-dialog__error", role: "alert" });
    const insert = el("button", { type: "submit", className: "button default", text: "アップロードして挿入" });
    const cancel = el("button", { type: "button", className: "button", value: "cancel", text: "やめる" });
    const dialogForm = el("form", { method: "dialog", className: "kd-image-dialog__form" }, [
      el("h2", { text: "画像を挿入" }),
      preview,
      name,
      el("label", { for: "kd-image-alt", text: "代替テキスト（必須）: 画像に何が写っているか、読者に伝わるように" }),
      alt,
      error,
      el("p", { className: "kd-image-dialog__buttons" }, [insert, cancel]),
    ]);
    const dialog = el("dialog", { className: "kd-image-dialog", "aria-labelledby": "kd-image-alt" }, [dialogForm]);
    document.body.append(dialog);

    let file = null;
    let caret = 0;
    let objectUrl = null;

    function open(chosen) {
      if (!chosen) return;
      file = chosen;
      caret = area.selectionStart;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = URL.createObjectURL(chosen);
      preview.src = objectUrl;
      name.textContent = chosen.name + "（" + Math.ceil(chosen.size / 1024).toLocaleString("ja-JP") + " KB）";
      alt.value = "";
      error.textContent = "";
      insert.disabled = false;
      dialog.showModal();
      alt.focus();
    }

    function close() {
      dialog.close();
      file = null;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = null;
      picker.value = "";
      area.focus({ preventScroll: true });
    }

    function insertMarkdown(markdown) {
      const value = area.value;
      const before = value.slice(0, caret);
      const after = value.slice(caret);
      // An image is a paragraph of its own.
      const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      const tail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
      const text = lead + markdown + tail;
      kosei.replaceRange(area, caret, caret, text, caret + text.length);
    }

    dialogForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const text = alt.value.trim();
      if (!text) {
        error.textContent = "代替テキストを入力してください。画像が表示されないときや読み上げソフトで使われます。";
        alt.focus();
        return;
      }
      const data = new FormData();
      data.append("csrfmiddlewaretoken", desk.csrf());
      data.append("image", file, file.name);
      data.append("alt", text);
      if (config.postId) data.append("post", config.postId);
      insert.disabled = true;
      error.textContent = "";
      kosei.setStatus("画像をアップロードしています…", "");
      fetch(config.uploadUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () { return { error: "アップロードできませんでした（HTTP " + response.status + "）。" }; });
        })
        .then(function (result) {
          if (result.error || !result.markdown) {
            error.textContent = result.error || "アップロードできませんでした。";
            kosei.setStatus(result.error || "アップロードできませんでした。", "error");
            insert.disabled = false;
            return;
          }
          close();
          insertMarkdown(result.markdown);
          kosei.setStatus("画像を挿入しました（" + result.width + "x" + result.height + "）。", "ok");
        })
        .catch(function () {
          error.textContent = "通信できませんでした。もう一度試してください。";
          insert.disabled = false;
        });
    });
    cancel.addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); close(); });

    button.addEventListener("click", function () { caret = area.selectionStart; picker.click(); });
    picker.addEventListener("change", function () { open(picker.files[0]); });

    area.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
        event.preventDefault();
        area.classList.add("kd-area--drop");
      }
    });
    area.addEventListener("dragleave", function () { area.classList.remove("kd-area--drop"); });
    area.addEventListener("drop", function (event) {
      area.classList.remove("kd-area--drop");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      event.preventDefault();
      area.focus();
      open(files[0]);
    });
    area.addEventListener("paste", function (event) {
      const items = event.clipboardData ? Array.from(event.clipboardData.items) : [];
      const item = items.find(function (entry) { return entry.kind === "file" && entry.type.startsWith("image/"); });
      if (!item) return;
      event.preventDefault();
      const pasted = item.getAsFile();
      const extension = (pasted.type.split("/")[1] || "png").replace("jpeg", "jpg");
      open(new File([pasted], pasted.name && pasted.name !== "image." + extension ? pasted.name : "貼り付けた画像." + extension, { type: pasted.type }));
    });
  }

  if (window.KoseiDesk) init(window.KoseiDesk);
  else document.addEventListener("kosei:desk-ready", function (event) { init(event.detail); });
})();
