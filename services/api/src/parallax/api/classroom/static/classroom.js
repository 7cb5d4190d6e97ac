// Parallax classroom: highlight switches, omission links that show the passage, printing.
// The page works without this script (every highlight shown, links still jump to the place).
"use strict";

(function () {
  const FLASH_MS = 4000;

  function setUpLayers(view) {
    const switches = view.querySelectorAll("input[data-layer]");
    const apply = () => {
      switches.forEach((box) => view.classList.toggle("hide-" + box.dataset.layer, !box.checked));
    };
    switches.forEach((box) => box.addEventListener("change", apply));
    apply();
  }

  // Follow a link to a unit or passage: scroll to it and light up every piece of it.
  function showPassage(link) {
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    const anchor = document.getElementById(id);
    if (!anchor) {
      return false;
    }
    // Anchor "cN-NAME" in column N; the pieces of that unit or passage carry class "part-NAME".
    const column = anchor.closest(".column");
    const name = id.match(/^c\d+-([\w-]+)$/);
    const pieces = column && name ? Array.from(column.querySelectorAll(".part-" + CSS.escape(name[1]))) : [];
    pieces.forEach((piece) => piece.classList.add("flash"));
    window.setTimeout(() => pieces.forEach((piece) => piece.classList.remove("flash")), FLASH_MS);
    anchor.scrollIntoView({ block: "center", inline: "center" });
    anchor.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + id);
    return true;
  }

  function setUpLinks(view) {
    view.addEventListener("click", (event) => {
      const link = event.target.closest("a.to-source, a.to-passage");
      if (link && showPassage(link)) {
        event.preventDefault();
      }
    });
  }

  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-event-view]").forEach((view) => {
      setUpLayers(view);
      setUpLinks(view);
    });
    setUpPrint();
    const result = document.getElementById("result") || document.getElementById("problem");
    if (result) {
      result.focus();
    }
  });
})();
