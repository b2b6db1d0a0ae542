// The presenter view (page entry): the current step in large type for the coordinator's
// screen share, driven by the room; run from the keyboard. Never shows people's names.
import { phaseName, startRoom } from "./app.js";
import { choices, distribution, earlierLines, referenceLine } from "./answers.js";
import { h } from "./dom.js";
import { showConnection } from "./parts.js";
import { t, tn } from "./strings.js";
import { Countdown } from "./timer.js";

const byId = (id) => document.getElementById(id);
/** How long the word cloud waits for more contributions before it asks for its words. */
const WORDS_DELAY_MS = 700;
/** The timer T starts, in seconds. */
const TIMER_SECONDS = 300;
/** Contributions on the wall, most voted first. */
const WALL_SIZE = 6;
const CHARTED = new Set(["statement", "poll"]);

class PresenterView {
  constructor(app) {
    this.app = app;
    this.presented = new Map(); // theme id -> index of the prompt on screen
    this.chart = null; // {promptId, fills, counts, total} while a chart is on screen
    this.wordsTimer = 0;
    this.countdown = new Countdown(byId("room-timer"), () => app.state.now(), () => {});
    document.addEventListener("keydown", (event) => this.key(event));
  }

  connectionState(state, message) {
    showConnection(byId("room-connection"), state, message, this.app);
  }

  renderAll() {
    this.renderStage();
    this.renderPresence();
    this.countdown.show(this.app.state.room.timer, { quiet: true });
  }

  update(parts) {
    const { state } = this.app;
    if (parts.has("phase") || parts.has("room")) this.renderStage();
    if (parts.has("timer")) this.countdown.show(state.room.timer, { quiet: true });
    if (parts.has("presence")) this.renderPresence();
    const theme = state.currentTheme();
    for (const part of parts) {
      const [kind, id] = part.split(":");
      if (kind === "prompt" && this.chart && Number(id) === this.chart.promptId) {
        this.renderPromptVisual();
      }
      if (kind === "contributions" && theme && Number(id) === theme.id && !this.chart) {
        this.renderWall(theme);
        this.wordsSoon(theme);
      }
    }
  }

  /** The prompt of the current theme that is on screen (← and → choose), or null. */
  prompt() {
    const theme = this.app.state.currentTheme();
    if (!theme || !theme.prompts.length) return null;
    const index = Math.min(this.presented.get(theme.id) ?? 0, theme.prompts.length - 1);
    return theme.prompts[index];
  }

  renderStage() {
    const { state } = this.app;
    const theme = state.currentTheme();
    this.app.root.dataset.phase = state.room.phase;
    this.app.root.dataset.themeId = theme ? theme.id : "";
    byId("present-heading").textContent = state.room.phase === "opening"
      ? state.snap.workshop.title : phaseName(state);
    if (!theme) {
      this.chart = null;
      byId("present-prompt").textContent = state.room.phase === "closing" ? t("thanks")
        : t("phase_opening");
      byId("present-visual").replaceChildren();
      return;
    }
    this.renderPromptVisual();
  }

  /** The prompt in large type, and its chart or the theme's word cloud and wall. */
  renderPromptVisual() {
    const theme = this.app.state.currentTheme();
    const prompt = this.prompt();
    const count = theme.prompts.length;
    const index = prompt ? theme.prompts.indexOf(prompt) : -1;
    byId("present-prompt").textContent = prompt ? prompt.text : "";
    byId("present-prompt").dataset.position = count > 1 ? `${index + 1}/${count}` : "";
    if (prompt && CHARTED.has(prompt.kind)) {
      this.renderChart(prompt);
      return;
    }
    this.chart = null;
    const visual = byId("present-visual");
    visual.replaceChildren(
      h("ul", { id: "present-cloud", class: "present-cloud", "aria-label": t("present_cloud") }),
      h("h2", { class: "visually-hidden" }, t("present_wall")),
      h("ul", { id: "present-wall", class: "present-wall" }));
    this.renderWall(theme);
    this.wordsSoon(theme, 0);
  }

  /** A statement's or poll's bars: drawn once, then only their widths and numbers change. */
  renderChart(prompt) {
    const limits = this.app.state.snap.limits;
    const shares = distribution(prompt) ?? { counts: [], total: 0, percent: () => 0 };
    const { counts, total } = shares;
    const visual = byId("present-visual");
    if (!this.chart || this.chart.promptId !== prompt.id || !visual.contains(this.chart.list)) {
      const rows = choices(prompt, limits).map(([value, label]) => {
        const fill = h("span", { class: "chart-fill" });
        const number = h("span", { class: "chart-count" });
        return { fill, number, row: h("li", { "data-value": value },
          h("span", { class: "chart-label" }, label),
          h("span", { class: "chart-bar", "aria-hidden": "true" }, fill), number) };
      });
      const list = h("ul", { class: "present-chart", "aria-label": t("present_chart") },
        rows.map((r) => r.row));
      const note = h("p", { class: "present-total" });
      // A tracked question: its earlier results in the series, beside today's once shown.
      const earlier = earlierLines(prompt, limits);
      const before = h("ul", { class: "present-earlier", "aria-label": t("earlier_heading") },
        earlier.map((line) => h("li", {}, line)));
      before.hidden = !earlier.length;
      // Figures from elsewhere (a national survey), filled below: an edit can change them.
      const reference = h("p", { class: "present-reference" });
      this.chart = { promptId: prompt.id, rows, list, note, before, reference,
        hasEarlier: earlier.length };
      visual.replaceChildren(list, note, before, reference);
    }
    // Only what the coordinator has revealed is shown; the count of answers always is.
    const shown = Boolean(prompt.revealed);
    this.chart.list.hidden = !shown;
    this.chart.before.hidden = !shown || !this.chart.hasEarlier;
    const reference = referenceLine(prompt);
    this.chart.reference.textContent = reference ? `${t("reference_heading")} ${reference}` : "";
    this.chart.reference.hidden = !shown || !reference;
    this.chart.rows.forEach(({ fill, number }, index) => {
      const n = counts[index] ?? 0;
      const percent = shares.percent(index);
      fill.style.width = `${shown ? percent : 0}%`;
      number.textContent = t("count_percent", { n, pct: percent });
    });
    this.chart.note.textContent = shown ? tn("results_one", "results_other", total)
      : `${tn("present_answers_one", "present_answers_other", total)} ${t("present_hidden")}`;
    this.app.root.dataset.revealed = String(shown);
  }

  /** The most voted contributions of the theme, text only. */
  renderWall(theme) {
    const wall = byId("present-wall");
    if (!wall) return;
    const top = this.app.state.contributionsOf(theme.id).filter((c) => !c.hidden)
      .sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0)).slice(0, WALL_SIZE);
    wall.replaceChildren(...top.map((c) => h("li", {}, c.text,
      c.votes ? h("span", { class: "votes" }, tn("votes_one", "votes_other", c.votes)) : null)));
  }

  /** Ask for the word cloud's words once contributions have stopped arriving for a moment. */
  wordsSoon(theme, delay = WORDS_DELAY_MS) {
    clearTimeout(this.wordsTimer);
    this.wordsTimer = setTimeout(() => this.loadWords(theme), delay);
  }

  async loadWords(theme) {
    const url = this.app.root.dataset.wordsUrl.replace(/\/0\/words\.json$/,
      `/${theme.id}/words.json`);
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      data = await response.json();
    } catch {
      return; // offline: the cloud stays as it was
    }
    const cloud = byId("present-cloud");
    if (!cloud || this.app.state.currentTheme()?.id !== theme.id) return;
    if (!data.words.length) {
      cloud.replaceChildren(h("li", { class: "present-note" }, t("present_no_words")));
      return;
    }
    const most = data.words[0].count;
    cloud.replaceChildren(...data.words.map(({ word, count }) => {
      const item = h("li", { "data-count": count }, word, h("span", { class: "visually-hidden" },
        ` (${count})`));
      item.style.fontSize = `${(1 + (2.2 * count) / most).toFixed(2)}em`;
      return item;
    }));
  }

  renderPresence() {
    const presence = this.app.state.snap.presence ?? [];
    const total = presence.reduce((sum, entry) => sum + entry.count, 0);
    byId("present-presence").replaceChildren(
      h("li", {}, h("strong", {}, t("present_heading", { n: total }))),
      ...presence.map((entry) => h("li", {}, `${entry.organisation} ${entry.count}`)));
  }

  /** The shortcuts the page lists: N/P themes, ←/→ prompts, R results, T timer, F full screen. */
  key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !this.app.state.snap) return;
    const action = {
      n: () => this.step(1), p: () => this.step(-1),
      ArrowRight: () => this.turn(1), ArrowLeft: () => this.turn(-1),
      r: () => this.reveal(), t: () => this.timer(), f: () => this.fullScreen(),
    }[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  /** The next (or previous) step of the agenda: talks, each theme, closing. */
  step(offset) {
    const { state } = this.app;
    const steps = [{ phase: "opening" },
      ...state.themes.map((theme) => ({ phase: "theme", theme_id: theme.id })),
      { phase: "closing" }];
    const now = steps.findIndex((s) => s.phase === state.room.phase
      && (s.phase !== "theme" || s.theme_id === state.room.theme_id));
    const next = steps[Math.max(0, Math.min(steps.length - 1, now + offset))];
    if (next !== steps[now]) this.app.conn.send("phase.set", next);
  }

  turn(offset) {
    const theme = this.app.state.currentTheme();
    if (!theme || theme.prompts.length < 2) return;
    const index = this.presented.get(theme.id) ?? 0;
    this.presented.set(theme.id, Math.max(0, Math.min(theme.prompts.length - 1,
      index + offset)));
    this.renderPromptVisual();
  }

  reveal() {
    const prompt = this.prompt();
    if (prompt && CHARTED.has(prompt.kind)) {
      this.app.conn.send("prompt.reveal", { prompt_id: prompt.id, revealed: !prompt.revealed });
    }
  }

  timer() {
    if (this.app.state.room.timer) this.app.conn.send("timer.stop", {});
    else this.app.conn.send("timer.start", { seconds: TIMER_SECONDS });
  }

  fullScreen() {
    if (document.fullscreenElement) document.exitFullscreen?.();
    else document.documentElement.requestFullscreen?.();
  }
}

startRoom(byId("room"), PresenterView);
