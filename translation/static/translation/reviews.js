/* Reviews translated on demand: a "Translate to …" button on each review written in another
   language than the page's. The translation is fetched from /api/reviews/translation, shown
   labelled "Machine-translated", and "Show original" switches back. Text only (textContent),
   never HTML. A degraded answer shows its message and leaves the review as written. */
(function () {
  "use strict";

  function start() {
    var config = document.getElementById("review-translation");
    if (!config || !window.fetch) { return; }
    var language = config.getAttribute("data-language");
    var endpoint = config.getAttribute("data-endpoint");
    var label = function (name) { return config.getAttribute("data-label-" + name) || ""; };

    document.querySelectorAll("li.review[data-review-id]").forEach(function (item) {
      if ((item.getAttribute("lang") || "").toLowerCase() === language) { return; }
      var article = item.querySelector("article") || item;
      var title = article.querySelector(".review-title");
      var text = article.querySelector(".review-text");
      var controls = document.createElement("p");
      controls.className = "review-translate small";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = label("translate");
      var status = document.createElement("span");
      status.className = "muted review-translate-status";
      status.setAttribute("role", "status");
      controls.appendChild(button);
      controls.appendChild(document.createTextNode(" "));
      controls.appendChild(status);
      article.appendChild(controls);

      var translated = null;
      var showing = false;

      function show(translation) {
        showing = translation;
        if (title) { title.hidden = translation; }
        if (text) { text.hidden = translation; }
        if (translated) { translated.hidden = !translation; }
        button.textContent = translation ? label("original") : label("translate");
        button.setAttribute("aria-pressed", translation ? "true" : "false");
      }

      function build(data) {
        translated = document.createElement("div");
        translated.className = "review-translated";
        translated.setAttribute("lang", data.language);
        if (data.title) {
          var heading = document.createElement("h3");
          heading.className = "review-title";
          heading.textContent = data.title;
          translated.appendChild(heading);
        }
        var body = document.createElement("p");
        body.textContent = data.text || "";
        body.style.whiteSpace = "pre-line";
        translated.appendChild(body);
        var mark = document.createElement("p");
        mark.className = "muted small machine-translated";
        mark.title = label("machine-title");
        // The page's own words: the API answers in the request's language, which for a
        // cookie-less visitor may not be the page's.
        mark.textContent = label("machine") || data.label;
        translated.appendChild(mark);
        article.insertBefore(translated, controls);
      }

      button.addEventListener("click", function () {
        if (translated) { show(!showing); return; }
        button.disabled = true;
        status.textContent = label("working");
        var url = endpoint + "?review=" + encodeURIComponent(item.getAttribute("data-review-id")) +
          "&lang=" + encodeURIComponent(language);
        fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.json().then(function (data) { return { ok: response.ok, data: data }; });
          })
          .then(function (answer) {
            var data = answer.data || {};
            if (answer.ok && data.degraded) {
              status.textContent = label("unavailable") || data.message;
              return;
            }
            if (!answer.ok || !data.machine_translated) {
              status.textContent = data.error || label("failed");
              return;
            }
            status.textContent = "";
            build(data);
            show(true);
          })
          .catch(function () { status.textContent = label("failed"); })
          .then(function () { button.disabled = false; });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
