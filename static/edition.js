// Progressive enhancement of the reading page; without JavaScript every
// callout, note and paragraph number is still a plain link.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");

  // Copy-link buttons beside the paragraph numbers.
  document.querySelectorAll(".para .pnum a:first-child").forEach(function (link) {
    var id = link.getAttribute("href").slice(1);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "copy";
    button.setAttribute("aria-label", "Copy the link to " + link.getAttribute("aria-label").toLowerCase());
    button.addEventListener("click", function () {
      var url = location.href.split("#")[0] + "#" + id;
      var done = function () { if (status) status.textContent = "Link copied: " + url; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { prompt("Copy this link:", url); });
      } else {
        prompt("Copy this link:", url);
      }
    });
    link.parentNode.appendChild(button);
  });

  // Copy buttons for the formatted citations.
  document.querySelectorAll(".cite .reference").forEach(function (ref) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "copy";
    var label = ref.closest("[data-style]") ? ref.closest("[data-style]").dataset.style.toUpperCase() : "";
    button.setAttribute("aria-label", "Copy the " + label + " citation");
    button.addEventListener("click", function () {
      var copy = ref.cloneNode(true);
      copy.querySelectorAll(".style-label, button").forEach(function (el) { el.remove(); });
      var text = copy.textContent.trim();
      var done = function () { if (status) status.textContent = "Citation copied."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { prompt("Copy this citation:", text); });
      } else {
        prompt("Copy this citation:", text);
      }
    });
    ref.appendChild(button);
  });

  // Footnote popovers: shown on hover and keyboard focus; a first tap on a
  // touch screen shows the note, a second one follows the link to it.
  var popover = document.getElementById("note-popover");
  if (!popover) return;
  var current = null;
  function noteContent(id) {
    var note = document.getElementById(id);
    if (!note) return null;
    var body = note.querySelector(".note-body") || note;
    var copy = body.cloneNode(true);
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.querySelectorAll(".src, .note-label").forEach(function (el) { el.remove(); });
    copy.querySelectorAll("a").forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    return copy;
  }
  function show(link) {
    var content = link.dataset.desc ? document.createTextNode(link.dataset.desc) : noteContent(link.dataset.note);
    if (!content) return;
    var wrap = document.createElement("p");
    if (link.dataset.desc) { wrap.appendChild(content); content = wrap; }
    popover.replaceChildren(content);
    popover.hidden = false;
    var box = link.getBoundingClientRect();
    var top = window.scrollY + box.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + box.left - 40, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 8));
    popover.style.top = top + "px";
    popover.style.left = left + "px";
    link.setAttribute("aria-describedby", "note-popover");
    current = link;
  }
  function hide() {
    popover.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }
  document.querySelectorAll("a.fnref, a.annref, a.name[data-desc]").forEach(function (link) {
    var touched = false;
    link.addEventListener("mouseenter", function () { show(link); });
    link.addEventListener("mouseleave", hide);
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", hide);
    link.addEventListener("pointerdown", function (event) { touched = event.pointerType === "touch"; });
    link.addEventListener("click", function (event) {
      if (touched && current !== link) { event.preventDefault(); show(link); }
      touched = false;
    });
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
