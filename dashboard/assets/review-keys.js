/* Keyboard shortcuts on the review queue (Hàng chờ duyệt): c confirm, d dismiss, n or j next
   item, k previous item, a toggles "apply to the whole cluster", [ and ] previous and next
   page of the queue. They only click the page's own buttons and radio inputs, so every
   decision goes through the same callback (and the same checks) as a mouse click. Ignored
   while typing in a field. Served from this app (script-src 'self'). */
(function () {
  "use strict";
  function typing(target) {
    if (!target) {
      return false;
    }
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function click(id, checkbox) {
    var target = document.getElementById(id);
    if (target && checkbox) {
      target = target.querySelector("input[type=checkbox]");
    }
    if (target && !target.disabled) {
      target.click();
    }
  }
  function move(step) {
    var radios = document.querySelectorAll("#review-queue input[type=radio]");
    if (!radios.length) {
      return;
    }
    var index = -1;
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) {
        index = i;
      }
    }
    var next = Math.min(radios.length - 1, Math.max(0, index + step));
    radios[next].click();
    radios[next].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (!document.getElementById("review-queue")) {
      return;
    }
    var key = event.key;
    if (key === "c") {
      click("review-confirm");
    } else if (key === "d") {
      click("review-dismiss");
    } else if (key === "n" || key === "j") {
      move(1);
    } else if (key === "k") {
      move(-1);
    } else if (key === "a") {
      click("review-bulk", true);
    } else if (key === "[") {
      click("review-prev");
    } else if (key === "]") {
      click("review-next");
    } else {
      return;
    }
    event.preventDefault();
  });
})();
