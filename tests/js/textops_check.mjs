// Runs the browser's textops.js on cases from tests/test_textops_js.py (JSON on stdin) and
// prints its answers as JSON, so pytest can compare them with facilitate/room/textops.py.
import { readFileSync } from "node:fs";

// textops.js is a browser module in a folder without "type": "module"; loading its source as a
// data: URL makes Node read it as ES module on every version, without a warning.
const source = readFileSync(
  new URL("../../facilitate/static/js/room/textops.js", import.meta.url), "utf8");
const ops = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);

function attempt(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    if (!(error instanceof ops.OpsError)) throw error;
    return { error: error.message };
  }
}

function editorState(editor) {
  const f = editor.inFlight;
  return {
    confirmed: editor.confirmed, version: editor.version, local: editor.local,
    buffer: editor.buffer,
    in_flight: f && { change_id: f.changeId, base_version: f.baseVersion,
      sent_ops: f.sentOps, ops: f.ops },
  };
}

// One client's steps, replayed; the state after each step is the answer.
function replay(steps) {
  const editor = new ops.NoteEditor({ confirmed: steps.text, version: steps.version });
  const states = [];
  for (const step of steps.steps) {
    let result = null;
    if (step.do === "type") {
      editor.local = step.local;
    } else if (step.do === "next_edit") {
      result = editor.nextEdit(step.change_id) !== null;
    } else if (step.do === "unsend") {
      editor.unsend();
    } else if (step.do === "rebase") {
      editor.rebase(step.version, step.text, step.pending_applied);
    } else {
      result = editor.receive(step.version, step.ops, step.change_id);
    }
    states.push({ result, ...editorState(editor) });
  }
  return states;
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const answers = {
  pairs: cases.pairs.map(({ text, a, b, new_a: newA, then }) => ({
    compose: ops.compose(a, then),
    apply_a: ops.apply(text, a),
    apply_b: ops.apply(text, b),
    diff: ops.diff(text, newA),
    transform: ops.transform(a, b),
    lengths: [ops.baseLength(a), ops.targetLength(a), ops.isNoop(a)],
  })),
  validate: cases.validate.map((input) => attempt(() => ops.validate(input,
    cases.max_components))),
  apply_errors: cases.apply_errors.map(([text, edit]) => attempt(() => ops.apply(text, edit))),
  transform_errors: cases.transform_errors.map(
    ([a, b]) => attempt(() => ops.transform(a, b))),
  compose_errors: cases.compose_errors.map(([a, b]) => attempt(() => ops.compose(a, b))),
  editors: cases.editors.map(replay),
};
process.stdout.write(JSON.stringify(answers));
