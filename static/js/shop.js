/* Progressive enhancements only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Add to cart without leaving the page; the plain POST + redirect is the no-JS path.
    document.querySelectorAll("form[data-cart-add]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch) { return; }
        event.preventDefault();
        var status = form.querySelector("[role=status]");
        fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { "Accept": "application/json" },
          credentials: "same-origin"
        }).then(function (response) {
          return response.json();
        }).then(function (data) {
          if (status) { status.textContent = data.message; }
          if (data.ok) {
            document.querySelectorAll("[data-cart-count]").forEach(function (el) {
              el.textContent = data.count;
            });
          }
        }).catch(function () { form.submit(); });
      });
    });

    // A second click on "Place order" while the first is in flight does nothing visible;
    // the idempotency key makes it harmless on the server anyway.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[value=place]").forEach(function (button) {
          setTimeout(function () { button.disabled = true; }, 0);
        });
      });
    });

    // Sorting applies as soon as a new order is picked (the Sort button is the no-JS path).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });

    // Search suggestions: popular queries, categories and titles fill the input's datalist.
    document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      var last = "";
      if (!list || !window.fetch) { return; }
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var prefix = input.value.trim();
          if (prefix.length < 2 || prefix === last) { return; }
          last = prefix;
          fetch(input.getAttribute("data-suggest-url") + "&q=" + encodeURIComponent(prefix))
            .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
            .then(function (data) {
              list.textContent = "";
              data.suggestions.forEach(function (item) {
                var option = document.createElement("option");
                option.value = item.text;
                list.appendChild(option);
              });
            })
            .catch(function () { list.textContent = ""; });
        }, 150);
      });
    });

    // On narrow screens start with the filter panel folded so results come first.
    document.querySelectorAll("details[data-collapse-below]").forEach(function (details) {
      var limit = parseInt(details.getAttribute("data-collapse-below"), 10);
      var hasSelection = details.querySelector("input:checked, input[aria-invalid]");
      if (window.innerWidth < limit && !hasSelection) {
        details.removeAttribute("open");
      }
    });
  });
})();
