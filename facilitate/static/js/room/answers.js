// Statements (five steps from disagree to agree) and polls: the participant's choice, and the
// distribution as a table with text counts and bars, once revealed (coordinators: always).
import { h, replaceKeepingFocus } from "./dom.js";
import { t, tn } from "./strings.js";

/**
 * The answer choices of a statement or poll prompt: (value, label) pairs. A statement's values
 * are the server's scale (snapshot.limits.statement_values).
 */
export function choices(prompt, limits) {
  return prompt.kind === "statement"
    ? limits.statement_values.map((value) => [value, t(`statement_${value}`)])
    : (prompt.options ?? []).map((label, index) => [index, label]);
}

/** The participant's radio group; a change sends answer.set at once. */
export function answerFieldset(app, prompt) {
  const name = `answer-${prompt.id}`;
  const fieldset = h("fieldset", { class: "answers", "data-prompt-id": prompt.id },
    h("legend", {}, t(prompt.kind === "statement" ? "your_position" : "your_choice")),
    choices(prompt, app.state.snap.limits).map(([value, label]) => h("div",
      { class: "field checkbox" },
      h("input", { type: "radio", name, id: `${name}-${value}`, value,
        "data-key": `${name}-${value}`, checked: prompt.my_answer === value }),
      h("label", { for: `${name}-${value}` }, label))));
  fieldset.addEventListener("change", async (event) => {
    const value = Number(event.target.value);
    const ack = await app.conn.send("answer.set", { prompt_id: prompt.id, value });
    if (!ack.ok) checkAnswer(fieldset, prompt.my_answer); // back to what the server has
  });
  return fieldset;
}

/** Check the radio of `value` (null: none) without sending anything. */
export function checkAnswer(fieldset, value) {
  for (const radio of fieldset.querySelectorAll("input[type=radio]")) {
    radio.checked = value !== null && value !== undefined && Number(radio.value) === value;
  }
}

/**
 * A prompt's answers as the room sends them ({counts, total} or a bare list of counts, in
 * the order of `choices`): {counts, total, percent(index)}; null before there are any.
 */
export function distribution(prompt) {
  const results = prompt.results;
  if (!results) return null;
  const counts = results.counts ?? results;
  const total = results.total ?? counts.reduce((sum, n) => sum + n, 0);
  const percent = (index) => (total ? Math.round((100 * (counts[index] ?? 0)) / total) : 0);
  return { counts, total, percent };
}

/** "2022-09-13" as the memo writes a day: "13.9.2022". */
function day(iso) {
  const [year, month, date] = iso.split("-").map(Number);
  return `${date}.${month}.${year}`;
}

/**
 * A tracked question's earlier results in the series (snapshot prompt.earlier, coordinators
 * only), one line each: a statement by its share agreeing (limits.agreeing_values), a poll by
 * every option's share.
 */
export function earlierLines(prompt, limits) {
  return (prompt.earlier ?? []).map(({ day: asked, results }) => {
    const shares = distribution({ results });
    if (prompt.kind === "statement") {
      const agreeing = limits.statement_values.reduce((sum, value, index) =>
        (limits.agreeing_values.includes(value) ? sum + (shares.counts[index] ?? 0) : sum), 0);
      const pct = shares.total ? Math.round((100 * agreeing) / shares.total) : 0;
      return t("earlier_agreeing", { day: day(asked), pct, n: shares.total });
    }
    const parts = (prompt.options ?? []).map((label, index) =>
      t("earlier_option", { option: label, pct: shares.percent(index) }));
    return t("earlier_poll", { day: day(asked), options: parts.join(", "), n: shares.total });
  });
}

/**
 * A statement's or poll's reference figures from elsewhere (snapshot prompt.reference), as one
 * line: "Kuntakysely 2021 (95 vastausta, kattoi 190 kuntaa): samaa mieltä 60 %", a poll with
 * every option's share; "" when it has none.
 */
export function referenceLine(prompt) {
  const reference = prompt.reference;
  if (!reference) return "";
  const size = [tn("reference_responses_one", "reference_responses_other", reference.responses),
    reference.note].filter(Boolean).join(", ");
  if (prompt.kind === "statement") {
    return t("reference_agreeing", { source: reference.source, size, pct: reference.percents[0] });
  }
  const parts = (prompt.options ?? []).map((label, index) =>
    t("earlier_option", { option: label, pct: reference.percents[index] ?? 0 }));
  return t("reference_poll", { source: reference.source, size, options: parts.join(", ") });
}

/** The distribution of answers, or a line saying why it is not shown. */
export function renderResults(container, prompt, limits, { console: isConsole = false } = {}) {
  const shares = distribution(prompt);
  const reference = referenceLine(prompt);
  const figures = reference ? h("div", { class: "reference-results" },
    h("p", {}, t("reference_heading")), h("p", {}, reference)) : null;
  if (!shares) {
    // The console has the figures from elsewhere before anyone answers, to prepare with.
    replaceKeepingFocus(container, h("p", { class: "help" },
      t(isConsole ? "no_answers_yet" : "results_later")), isConsole ? figures : null);
    return;
  }
  const { counts, total } = shares;
  const rows = choices(prompt, limits).map(([value, label], index) => {
    const n = counts[index] ?? 0;
    const percent = shares.percent(index);
    const fill = h("span", { class: "bar-fill" });
    fill.style.width = `${percent}%`; // CSSOM, not a style attribute: CSP allows it
    return h("tr", { "data-value": value },
      h("th", { scope: "row" }, label),
      h("td", {}, h("div", { class: "result-cell" },
        h("span", { class: "bar", "aria-hidden": "true" }, fill),
        h("span", { class: "count" }, t("count_percent", { n, pct: percent })))));
  });
  const earlier = earlierLines(prompt, limits);
  replaceKeepingFocus(container, h("table", { class: "results" },
    h("caption", {}, tn("results_one", "results_other", total)),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("answer")),
      h("th", { scope: "col" }, t("answers_count")))),
    h("tbody", {}, rows)),
  earlier.length ? h("div", { class: "earlier-results" },
    h("p", {}, t("earlier_heading")), h("ul", {}, earlier.map((line) => h("li", {}, line))))
    : null,
  figures);
}
