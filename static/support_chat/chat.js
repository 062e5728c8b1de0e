// The storefront's chat widget: posts to /api/chat and shows the reply with its sources.
// Without JavaScript the form posts to the full chat page instead.
(function () {
  "use strict";
  var widget = document.querySelector("[data-chat-widget]");
  if (!widget) return;
  var form = widget.querySelector("[data-chat-form]");
  var log = widget.querySelector("[data-chat-log]");
  var key = "support_chat_conversation";

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
      if (result.status === 404) window.sessionStorage.removeItem(key);
      if (result.status !== 200) { add("assistant", result.data.error || "Error"); return; }
      var actions = result.data.actions || [];
      var renew = actions.some(function (action) { return action.type === "new_conversation"; });
      // A conversation at its message limit: the next message starts a new one.
      if (renew) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, String(result.data.conversation));
      add("assistant", result.data.reply, result.data.citations);
    }).catch(function () { add("assistant", "…"); });
  });
})();
