// Review queue: every part the grader flagged, with the student's answer, the machine's reasons and an override form.
import { api, apiWithStatus } from "./api.js";
import { $, clear, h, pts, failPage, requireSignIn, say, showError, textEl } from "./dom.js";
import { endpoints } from "./endpoints.js";
import { partBadge, partResult } from "./feedback.js";
import { mathText } from "./math.js";

const slug = document.body.dataset.slug;
const message = $("#page-message");
const queue = $("#queue");
const more = $("#more");
let next = null;
let shown = 0;

/** One queue entry, whatever the field names: {submission, student, part, answer, result}. */
export function entryOf(e) {
  const submission = e.submission_id || (typeof e.submission === "object" ? e.submission.id : e.submission) || e.id;
  const part = e.part_id || e.part;
  const result = e.result || {
    points: e.points,
    max: e.max,
    status: e.status || "needs_review",
    feedback: e.feedback,
    matched: e.matched,
    confidence: e.confidence,
    review_reasons: e.review_reasons,
    overridden: e.overridden,
  };
  return { submission, student: e.student, part, answer: e.answer ?? "", result };
}

function card(raw, index) {
  const e = entryOf(raw);
  const n = `${index}`;
  const status = h("div", { role: "status", "aria-live": "polite", hidden: true });
  const points = h("input", {
    id: `points-${n}`,
    name: "points",
    type: "number",
    inputmode: "decimal",
    min: 0,
    max: e.result.max,
    step: 0.25,
    required: true,
    value: e.result.points ?? "",
  });
  const reason = h("textarea", { id: `reason-${n}`, name: "reason", rows: 2, required: true });
  const save = h("button", { type: "submit", text: "Save score" });
  const form = h(
    "form",
    { class: "override-form", novalidate: true },
    h(
      "div",
      { class: "field-row" },
      h("div", { class: "field field-points" }, h("label", { for: `points-${n}`, text: `Points (0–${pts(e.result.max)})` }), points),
      h("div", { class: "field field-reason" }, h("label", { for: `reason-${n}`, text: "Reason (kept in the audit trail)" }), reason),
    ),
    h("div", { class: "actions" }, save),
    status,
  );
  const article = h(
    "article",
    { class: "review-card", "data-submission": e.submission, "data-part": e.part, "aria-labelledby": `review-title-${n}` },
    h(
      "h2",
      { id: `review-title-${n}` },
      textEl("span", e.student || "student"),
      " · part ",
      h("code", { text: e.part }),
    ),
    h("h3", { text: "Answer" }),
    e.answer ? mathText("blockquote", e.answer, { class: "answer" }) : h("p", { class: "hint", text: "(no answer text)" }),
    partResult(e.part, e.result, {}, { instructor: true }),
    form,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = Number(points.value);
    if (points.value === "" || !Number.isFinite(value) || value < 0 || value > Number(e.result.max)) {
      say(status, `Points must be a number from 0 to ${pts(e.result.max)}.`, "error");
      points.focus();
      return;
    }
    if (!reason.value.trim()) {
      say(status, "Say why the score changes: the reason is kept with the override.", "error");
      reason.focus();
      return;
    }
    save.disabled = true;
    try {
      const { data } = await apiWithStatus(endpoints.override(e.submission, e.part), {
        method: "POST",
        json: { points: value, reason: reason.value.trim() },
      });
      const newPoints = data && data.points !== undefined ? data.points : value;
      say(status, `Saved: ${pts(newPoints)} / ${pts(e.result.max)}.`, "ok");
      const shown = article.querySelector(".part-score .points");
      if (shown) shown.textContent = pts(newPoints);
      const flag = article.querySelector(".part-score .badge");
      if (flag) flag.replaceWith(partBadge({ ...e.result, points: newPoints, overridden: true }, { instructor: true }));
      const note = article.querySelector(".review-note");
      if (note) note.remove();
      article.classList.add("resolved");
      article.dataset.resolved = "true";
    } catch (err) {
      showError(status, err);
    } finally {
      save.disabled = false;
    }
  });
  return article;
}

async function loadPage(url) {
  const data = await api(url);
  const items = Array.isArray(data) ? data : data.results || [];
  for (const item of items) queue.append(card(item, shown++));
  next = Array.isArray(data) ? null : data.next;
  more.hidden = !next;
  if (!shown) say(message, "Nothing to review: every part is graded.", "ok");
}

more.addEventListener("click", () => {
  if (!next) return;
  const u = new URL(next, location.origin);
  loadPage(u.pathname + u.search).catch((err) => showError(message, err));
});

async function start() {
  const a = await api(endpoints.assignment(slug));
  $("#assignment-title").textContent = a.title || slug;
  clear(queue);
  await loadPage(endpoints.review(slug));
}

requireSignIn(message).then((ok) => ok && start().catch((err) => failPage(message, err)));
