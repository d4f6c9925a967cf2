// Autosave on the post page: the typed fields go to the user's autosave slot every few seconds
// (when they changed) and when the page is hidden or left (navigator.sendBeacon, which the
// browser delivers even while the tab closes). The slot is not a revision and never touches
// the post. Reopening the page offers to restore it (the diff is drawn by the server); a
// warning appears before leaving with unsaved changes. What a beacon cannot carry (more than
// 64 KB, before the first autosave gave the page a base to send changes against) is kept in
// this browser's localStorage and sent to the slot the next time the page opens.
(function () {
  "use strict";

  const FIELDS = ["title", "slug", "excerpt", "description", "body", "tags", "category", "reading_time_override"];

  function init(kosei) {
    const config = kosei.config;
    const form = kosei.form;
    const desk = kosei.desk;
    let submitting = false;
    let paused = false;
    let saving = false;
    // What the server's slot holds, as this page last saved it, and the token naming it: the
    // page-leave beacon sends only the changes against it (a beacon carries at most 64 KB,
    // less than a long article).
    let slotValues = null;
    let token = "";
    let early = null;

    function values() {
      const current = {};
      for (const name of FIELDS) {
        const input = desk.field(name);
        if (input) current[name] = input.value.replace(/\r\n/g, "\n");
      }
      return current;
    }

    function state() { return JSON.stringify(values()); }

    const initial = state();
    let lastSaved = initial;
    const localKey = "kosei-autosave:" + config.autosaveUrl;

    function keepLocally(current) {
      const version = form.querySelector("[name=version]");
      try {
        localStorage.setItem(localKey, JSON.stringify({ values: current, version: version ? version.value : "" }));
      } catch (error) { /* storage full or disabled: the leave warning was the last guard */ }
    }

    function forgetLocal() {
      try { localStorage.removeItem(localKey); } catch (error) { /* nothing kept */ }
    }

    function base() {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", desk.csrf());
      const version = form.querySelector("[name=version]");
      if (version) data.append("version", version.value);
      return data;
    }

    function full(current) {
      const data = base();
      for (const [name, value] of Object.entries(current)) data.append(name, value);
      return data;
    }

    // The change from `old` to `value` as one splice, in UTF-16 units like the strings.
    function splice(old, value) {
      let start = 0;
      while (start < old.length && start < value.length && old[start] === value[start]) start++;
      let endOld = old.length;
      let endNew = value.length;
      while (endOld > start && endNew > start && old[endOld - 1] === value[endNew - 1]) { endOld--; endNew--; }
      return { start: start, end: endOld, text: value.slice(start, endNew), length: old.length };
    }

    function save(force, message) {
      if (!config.autosaveUrl || paused || submitting || saving) return;
      const current = values();
      const serialised = JSON.stringify(current);
      if (serialised === lastSaved && !force) return;
      saving = true;
      // A plain request (not keepalive, which is limited to 64 KB like a beacon).
      fetch(config.autosaveUrl, { method: "POST", body: full(current), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (result) {
          lastSaved = serialised;
          slotValues = current;
          token = result.token;
          forgetLocal(); // the slot holds something newer than a copy left in this browser
          stamp(message || "自動保存しました（" + result.saved_at + "）");
        })
        .catch(function () {
          kosei.setStatus("自動保存できませんでした。通信を確かめてください（入力は画面に残っています）。", "error");
        })
        .finally(function () { saving = false; });
    }

    function saveOnLeave() {
      if (!config.autosaveUrl || paused || submitting) return;
      const current = values();
      const serialised = JSON.stringify(current);
      if (serialised === lastSaved) return;
      let data;
      if (token && slotValues) {
        data = base();
        data.append("patch", "1");
        data.append("base", token);
        for (const [name, value] of Object.entries(current)) {
          if (value !== slotValues[name]) data.append("patch-" + name, JSON.stringify(splice(slotValues[name] || "", value)));
        }
      } else {
        data = full(current);
      }
      if (navigator.sendBeacon && navigator.sendBeacon(config.autosaveUrl, data)) {
        lastSaved = serialised;
        // The slot now has a new token this page cannot know: save in full when it is back.
        token = "";
        slotValues = null;
      } else {
        keepLocally(current); // too large for a beacon: sent when the page opens again
      }
    }

    // A copy a beacon could not carry: send it to the slot, then show the page again so the
    // server offers it like any autosave (with its diff), or drop it if nothing differs.
    function sendKeptCopy() {
      let kept = null;
      try { kept = JSON.parse(localStorage.getItem(localKey) || "null"); } catch (error) { kept = null; }
      if (!kept || !kept.values) return false;
      if (JSON.stringify(kept.values) === initial) { forgetLocal(); return false; }
      const data = new FormData();
      data.append("csrfmiddlewaretoken", desk.csrf());
      if (kept.version) data.append("version", kept.version);
      for (const [name, value] of Object.entries(kept.values)) data.append(name, value);
      fetch(config.autosaveUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          forgetLocal();
          window.location.reload();
        })
        .catch(function () {
          paused = false;
          kosei.setStatus("前回送れなかった入力がこのブラウザに残っています。通信を確かめてページを読み込み直してください。", "error");
        });
      return true;
    }

    function stamp(text) {
      kosei.setStatus(text, "saved");
    }

    // While a kept copy is on its way the page saves nothing (it reloads with the offer).
    if (config.autosaveUrl && sendKeptCopy()) paused = true;

    if (config.autosaveUrl) {
      setInterval(save, Math.max(1, config.autosaveSeconds) * 1000);
      // The first change is saved soon, so that leaving the page can send only what follows.
      form.addEventListener("input", function () {
        if (token || early) return;
        early = setTimeout(function () { early = null; save(); }, 2000);
      });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") saveOnLeave();
        else if (!token && lastSaved !== initial) save(true);
      });
      window.addEventListener("pagehide", saveOnLeave);
    }

    // The leave warning covers the whole form: books and related articles picked, the card
    // choice and upload, not only the fields the autosave slot keeps.
    function wholeForm() {
      const parts = [];
      for (const [name, value] of new FormData(form).entries()) {
        if (name === "csrfmiddlewaretoken") continue;
        if (typeof value === "string") parts.push(name + "=" + value.replace(/\r\n/g, "\n"));
        else if (value && value.name) parts.push(name + "=file:" + value.name);
      }
      return parts.join("\u0000");
    }
    const initialWhole = wholeForm();

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || (state() === initial && wholeForm() === initialWhole)) return;
      event.preventDefault();
      event.returnValue = ""; // the browser shows its own "leave the page?" wording
    });

    // --- the offer to restore -------------------------------------------------------------

    const offer = document.getElementById("kd-restore");
    const dataNode = document.getElementById("kd-autosave-data");
    if (!offer || !dataNode) return;
    // Saving now would overwrite what the editor has not yet looked at; wait for a choice.
    paused = true;
    kosei.setStatus("自動保存は、上の「復元」か「破棄」を選ぶまで止めています。", "error");
    const saved = JSON.parse(dataNode.textContent);

    offer.querySelector(".kd-restore__apply").addEventListener("click", function () {
      for (const [name, value] of Object.entries(saved.fields)) {
        const input = desk.field(name);
        if (!input) continue;
        const label = saved.labels[name];
        if (input.tagName === "SELECT" && value && label && !Array.from(input.options).some(function (o) { return o.value === value; })) {
          input.append(new Option(label, value)); // an autocomplete holds only its current choice
        }
        kosei.setFieldValue(input, value);
        if (input.tagName === "SELECT" && window.django && window.django.jQuery) window.django.jQuery(input).trigger("change");
      }
      offer.remove();
      paused = false;
      const restored = "自動保存の内容を復元しました（まだ保存していません。確かめて保存してください）。";
      kosei.setStatus(restored, "ok");
      save(true, restored); // the slot keeps this text; the page learns its token for patches
      desk.refresh();
    });

    offer.querySelector(".kd-restore__discard").addEventListener("click", function () {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", desk.csrf());
      data.append("discard", "1");
      fetch(config.autosaveUrl, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        offer.remove();
        paused = false;
        kosei.setStatus("自動保存の内容を破棄しました。", "ok");
      }).catch(function () {
        kosei.setStatus("破棄できませんでした。ページを読み込み直してください。", "error");
      });
    });
  }

  if (window.KoseiDesk) init(window.KoseiDesk);
  else document.addEventListener("kosei:desk-ready", function (event) { init(event.detail); });
})();
