// Properties of the browser's textops.js checked by fast-check on generated texts and edits
// (run by tests/test_textops_js.py): convergence of concurrent edits, the compose law,
// client/server agreement on an edit that crossed others, and caret mapping.
import { readFileSync } from "node:fs";
import fc from "fast-check";

// Loaded as a data: URL, as in textops_check.mjs: a browser module outside a "type": "module"
// package.
const source = readFileSync(
  new URL("../../facilitate/static/js/room/textops.js", import.meta.url), "utf8");
const ops = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);

// Finnish and Swedish letters, a combining accent, emoji of two UTF-16 units and of several
// code points, newlines.
const letter = fc.constantFrom(..."aeiknstuäöåÄÖ .,\n", "😀", "👍🏽", "🇫🇮", "\u0301", "€");
const text = fc.array(letter, { maxLength: 40 }).map((letters) => letters.join(""));
const insert = fc.array(letter, { minLength: 1, maxLength: 6 }).map((l) => l.join(""));

/** Any valid edit of a text of `length` code points. */
function edit(length) {
  const piece = fc.record({ insert: fc.option(insert, { nil: null }), keep: fc.boolean(),
                            share: fc.integer({ min: 1, max: 8 }) });
  return fc.tuple(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.option(insert))
    .map(([pieces, tail]) => {
      const out = [];
      let left = length;
      pieces.forEach((p, i) => {
        if (p.insert) out.push(p.insert);
        const n = i === pieces.length - 1 ? left : Math.min(left, p.share);
        if (n > 0) out.push(p.keep ? n : -n);
        left -= n;
      });
      if (tail) out.push(tail);
      const normal = ops.normalise(out);
      return normal.length ? normal : ["x"];
    });
}

const withEdit = (t) => edit(ops.cpLength(t)).map((e) => [t, e]);
const textAndTwo = text.chain((t) => fc.tuple(fc.constant(t), edit(ops.cpLength(t)),
                                              edit(ops.cpLength(t))));
const runs = { numRuns: 400 };

fc.assert(fc.property(textAndTwo, ([t, a, b]) => {
  const [a2, b2] = ops.transform(a, b);
  return ops.apply(ops.apply(t, a), b2) === ops.apply(ops.apply(t, b), a2);
}), runs);

fc.assert(fc.property(text.chain(withEdit).chain(([t, a]) => {
  const after = ops.apply(t, a);
  return edit(ops.cpLength(after)).map((b) => [t, a, b]);
}), ([t, a, b]) => {
  const composed = ops.compose(a, b);
  return ops.apply(t, composed) === ops.apply(ops.apply(t, a), b)
    && ops.baseLength(composed) === ops.cpLength(t);
}), runs);

// The server transforms a stale edit c past a, then past b; the client, with c in flight,
// transforms a and then b past its own. Both end with the same text.
fc.assert(fc.property(textAndTwo.chain(([t, a, c]) => edit(ops.cpLength(ops.apply(t, a)))
  .map((b) => [t, a, b, c])), ([t, a, b, c]) => {
  const [, cPastA] = ops.transform(a, c);
  const [, cPastAB] = ops.transform(b, cPastA);
  const onServer = ops.apply(ops.apply(ops.apply(t, a), b), cPastAB);
  const [aPastC] = ops.transform(a, c);
  const [bPastC] = ops.transform(b, cPastA);
  const onClient = ops.apply(ops.apply(ops.apply(t, c), aPastC), bPastC);
  return onClient === onServer;
}), runs);

// A caret before a character someone else's edit keeps stays before that same character;
// carets never cross and stay inside the new text.
fc.assert(fc.property(text.chain(withEdit).chain(([t, e]) => fc.tuple(
  fc.constant(t), fc.constant(e), fc.integer({ min: 0, max: ops.cpLength(t) }),
  fc.integer({ min: 0, max: ops.cpLength(t) }))), ([t, e, p, q]) => {
  const after = ops.codePoints(ops.apply(t, e));
  const [mp, mq] = [ops.mapPosition(e, p), ops.mapPosition(e, q)];
  if (mp < 0 || mp > after.length || (p <= q && mp > mq)) return false;
  // is the character at p kept by the edit? walk the edit to find out
  let old = 0;
  for (const c of e) {
    if (typeof c === "string") continue;
    if (p < old + Math.abs(c)) {
      return c < 0 || after[mp] === ops.codePoints(t)[p];
    }
    old += Math.abs(c);
  }
  return true;
}), runs);

process.stdout.write("textops properties hold\n");
