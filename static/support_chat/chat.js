// The storefront's chat widget: posts to /api/chat and shows the reply as it streams (SSE:
// start, delta per checked sentence, reply, done), then its sources and who wrote it.
// Without JavaScript the form posts to the full chat page instead.
(function () {
  "use strict";
  var widget = document.querySelector("[data-chat-widget]");
  if (!widget) return;
  var form = widget.querySelector("[data-chat-form]");
  var log = widget.querySelector("[data-chat-log]");
  var key = "support_chat_conversation";
  var afterKey = "support_chat_after";
  var handoffKey = "support_chat_with_staff";
  var polling = null;
  // Words the script shows come translated from the page (data-*-text), never from here.
  var errorText = widget.dataset.errorText || "…";

  // While a person has the conversation, ask every few seconds for their replies.
  function poll() {
    var stored = window.sessionStorage.getItem(key);
    if (!stored) { stopPolling(); return; }
    var url = widget.dataset.updates + "?conversation=" + encodeURIComponent(stored) +
      "&after=" + encodeURIComponent(window.sessionStorage.getItem(afterKey) || "0");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { stopPolling(); return; }
        data.messages.forEach(function (message) {
          add("staff", message.text);
          window.sessionStorage.setItem(afterKey, String(message.id));
        });
        if (data.status === "closed") stopPolling();
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  function startPolling() {
    window.sessionStorage.setItem(handoffKey, "1");
    if (!polling) polling = window.setInterval(poll, 5000);
  }
  function stopPolling() {
    window.sessionStorage.removeItem(handoffKey);
    if (polling) window.clearInterval(polling);
    polling = null;
  }

  // How the answer was written: by the generator (checked), quoted, or without the generator.
  function noteFor(data) {
    if (data.degraded) return widget.dataset.noteDegraded;
    if (data.source === "generated") return widget.dataset.noteGenerated;
    if (data.source === "passage") return widget.dataset.notePassage;
    return "";
  }

  function fill(item, text, citations, note) {
    item.textContent = "";
    var body = document.createElement("div");
    body.className = "chat-text";
    body.textContent = text;
    item.appendChild(body);
    if (citations && citations.length) {
      var list = document.createElement("ul");
      list.className = "chat-citations";
      citations.forEach(function (citation) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = citation.url;
        link.textContent = citation.title;
        entry.appendChild(link);
        list.appendChild(entry);
      });
      item.appendChild(list);
    }
    if (note) {
      var small = document.createElement("p");
      small.className = "chat-note";
      small.textContent = note;
      item.appendChild(small);
    }
    item.scrollIntoView({ block: "end" });
  }

  function add(role, text, citations, note) {
    var item = document.createElement("li");
    item.className = "chat-message chat-" + role;
    log.appendChild(item);
    fill(item, text, citations, note);
    return item;
  }

  // The whole reply (the stream's "reply" event, or a JSON answer): remember the
  // conversation, show the final text with its sources, listen for staff after a handoff.
  function finish(status, data, item) {
    item = item || add("assistant", "");
    item.classList.remove("chat-pending");
    if (status === 404) {
      window.sessionStorage.removeItem(key);
      stopPolling();
      fill(item, widget.dataset.expiredText || errorText);
      return;
    }
    if (status !== 200) { fill(item, data.error || errorText); return; }
    var actions = data.actions || [];
    var renew = actions.some(function (action) { return action.type === "new_conversation"; });
    // A conversation at its message limit: the next message starts a new one.
    if (renew) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, String(data.conversation));
    window.sessionStorage.setItem(afterKey, String(data.last_message || 0));
    fill(item, data.reply, data.citations, noteFor(data));
    actions.forEach(function (action) {
      if (action.type === "handoff" && !data.handoff) offerPerson(item, action.label);
    });
    if (data.handoff) startPolling();
  }

  // "Talk to a person" under a reply: sends those words, which the chat hands to staff.
  function offerPerson(item, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary chat-action";
    button.textContent = label;
    button.addEventListener("click", function () {
      button.remove();
      form.querySelector("[name=message]").value = label;
      form.requestSubmit();
    });
    item.appendChild(button);
  }

  function readStream(response, item) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var text = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.split("\n\n");
        buffer = blocks.pop();
        blocks.forEach(function (block) {
          var name = (block.match(/^event: (.*)$/m) || [])[1];
          var line = (block.match(/^data: (.*)$/m) || [])[1];
          if (!name || line === undefined) return;
          var data = JSON.parse(line);
          if (name === "delta") {
            text += data.text;
            item.querySelector(".chat-text").textContent = text;
            item.scrollIntoView({ block: "end" });
          } else if (name === "reply") {
            finish(200, data, item);
          }
        });
        return pump();
      });
    }
    return pump();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("[name=message]");
    var button = form.querySelector("button");
    var text = input.value.trim();
    if (!text) return;
    add("customer", text);
    input.value = "";
    // One message at a time: the answer to this one is still being written.
    button.disabled = true;
    var item = add("assistant", "…");
    item.classList.add("chat-pending");
    var stored = window.sessionStorage.getItem(key);
    fetch(widget.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        // The API has no language in its URL: its error messages follow the page's.
        "Accept-Language": widget.dataset.language,
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value
      },
      body: JSON.stringify({
        message: text,
        conversation: stored ? Number(stored) : null,
        language: widget.dataset.language
      })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && response.body && type.indexOf("text/event-stream") === 0) {
        return readStream(response, item);
      }
      // Errors (400, 404, 429) are JSON.
      return response.json().then(function (data) { finish(response.status, data, item); });
    }).catch(function () { fill(item, errorText); })
      .then(function () { button.disabled = false; input.focus(); });
  });
  // A conversation handed to a person on an earlier page keeps listening on this one.
  if (window.sessionStorage.getItem(key) && window.sessionStorage.getItem(handoffKey)) startPolling();
})();
