// Progress of a bulk upload or regrade: polls GET /api/v1/batches/{id}/ until nothing is left to grade.
import { api, listAll, poll } from "./api.js";
import { endpoints } from "./endpoints.js";
import { clear, h, pts, say, showError, textEl } from "./dom.js";

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

function resultLink(assignment, change) {
  const href = `/instructor/assignments/${encodeURIComponent(assignment)}/results/?submission=${encodeURIComponent(change.submission)}`;
  return h("a", { href }, textEl("span", change.student || change.submission));
}

/** What a regrade changed: a table of student (linked to their submission), part, points before -> after. */
function changesTable(assignment, changes) {
  const shown = (v) => (v === null || v === undefined ? "–" : pts(v));
  return h(
    "div",
    { class: "table-wrap regrade-changes" },
    h(
      "table",
      { class: "data" },
      h("caption", { text: `What the regrade changed (${changes.length} part${changes.length === 1 ? "" : "s"})` }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", text: "Student" }),
          h("th", { scope: "col", text: "Part" }),
          h("th", { scope: "col", class: "num", text: "Points before" }),
          h("th", { scope: "col", class: "num", text: "Points now" }),
        ),
      ),
      h(
        "tbody",
        {},
        changes.map((c) =>
          h(
            "tr",
            { "data-submission": c.submission, "data-part": c.part_id },
            h("th", { scope: "row" }, resultLink(assignment, c)),
            h("td", {}, h("code", { text: c.part_id })),
            h("td", { class: "num", text: shown(c.old_points) }),
            h("td", { class: "num" }, h("strong", { text: shown(c.new_points) }), Number(c.new_points) > Number(c.old_points) ? " ▲" : Number(c.new_points) < Number(c.old_points) ? " ▼" : ""),
          ),
        ),
      ),
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
    const failed = c.failed ? `, ${c.failed} failed` : "";
    if (b.kind !== "regrade") {
      say(status, `Done: ${c.graded} graded${failed}.`, c.failed ? "error" : "ok");
      return;
    }
    const changes = await listAll(endpoints.batchChanges(batchId));
    const students = new Set(changes.map((x) => x.submission)).size;
    const what = changes.length
      ? `${changes.length} part${changes.length === 1 ? "" : "s"} changed in ${students} submission${students === 1 ? "" : "s"}`
      : "no points changed";
    say(status, `Done: ${c.graded} graded${failed}; ${what}.`, c.failed ? "error" : "ok");
    if (changes.length) box.append(changesTable(slug || b.assignment, changes));
  } catch (err) {
    showError(status, err);
  }
}
