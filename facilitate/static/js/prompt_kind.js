// Prompt editors show the options box only for a poll, the one kind that has options. Without
// this script every field shows, and the server still says which kinds take options.
for (const field of document.querySelectorAll("[data-options-for]")) {
  const kind = document.getElementById(field.dataset.optionsFor);
  if (!kind) continue;
  const show = () => {
    // A box with an error in it stays, so the message is seen.
    field.hidden = kind.value !== "poll" && !field.classList.contains("has-error");
  };
  kind.addEventListener("change", show);
  show();
}
