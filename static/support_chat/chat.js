// The storefront's chat widget: posts to /api/chat and shows the reply with its sources.
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

  function add(role, text, citations) {
    var item = document.createElement("li");
    item.className = "chat-message chat-" + role;
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
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("[name=message]");
    var text = input.value.trim();
    if (!text) return;
    add("customer", text);
    input.value = "";
    var stored = window.sessionStorage.getItem(key);
    fetch(widget.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
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
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (result.status === 404) {
        window.sessionStorage.removeItem(key);
        stopPolling();
        add("assistant", widget.dataset.expiredText || errorText);
        return;
      }
      if (result.status !== 200) { add("assistant", result.data.error || errorText); return; }
      var actions = result.data.actions || [];
      var renew = actions.some(function (action) { return action.type === "new_conversation"; });
      // A conversation at its message limit: the next message starts a new one.
      if (renew) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, String(result.data.conversation));
      window.sessionStorage.setItem(afterKey, String(result.data.last_message || 0));
      add("assistant", result.data.reply, result.data.citations);
      if (result.data.handoff) startPolling();
    }).catch(function () { add("assistant", errorText); });
  });
  // A conversation handed to a person on an earlier page keeps listening on this one.
  if (window.sessionStorage.getItem(key) && window.sessionStorage.getItem(handoffKey)) startPolling();
})();
