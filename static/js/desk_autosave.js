// Autosave on the post page: the typed fields go to the user's autosave slot every few seconds
// (when they changed) and when the page is hidden or left (navigator.sendBeacon, which the
// browser delivers even while the tab closes). The slot is not a revision and never touches
// the post. Reopening the page offers to restore it (the diff is drawn by the server); a
// warning appears before leaving with unsaved changes.
(function () {
  "use strict";

  const FIELDS = ["title", "slug", "excerpt", "description", "body", "tags", "category", "reading_time_override"];

  function init(kosei) {
    const config = kosei.config;
    const form = kosei.form;
    const desk = kosei.desk;
    let submitting = false;
    let paused = false;

    function state() {
      const values = {};
      for (const name of FIELDS) {
        const input = desk.field(name);
        if (input) values[name] = input.value.replace(/\r\n/g, "\n");
      }
      return JSON.stringify(values);
    }

    const initial = state();
    let lastSaved = initial;

    function payload() {
      const data = desk.fieldData(FIELDS);
      const version = form.querySelector("[name=version]");
      if (version) data.append("version", version.value);
      return data;
    }

    function stamp(text) {
      kosei.setStatus(text, "saved");
    }

    function save() {
      if (!config.autosaveUrl || paused || submitting) return;
      const current = state();
      if (current === lastSaved) return;
      fetch(config.autosaveUrl, { method: "POST", body: payload(), credentials: "same-origin", keepalive: true })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (result) {
          lastSaved = current;
          stamp("自動保存しました（" + result.saved_at + "）");
        })
        .catch(function () {
          kosei.setStatus("自動保存できませんでした。通信を確かめてください（入力は画面に残っています）。", "error");
        });
    }

    function saveOnLeave() {
      if (!config.autosaveUrl || paused || submitting) return;
      const current = state();
      if (current === lastSaved) return;
      if (navigator.sendBeacon && navigator.sendBeacon(config.autosaveUrl, payload())) {
        lastSaved = current;
      }
    }

    if (config.autosaveUrl) {
      setInterval(save, Math.max(1, config.autosaveSeconds) * 1000);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") saveOnLeave();
      });
      window.addEventListener("pagehide", saveOnLeave);
    }

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || state() === initial) return;
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
      for (const [name, value] of Object.entries(saved)) {
        const input = desk.field(name);
        if (input) kosei.setFieldValue(input, value);
      }
      offer.remove();
      paused = false;
      lastSaved = state();
      kosei.setStatus("自動保存の内容を復元しました（まだ保存していません。確かめて保存してください）。", "ok");
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
