// aiaudit serve: progressive enhancement only. Every form works without this file; with it, a save or a
// preview happens in place, the verdict panel follows the file, and the classification updates as you answer.
"use strict";
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    });
  }

  function setLive(html) {
    var live = document.getElementById("live");
    if (live && html) { live.innerHTML = html; }
  }

  // --- the answer form -------------------------------------------------------------------------------
  var form = document.querySelector('form[data-enhance="answer"]');
  if (form) {
    var dirty = false;
    var fallback = false;
    var state = document.getElementById("save-state");
    form.addEventListener("input", function () { dirty = true; if (state) { state.textContent = ""; state.className = "save-state"; } });
    // a not met or partial answer is a finding: open its fields as soon as the status is chosen
    form.addEventListener("change", function (event) {
      var target = event.target;
      var fields = document.getElementById("finding-fields");
      if (fields && target && target.name === "status" && (target.value === "not_met" || target.value === "partial")) {
        fields.open = true;
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var action = submitter ? submitter.value : "save";
      if (fallback) { dirty = false; return; }
      if (action === "next") { dirty = false; return; }
      event.preventDefault();
      if (action === "preview") { preview(); return; }
      save(submitter);
    });

    var preview = function () {
      var body = new FormData();
      body.append("csrf", csrf);
      body.append("notes", form.elements.notes.value);
      var base = form.getAttribute("action").replace(/\/item\/[^/]+$/, "");
      post(base + "/preview", body).then(function (r) { return r.json(); }).then(function (data) {
        var box = document.getElementById("preview");
        document.getElementById("preview-body").innerHTML = data.html;
        box.hidden = false;
      });
    };

    var save = function (submitter) {
      var buttons = form.querySelectorAll("button");
      var evidenceChanged = form.querySelector('input[name="remove"]:checked') ||
        (form.elements.upload && form.elements.upload.files.length) ||
        form.elements.evidence_path.value.trim() || form.elements.evidence_url.value.trim();
      buttons.forEach(function (b) { b.disabled = true; });
      if (state) { state.textContent = state.getAttribute("data-saving") || "…"; state.className = "save-state"; }
      var body = new FormData(form, submitter);
      post(form.getAttribute("action"), body).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (res) {
        buttons.forEach(function (b) { b.disabled = false; });
        var data = res.data;
        if (data.status === "saved") {
          dirty = false;
          if (evidenceChanged) { window.location.assign(data.next); return; }
          form.elements.revision.value = data.revision;
          setLive(data.live);
          var badge = document.querySelector("#current-status .badge");
          if (badge && data.item_status) {
            var checked = form.querySelector('input[name="status"]:checked');
            badge.className = "badge st-" + data.item_status;
            if (checked) { badge.textContent = checked.parentNode.textContent.trim(); }
          }
          if (state) { state.textContent = data.messages.join(" "); state.className = "save-state ok"; }
        } else {
          // The server's page says it best (field errors, both versions of a conflict): submit normally.
          fallback = true;
          form.requestSubmit(submitter);
        }
      }).catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        fallback = true;
        form.requestSubmit(submitter);
      });
    };
  }

  // --- the live verdict panel: follows the file, also when the command line changes it ------------------
  var live = document.getElementById("live");
  if (live && live.getAttribute("data-live")) {
    var etag = null;
    var poll = function () {
      if (document.hidden) { return; }
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(live.getAttribute("data-live"), { credentials: "same-origin", headers: headers }).then(function (r) {
        if (r.status !== 200) { return null; }
        etag = r.headers.get("ETag");
        return r.json();
      }).then(function (data) {
        if (!data) { return; }
        var current = live.querySelector("[data-etag]");
        if (!current || current.getAttribute("data-etag") !== data.etag) { setLive(data.html); }
      }).catch(function () {});
    };
    window.setInterval(poll, 5000);
    document.addEventListener("visibilitychange", poll);
  }

  // --- classification: follow-up questions and the result update as you answer ------------------------
  var cform = document.querySelector('form[data-enhance="classify"]');
  if (cform) {
    var pending = null;
    cform.addEventListener("change", function () {
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(function () {
        var body = new FormData(cform);
        body.set("action", "check");
        fetch(cform.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf } }).then(function (r) { return r.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var focused = document.activeElement ? document.activeElement.id : null;
          var list = cform.querySelector("ol.questions");
          var fresh = doc.querySelector("ol.questions");
          var ids = function (root) {
            return Array.prototype.map.call(root.querySelectorAll("li.question-block"), function (li) { return li.id; }).join(",");
          };
          if (list && fresh && ids(list) !== ids(fresh)) {
            list.innerHTML = fresh.innerHTML;
            if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
          }
          var result = document.getElementById("classify-result");
          var newResult = doc.getElementById("classify-result");
          if (result && newResult) { result.innerHTML = newResult.innerHTML; }
        }).catch(function () {});
      }, 250);
    });
  }
})();
