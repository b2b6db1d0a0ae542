/**
 * The memo editor: a live preview of the Markdown (rendered and sanitised by the server, the
 * same way the published files are), the sources of the paragraphs still marked in the text,
 * and a warning before leaving with unsaved changes.
 */
const form = document.getElementById("memo-form");
const textarea = form?.querySelector("textarea[name=markdown]");
const preview = document.getElementById("memo-preview");
const notice = document.getElementById("memo-placeholders");
const sources = document.getElementById("memo-sources");

if (form && textarea && preview) {
  const saved = textarea.value;
  let timer = null;
  let asked = 0;

  async function refresh() {
    const ask = ++asked;
    const body = new FormData();
    body.set("markdown", textarea.value);
    body.set("csrf_token", form.querySelector("input[name=csrf_token]").value);
    try {
      const response = await fetch(form.dataset.preview, { method: "POST", body });
      if (!response.ok || ask !== asked) return; // a newer preview is on its way
      const data = await response.json();
      preview.innerHTML = data.html; // sanitised by the server (nh3)
      // Built by the server from escaped text; replaced only when it changed, so a list the
      // coordinator opened stays open while they type elsewhere.
      if (sources && sources.dataset.html !== data.sources) {
        sources.innerHTML = data.sources;
        sources.dataset.html = data.sources;
      }
      if (notice) {
        notice.hidden = data.placeholders === 0;
        notice.textContent = notice.dataset.template.replace("{count}", data.placeholders);
      }
    } catch {
      // offline: the preview waits for the next keystroke; the text itself is untouched
    }
  }

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  let submitting = false;
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && textarea.value !== saved) {
      event.preventDefault();
      event.returnValue = form.dataset.unsaved;
    }
  });
}
