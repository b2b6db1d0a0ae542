// The page's translated texts, rendered by the template into a JSON block (CSP allows data
// blocks; they are never executed). Placeholders are Python's %(name)s, as in the catalogues.
const element = document.getElementById("room-strings");
const strings = element ? JSON.parse(element.textContent) : {};

/** The text for `key` with its %(name)s placeholders filled in. */
export function t(key, params = {}) {
  const text = strings[key] ?? key;
  return text.replace(/%\((\w+)\)s/g,
    (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The singular or plural text for n (Finnish, Swedish and English all use n == 1). */
export function tn(one, other, n, params = {}) {
  return t(n === 1 ? one : other, { n, ...params });
}
