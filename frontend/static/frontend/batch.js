// Progress of a bulk upload or regrade: polls GET /api/v1/batches/{id}/ until nothing is left to grade.
import { api, poll } from "./api.js";
import { endpoints } from "./endpoints.js";
import { clear, h, say, showError } from "./dom.js";

const STATES = ["queued", "grading", "graded", "failed"];

/** Counts per status and the batch size, from the batch body (counts may be nested or flat). */
export function batchCounts(b) {
  const c = b.counts || b;
  const counts = Object.fromEntries(STATES.map((s) => [s, Number(c[s] || 0)]));
  const size = Number(b.size ?? b.total ?? STATES.reduce((n, s) => n + counts[s], 0));
  return { ...counts, size, done: counts.graded + counts.failed, needsReview: Number(b.needs_review ?? c.needs_review ?? 0) };
}

export function batchFinished(b) {
  if (typeof b.done === "boolean") return b.done;
  const c = batchCounts(b);
  return c.queued + c.grading === 0 && c.done >= c.size;
}

function render(box, b, slug) {
  const c = batchCounts(b);
  const label = `batch-progress-label-${b.id}`;
  const dl = h("dl", { class: "counts" });
  for (const s of STATES) dl.append(h("div", { class: `count count-${s}` }, h("dt", { text: s }), h("dd", { "data-count": s, text: String(c[s]) })));
  if (c.needsReview) dl.append(h("div", { class: "count" }, h("dt", { text: "needs review" }), h("dd", { "data-count": "needs_review", text: String(c.needsReview) })));
  const assignment = slug || b.assignment || b.assignment_slug;
  clear(box).append(
    h(
      "div",
      { class: "batch", "data-batch": b.id, "data-finished": batchFinished(b) ? "true" : "false" },
      h("p", { id: label }, h("strong", { text: `${c.done} of ${c.size}` }), " submissions graded", b.kind ? ` (${b.kind})` : ""),
      h("progress", { max: c.size || 1, value: c.done, "aria-labelledby": label }),
      dl,
      batchFinished(b) && assignment
        ? h(
            "p",
            {},
            h("a", { href: `/instructor/assignments/${encodeURIComponent(assignment)}/results/`, text: "See the results" }),
            " · ",
            h("a", { href: `/instructor/assignments/${encodeURIComponent(assignment)}/review/`, text: "Review queue" }),
          )
        : null,
    ),
  );
}

/** Show and follow one batch in `box`; `status` is a live region for start/finish messages. */
export async function trackBatch(box, status, batchId, slug) {
  say(status, "Grading…");
  try {
    const b = await poll(() => api(endpoints.batch(batchId)), batchFinished, {
      onValue: (value) => render(box, value, slug),
    });
    const c = batchCounts(b);
    say(status, `Done: ${c.graded} graded${c.failed ? `, ${c.failed} failed` : ""}.`, c.failed ? "error" : "ok");
  } catch (err) {
    showError(status, err);
  }
}
