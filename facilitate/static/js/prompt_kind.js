// Prompt editors show the options box only for a poll, the one kind that has options, and the
// reference figures only for statements and polls. Without this script every field shows, and
// the server still says which kinds take them.
function showFor(selector, forKind, kinds) {
  for (const field of document.querySelectorAll(selector)) {
    const kind = document.getElementById(field.dataset[forKind]);
    if (!kind) continue;
    const show = () => {
      // A box with an error in it stays, so the message is seen.
      field.hidden = !kinds.includes(kind.value) && !field.querySelector(".field-error")
        && !field.classList.contains("has-error");
    };
    kind.addEventListener("change", show);
    show();
  }
}

showFor("[data-options-for]", "optionsFor", ["poll"]);
showFor("[data-reference-for]", "referenceFor", ["statement", "poll"]);
