// The editor's desk on the post page: the Markdown body on the left with line numbers, the
// server-rendered preview on the right (same rendering and sanitising as the public page),
// counters and the quality findings for the unsaved text, one-click fixes applied to that
// text, keyboard shortcuts, scroll kept in step, a full-width mode.
//
// Progressive enhancement: without this script the page is the stock admin form and saves
// as before. No build step, no dependencies. desk_autosave.js, desk_images.js and
// desk_books.js use what this file puts on window.KoseiDesk.
(function () {
  "use strict";

  const DEBOUNCE_MS = 400;
  const LIVE_FIELDS = ["title", "slug", "excerpt", "description", "body", "tags", "category", "reading_time_override"];
  const FIELD_LABELS = { title: "タイトル", excerpt: "リード文", description: "ディスクリプション" };
  const WIDE_KEY = "kosei.desk.wide";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  // --- positions: the server counts code points and LF line breaks; the textarea UTF-16 ---

  function offsetOf(text, line, column) {
    const lines = text.split("\n");
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    const current = lines[line - 1] || "";
    return offset + Array.from(current).slice(0, column || 0).join("").length;
  }

  function lineAt(text, offset) {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  }

  // --- editing helpers (undoable where the browser allows) ---

  function replaceRange(area, start, end, text, selectStart, selectEnd) {
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, end);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || area.value.slice(start, start + text.length) !== text) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectStart !== undefined) area.setSelectionRange(selectStart, selectEnd === undefined ? selectStart : selectEnd);
  }

  function setFieldValue(input, value) {
    if (input.tagName === "TEXTAREA" && input.value !== value) {
      // Replace only the part that changed, so the caret and the undo history survive.
      const old = input.value;
      let start = 0;
      while (start < old.length && start < value.length && old[start] === value[start]) start++;
      let endOld = old.length;
      let endNew = value.length;
      while (endOld > start && endNew > start && old[endOld - 1] === value[endNew - 1]) { endOld--; endNew--; }
      replaceRange(input, start, endOld, value.slice(start, endNew));
      return;
    }
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wrapSelection(area, before, after, placeholder) {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const value = area.value;
    const selected = value.slice(start, end);
    if (selected && value.slice(start - before.length, start) === before && value.slice(end, end + after.length) === after) {
      replaceRange(area, start - before.length, end + after.length, selected, start - before.length, end - before.length);
      return;
    }
    const inner = selected || placeholder;
    replaceRange(area, start, end, before + inner + after, start + before.length, start + before.length + inner.length);
  }

  function insertLink(area) {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const selected = area.value.slice(start, end);
    if (/^https?:\/\/\S+$/.test(selected)) {
      replaceRange(area, start, end, "[リンクの文字](" + selected + ")", start + 1, start + 7);
      return;
    }
    const text = selected || "リンクの文字";
    const url = "https://";
    const inserted = "[" + text + "](" + url + ")";
    const urlStart = start + text.length + 3;
    replaceRange(area, start, end, inserted, urlStart, urlStart + url.length);
  }

  function setHeading(area, level) {
    const value = area.value;
    const lineStart = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    let lineEnd = value.indexOf("\n", area.selectionStart);
    if (lineEnd === -1) lineEnd = value.length;
    const line = value.slice(lineStart, lineEnd);
    const match = line.match(/^(#{1,6})[ \t]+/);
    const text = match ? line.slice(match[0].length) : line;
    const marks = "#".repeat(level) + " ";
    const replaced = match && match[1].length === level ? text : marks + text;
    replaceRange(area, lineStart, lineEnd, replaced, lineStart + replaced.length);
  }

  // --- the desk ---

  function Desk(config, form, area) {
    this.config = config;
    this.form = form;
    this.area = area;
    this.inFlight = false;
    this.pending = false;
    this.timer = null;
    this.findings = [];
    this.lineTops = [];
    this.heights = new Map();
    this.measureKey = "";
    this.listeners = [];
    this.build();
    this.bind();
    this.layoutLines();
    this.refresh();
  }

  Desk.prototype.csrf = function () {
    const input = this.form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  Desk.prototype.field = function (name) {
    return this.form.querySelector("[name='" + name + "']:not([type=hidden]):not([disabled])") ||
      (name === "version" ? this.form.querySelector("[name=version]") : null);
  };

  // The fields the server needs, as the form would send them.
  Desk.prototype.fieldData = function (names) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", this.csrf());
    for (const name of names || LIVE_FIELDS) {
      const input = this.field(name);
      if (input) data.append(name, input.value);
    }
    return data;
  };

  Desk.prototype.build = function () {
    const row = this.area.closest(".form-row") || this.area.parentNode;
    this.toolbar = el("div", { className: "kd-toolbar", role: "toolbar", "aria-label": "本文の編集" });
    const buttons = [
      ["bold", "B", "太字（Ctrl+B / ⌘B）"],
      ["link", "リンク", "リンク（Ctrl+K / ⌘K）"],
      ["h2", "見出し2", "見出し2（Ctrl+Alt+2 / ⌘⌥2）"],
      ["h3", "見出し3", "見出し3（Ctrl+Alt+3 / ⌘⌥3）"],
    ];
    for (const [command, label, title] of buttons) {
      this.toolbar.append(el("button", { type: "button", className: "button kd-tool", "data-command": command, title: title, "aria-label": title, text: label }));
    }
    this.toolbarEnd = el("span", { className: "kd-toolbar__end" });
    this.wideButton = el("button", { type: "button", className: "button kd-wide-toggle", "aria-pressed": "false", text: "全幅で編集" });
    this.status = el("span", { className: "kd-status", role: "status", "aria-live": "polite" });
    this.toolbarEnd.append(this.status, this.wideButton);
    this.toolbar.append(this.toolbarEnd);

    this.counters = el("div", { className: "kd-counters", "aria-live": "polite", "aria-label": "文字数などの集計" });
    this.gutter = el("div", { className: "kd-gutter", "aria-hidden": "true" });
    this.gutterInner = el("div", { className: "kd-gutter__inner" });
    this.gutter.append(this.gutterInner);
    const editor = el("div", { className: "kd-editor" }, [this.gutter]);
    this.preview = el("div", { className: "kd-preview post-body", "aria-label": "プレビュー（公開ページと同じ表示）", tabindex: "0" });
    this.findingsBox = el("div", { className: "kd-findings", "aria-label": "入力中の本文への指摘" });
    const side = el("div", { className: "kd-side" }, [this.findingsBox, this.preview]);
    this.panes = el("div", { className: "kd-panes" }, [editor, side]);
    const head = el("div", { className: "kd-head" }, [this.toolbar, this.counters]);
    this.root = el("div", { className: "kd-desk", id: "kd-desk" }, [head, this.panes]);
    row.after(this.root);
    editor.append(this.area);
    this.area.classList.add("kd-area");
    this.area.setAttribute("spellcheck", "false");
    row.classList.add("kd-source-row");
    // The saved-body preview below is replaced by the live one.
    const stale = this.form.querySelector(".field-rendered_preview");
    if (stale) stale.hidden = true;

    this.mirror = el("div", { className: "kd-mirror", "aria-hidden": "true" });
    document.body.append(this.mirror);
    if (window.localStorage && localStorage.getItem(WIDE_KEY) === "1") this.setWide(true);
  };

  Desk.prototype.bind = function () {
    const desk = this;
    this.form.addEventListener("input", function (event) {
      if (LIVE_FIELDS.includes(event.target.name)) desk.schedule();
      if (event.target === desk.area) desk.scheduleLines();
    });
    this.form.addEventListener("change", function (event) {
      if (LIVE_FIELDS.includes(event.target.name)) desk.schedule();
    });
    // The category is a select2 autocomplete, which reports changes through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(this.form).on("change", "select", function () {
        if (LIVE_FIELDS.includes(this.name)) desk.schedule();
      });
    }
    this.toolbar.addEventListener("click", function (event) {
      const button = event.target.closest(".kd-tool");
      if (button) desk.command(button.dataset.command);
    });
    this.wideButton.addEventListener("click", function () {
      desk.setWide(!document.body.classList.contains("kd-wide"));
    });
    this.area.addEventListener("keydown", function (event) { desk.shortcut(event); });
    this.area.addEventListener("scroll", function () {
      desk.gutterInner.style.transform = "translateY(" + -desk.area.scrollTop + "px)";
      desk.syncScroll(desk.area);
    });
    this.preview.addEventListener("scroll", function () { desk.syncScroll(desk.preview); });
    this.findingsBox.addEventListener("click", function (event) { desk.onFindingClick(event); });
    window.addEventListener("resize", function () { desk.scheduleLines(); });
    if (window.ResizeObserver) new ResizeObserver(function () { desk.scheduleLines(); }).observe(this.area);
  };

  Desk.prototype.command = function (name) {
    if (name === "bold") wrapSelection(this.area, "**", "**", "太字");
    else if (name === "link") insertLink(this.area);
    else if (name === "h2") setHeading(this.area, 2);
    else if (name === "h3") setHeading(this.area, 3);
  };

  Desk.prototype.shortcut = function (event) {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod) return;
    let name = null;
    if (!event.altKey && !event.shiftKey && event.key.toLowerCase() === "b") name = "bold";
    else if (!event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") name = "link";
    else if (event.altKey && event.code === "Digit2") name = "h2";
    else if (event.altKey && event.code === "Digit3") name = "h3";
    if (name) {
      event.preventDefault();
      this.command(name);
    }
  };

  Desk.prototype.setWide = function (wide) {
    document.body.classList.toggle("kd-wide", wide);
    this.wideButton.setAttribute("aria-pressed", wide ? "true" : "false");
    this.wideButton.textContent = wide ? "通常の幅に戻す" : "全幅で編集";
    try { localStorage.setItem(WIDE_KEY, wide ? "1" : "0"); } catch (error) { /* private mode */ }
    this.scheduleLines();
  };

  Desk.prototype.setStatus = function (text, kind) {
    this.status.textContent = text;
    this.status.dataset.kind = kind || "";
  };

  // --- the live request: debounced, at most one in flight ---

  Desk.prototype.schedule = function () {
    const desk = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { desk.refresh(); }, DEBOUNCE_MS);
  };

  Desk.prototype.refresh = function (extra) {
    const desk = this;
    if (this.inFlight) {
      this.pending = true; // sent again, with the newest text, when this one answers
      if (!extra) return Promise.resolve(null);
      // A fix asked for meanwhile is sent with that next request, and answered by it.
      if (this.pendingResolve) this.pendingResolve(null);
      this.pendingExtra = extra;
      return new Promise(function (resolve) { desk.pendingResolve = resolve; });
    }
    const data = this.fieldData();
    // What the fields held when sent: a fixed copy is applied only if they still do.
    const sent = {};
    for (const name of LIVE_FIELDS) {
      const input = this.field(name);
      if (input) sent[name] = input.value;
    }
    for (const [name, value] of Object.entries(extra || {})) data.append(name, value);
    this.inFlight = true;
    this.root.classList.add("is-loading");
    return fetch(this.config.liveUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (result) {
        if (result.fields && !desk.unchangedSince(sent, result.fields)) {
          // Typed while the fix was on its way: the fixed copy would lose that text.
          desk.setStatus("修正の間に入力が変わったため、適用しませんでした。もう一度押してください。", "error");
          desk.pending = true;
          return null;
        }
        desk.show(result);
        return result;
      })
      .catch(function (error) {
        desk.setStatus("プレビューを更新できませんでした（" + error.message + "）。入力は残っています。", "error");
        return null;
      })
      .finally(function () {
        desk.inFlight = false;
        desk.root.classList.remove("is-loading");
        if (desk.pending) {
          desk.pending = false;
          const extra = desk.pendingExtra;
          const resolve = desk.pendingResolve;
          desk.pendingExtra = desk.pendingResolve = null;
          const next = desk.refresh(extra || undefined);
          if (resolve) next.then(resolve);
        }
      });
  };

  Desk.prototype.unchangedSince = function (sent, fields) {
    for (const name of Object.keys(fields)) {
      const input = this.field(name);
      if (input && name in sent && input.value !== sent[name]) return false;
    }
    return true;
  };

  Desk.prototype.show = function (result) {
    if (result.fields) {
      for (const [name, value] of Object.entries(result.fields)) {
        const input = this.field(name);
        if (input) setFieldValue(input, value);
      }
      clearTimeout(this.timer); // the answer below is already for the fixed text
      if (!this.pendingExtra) this.pending = false;
    }
    if (result.error) this.setStatus(result.error, "error");
    else if (result.applied) this.setStatus("「" + result.applied + "」を入力内容に適用しました（まだ保存していません）。", "ok");
    else if (this.status.dataset.kind === "error") this.setStatus("", "");
    const top = this.preview.scrollTop;
    // The server rendered and sanitised this HTML exactly as for the public page.
    this.preview.innerHTML = result.html;
    this.preview.scrollTop = top;
    this.showCounters(result.counters);
    this.findings = result.findings || [];
    this.showFindings(result);
    this.markLines();
    for (const listener of this.listeners) listener(result);
  };

  Desk.prototype.showCounters = function (counters) {
    const parts = [];
    const add = function (label, value, state, note) {
      const item = el("span", { className: "kd-counter" + (state && state !== "ok" ? " kd-counter--" + state : "") });
      item.append(el("span", { className: "kd-counter__label", text: label }), " ", el("strong", { className: "kd-counter__value", text: String(value) }));
      if (note) item.append(el("span", { className: "kd-counter__note", text: note }));
      parts.push(item);
    };
    add("文字数", counters.chars.toLocaleString("ja-JP"), "", "字");
    const reading = counters.reading_minutes_override
      ? counters.reading_minutes_override + "分（計算 " + counters.reading_minutes + "分）"
      : counters.reading_minutes + "分";
    add("読了", reading);
    add("見出し h2", counters.h2);
    add("h3", counters.h3);
    for (const [name, info] of Object.entries(counters.fields)) {
      const hint = info.state === "short" ? " 短い" : info.state === "long" ? " 長い" : "";
      add(FIELD_LABELS[name] || name, info.length, info.state, "字（" + info.min + "〜" + info.max + "）" + hint);
    }
    this.counters.replaceChildren.apply(this.counters, parts);
    this.counters.dataset.chars = counters.chars;
  };

  Desk.prototype.showFindings = function (result) {
    const box = this.findingsBox;
    const summary = result.summary || {};
    const head = el("p", { className: "kd-findings__summary" });
    head.append(el("strong", { text: "入力中の指摘" }), " ");
    for (const [severity, label] of [["error", "エラー"], ["warning", "警告"], ["info", "情報"]]) {
      head.append(el("span", { className: "kq-count kq-" + severity, text: label + " " + (summary[severity] || 0) }), " ");
    }
    const children = [head];
    if (result.block_reason) children.push(el("p", { className: "kq-blocked", text: result.block_reason }));
    const list = el("ol", { className: "kd-findings__list" });
    this.findings.forEach(function (finding, index) {
      const item = el("li", { className: "kd-finding kd-finding--" + finding.severity });
      const where = finding.line
        ? el("a", { href: "#id_body", className: "kd-jump", "data-index": String(index), text: "本文 " + finding.line + "行目" })
        : el("a", { href: "#id_" + finding.field, className: "kd-jump", "data-index": String(index), text: finding.field_label });
      const text = el("span", { className: "kd-finding__text" }, [
        el("span", { className: "kd-finding__severity", text: finding.severity_label }), " ",
        el("strong", { text: finding.label }), "：", finding.message,
      ]);
      item.append(where, " ", text);
      if (finding.fix) {
        item.append(" ", el("button", { type: "button", className: "button kd-fix", "data-index": String(index), text: finding.fix }));
      }
      list.append(item);
    });
    if (this.findings.length) children.push(list);
    else children.push(el("p", { className: "kq-muted", text: "指摘はありません。" }));
    box.replaceChildren.apply(box, children);
  };

  Desk.prototype.onFindingClick = function (event) {
    const jump = event.target.closest(".kd-jump");
    const fix = event.target.closest(".kd-fix");
    if (!jump && !fix) return;
    event.preventDefault();
    const finding = this.findings[Number((jump || fix).dataset.index)];
    if (!finding) return;
    if (fix) {
      fix.disabled = true;
      this.refresh({ fix: finding.fingerprint }).then(function (result) {
        if (!result) fix.disabled = false;
      });
      return;
    }
    this.select(finding);
  };

  // Select the passage a finding points to and bring it into view.
  Desk.prototype.select = function (finding) {
    if (!finding.line) {
      const input = this.field(finding.field);
      if (input) {
        input.scrollIntoView({ block: "center" });
        input.focus();
      }
      return;
    }
    const area = this.area;
    const start = offsetOf(area.value, finding.line, finding.col);
    let end = offsetOf(area.value, finding.end_line || finding.line, finding.end_col);
    if (end <= start) end = start + (area.value.split("\n")[finding.line - 1] || "").length;
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, end);
    this.layoutLines();
    const top = this.lineTops[finding.line - 1] || 0;
    area.scrollTop = Math.max(0, top - area.clientHeight / 3);
    this.root.scrollIntoView({ block: "nearest" });
    this.flashLines(finding.line, finding.end_line || finding.line);
  };

  Desk.prototype.flashLines = function (first, last) {
    const numbers = this.gutterInner.children;
    for (let line = first; line <= last && line <= numbers.length; line++) {
      const node = numbers[line - 1];
      node.classList.remove("is-flash");
      void node.offsetWidth; // restart the animation
      node.classList.add("is-flash");
    }
    this.area.classList.add("kd-area--flash");
    const area = this.area;
    setTimeout(function () { area.classList.remove("kd-area--flash"); }, 1200);
  };

  // --- line numbers: one per source line, as tall as the line is when wrapped ---

  Desk.prototype.scheduleLines = function () {
    const desk = this;
    if (this.linesFrame) return;
    this.linesFrame = requestAnimationFrame(function () {
      desk.linesFrame = null;
      desk.layoutLines();
    });
  };

  Desk.prototype.layoutLines = function () {
    const area = this.area;
    const style = getComputedStyle(area);
    const mirror = this.mirror;
    const px = function (name) { return parseFloat(style[name]) || 0; };
    const padTop = px("paddingTop");
    // The exact (fractional) width the text wraps at: a rounded clientWidth would wrap some
    // lines one character early and push the numbers out of step.
    const borders = px("borderLeftWidth") + px("borderRightWidth");
    const scrollbar = area.offsetWidth - area.clientWidth - borders;
    const width = area.getBoundingClientRect().width - borders - scrollbar - px("paddingLeft") - px("paddingRight");
    const fonts = ["fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "tabSize", "wordBreak", "overflowWrap"];
    const key = width + "|" + fonts.map(function (name) { return style[name]; }).join("|");
    if (key !== this.measureKey || this.heights.size > 20000) {
      // Heights depend on the width and the font only: measured once per distinct line.
      this.measureKey = key;
      this.heights = new Map();
      mirror.style.width = Math.max(0, width) + "px";
      for (const name of fonts) mirror.style[name] = style[name];
    }
    const heights = this.heights;
    const lines = area.value.split("\n");
    const unknown = Array.from(new Set(lines.filter(function (line) { return !heights.has(line); })));
    if (unknown.length) {
      const probes = unknown.map(function (line) { return el("div", { text: line || "\u200b" }); });
      mirror.replaceChildren.apply(mirror, probes);
      probes.forEach(function (probe, i) { heights.set(unknown[i], probe.getBoundingClientRect().height); });
      mirror.replaceChildren();
    }
    // Reuse the number elements; only their count and heights change while typing.
    const numbers = this.gutterInner;
    while (numbers.children.length > lines.length) numbers.lastChild.remove();
    while (numbers.children.length < lines.length) {
      numbers.append(el("div", { className: "kd-line", text: String(numbers.children.length + 1) }));
    }
    const tops = [];
    let y = padTop;
    for (let i = 0; i < lines.length; i++) {
      const height = heights.get(lines[i]);
      tops.push(y);
      y += height;
      const node = numbers.children[i];
      const wanted = height + "px";
      if (node.style.height !== wanted) node.style.height = wanted;
    }
    this.lineTops = tops;
    numbers.style.paddingTop = padTop + "px";
    numbers.style.transform = "translateY(" + -area.scrollTop + "px)";
    this.markLines();
  };

  Desk.prototype.markLines = function () {
    const numbers = this.gutterInner.children;
    for (const node of numbers) node.classList.remove("kd-line--error", "kd-line--warning", "kd-line--info");
    for (const finding of this.findings) {
      if (!finding.line) continue;
      for (let line = finding.line; line <= (finding.end_line || finding.line) && line <= numbers.length; line++) {
        const node = numbers[line - 1];
        if (node.classList.contains("kd-line--error")) continue;
        node.classList.add("kd-line--" + finding.severity);
        node.title = finding.label;
      }
    }
  };

  // --- scroll kept in step: headings are the anchors, proportional between them ---

  Desk.prototype.anchors = function () {
    const lines = this.area.value.split("\n");
    const sourceLines = [];
    let fence = null;
    lines.forEach(function (line, index) {
      const marker = line.match(/^\s{0,3}(`{3,}|~{3,})/);
      if (marker) {
        if (fence === null) fence = marker[1][0];
        else if (marker[1][0] === fence) fence = null;
        return;
      }
      if (fence === null && /^#{1,6}\s+\S/.test(line)) sourceLines.push(index);
    });
    const headings = Array.from(this.preview.querySelectorAll("h1, h2, h3, h4, h5, h6"));
    const pairs = [[0, 0]];
    if (headings.length === sourceLines.length) {
      const previewTop = this.preview.getBoundingClientRect().top - this.preview.scrollTop;
      headings.forEach((heading, i) => {
        const top = this.lineTops[sourceLines[i]];
        if (top !== undefined) pairs.push([top, heading.getBoundingClientRect().top - previewTop]);
      });
    }
    pairs.push([this.area.scrollHeight, this.preview.scrollHeight]);
    return pairs;
  };

  Desk.prototype.syncScroll = function (source) {
    // Setting one side's scrollTop fires a scroll event there: ignore that echo.
    if (this.syncTarget === source && Date.now() - this.syncedAt < 150) return;
    const fromArea = source === this.area;
    const target = fromArea ? this.preview : this.area;
    let pairs = this.anchors().map(function (pair) { return fromArea ? pair : [pair[1], pair[0]]; });
    // Scroll positions, not content offsets: the last anchor is the end of each scroll range,
    // and anchors keep increasing on both sides.
    const sourceMax = source.scrollHeight - source.clientHeight;
    const targetMax = target.scrollHeight - target.clientHeight;
    pairs[pairs.length - 1] = [sourceMax, targetMax];
    pairs = pairs.filter(function (pair, i, all) {
      return i === 0 || i === all.length - 1 || (pair[0] < sourceMax && pair[1] < targetMax);
    });
    const position = source.scrollTop;
    let mapped = 0;
    for (let i = 1; i < pairs.length; i++) {
      const [a0, b0] = pairs[i - 1];
      const [a1, b1] = pairs[i];
      if (position <= a1 || i === pairs.length - 1) {
        const span = a1 - a0;
        mapped = b0 + (span > 0 ? ((position - a0) / span) * (b1 - b0) : 0);
        break;
      }
    }
    this.syncTarget = target;
    this.syncedAt = Date.now();
    target.scrollTop = Math.max(0, Math.min(targetMax, mapped));
  };

  function start() {
    const holder = document.getElementById("kosei-desk");
    const area = document.getElementById("id_body");
    if (!holder || !area || area.readOnly || area.disabled) return;
    const form = area.form;
    const config = {
      liveUrl: holder.dataset.liveUrl,
      autosaveUrl: holder.dataset.autosaveUrl,
      autosaveSeconds: Number(holder.dataset.autosaveSeconds || 10),
      uploadUrl: holder.dataset.uploadUrl,
      bookSearchUrl: holder.dataset.bookSearchUrl,
      bookAddUrl: holder.dataset.bookAddUrl,
      canAddBook: holder.dataset.canAddBook === "1",
      postId: holder.dataset.postId,
    };
    const desk = new Desk(config, form, area);
    window.KoseiDesk = {
      desk: desk,
      config: config,
      form: form,
      area: area,
      el: el,
      replaceRange: replaceRange,
      setFieldValue: setFieldValue,
      lineAt: lineAt,
      setStatus: function (text, kind) { desk.setStatus(text, kind); },
      onResult: function (listener) { desk.listeners.push(listener); },
    };
    document.dispatchEvent(new CustomEvent("kosei:desk-ready", { detail: window.KoseiDesk }));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
