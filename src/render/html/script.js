// Navigation only: the report is complete without it. The picker shows one file at a time;
// a link to a line shows its file and opens its findings. A marked line is a <details>: a
// click, or Enter on it, opens it with no script at all.
(function () {
  var pick = document.getElementById("pick");
  var files = Array.prototype.slice.call(document.querySelectorAll("section.file"));
  function show(id) {
    files.forEach(function (f) {
      var inPair = f.parentElement && f.parentElement.classList.contains("pair");
      f.hidden = !(id === "all" || f.id === id || (id === "pair" && inPair));
    });
  }
  if (pick) {
    pick.hidden = false;
    pick.addEventListener("change", function () { show(pick.value); });
    show(pick.value);
  }
  function reveal() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var t = id && document.getElementById(id);
    if (!t) { return; }
    var f = t.closest("section.file");
    if (f && f.hidden && pick) { pick.value = "all"; show("all"); }
    if (t.tagName === "DETAILS") { t.open = true; }
    t.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
