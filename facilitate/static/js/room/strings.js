// A page's translated texts, rendered by the template into a JSON data block (CSP allows data
// blocks; they are never executed). Placeholders are Python's %(name)s, as in the catalogues.

/** t(key, params) and tn(one, other, n, params) over the data block with this id. */
export function translator(id) {
  const element = document.getElementById(id);
  const strings = element ? JSON.parse(element.textContent) : {};
  const t = (key, params = {}) => (strings[key] ?? key).replace(/%\((\w+)\)s/g,
    (whole, name) => (name in params ? String(params[name]) : whole));
  // Finnish, Swedish and English all take the singular for n == 1 only.
  const tn = (one, other, n, params = {}) => t(n === 1 ? one : other, { n, ...params });
  return { t, tn };
}

/** The room's texts (templates/room/_strings.html). */
export const { t, tn } = translator("room-strings");
