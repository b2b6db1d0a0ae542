// Asks before a button marked data-confirm submits its form: deleting cannot be undone.
// Keyboard activation of a button fires "click" too, so one listener covers every user.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
