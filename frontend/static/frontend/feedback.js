// Itemized feedback of one graded submission, as GET /api/v1/submissions/{id}/ returns it:
// {id, status, total, max, parts: {PART: {points, max, status, feedback, overridden?}}}; an instructor also gets
// matched, confidence and review_reasons per part (docs/api.md), shown when present.
import { badge, h, pts, textEl } from "./dom.js";

function signed(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value ?? "");
  return n > 0 ? `+${pts(n)}` : pts(n);
}

function matchedItem(item, feedbackLines) {
  const evidence = (item.evidence || []).filter((e) => String(e).trim());
  const effect = item.effect && item.effect !== "add" ? ` (${item.effect})` : "";
  return h(
    "li",
    { class: "matched-item" },
    h("span", { class: "item-points", text: `${signed(item.points)}${effect}` }),
    " ",
    h("code", { class: "item-id", text: item.id }),
    // The engine's feedback lines usually repeat the item's text ("+1: ..."): show it once, there.
    item.feedback && !feedbackLines.some((f) => String(f).includes(item.feedback))
      ? [" ", textEl("span", item.feedback, { class: "item-feedback" })]
      : null,
    evidence.length
      ? h(
          "span",
          { class: "evidence" },
          " Evidence: ",
          evidence.map((e, i) => [i ? ", " : "", textEl("q", e, { class: "evidence-text" })]),
        )
      : null,
  );
}

/** One part's result; `meta` may carry the part's title. */
export function partResult(partId, part, meta = {}) {
  const headingId = `part-result-${String(partId).replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const article = h(
    "article",
    { class: `part-result part-${part.status || "unknown"}`, "aria-labelledby": headingId, "data-part": partId },
    h(
      "header",
      { class: "part-result-header" },
      h(
        "h3",
        { id: headingId },
        "Part ",
        h("span", { class: "part-id", text: partId }),
        meta.title ? [" · ", textEl("span", meta.title, { class: "part-title" })] : null,
      ),
      h(
        "p",
        { class: "part-score" },
        h("span", { class: "visually-hidden", text: "Points: " }),
        h("strong", { class: "points", text: pts(part.points) }),
        ` / ${pts(part.max)}`,
        " ",
        badge(part.status),
        part.overridden ? h("span", { class: "badge badge-override", text: "changed by instructor" }) : null,
      ),
    ),
  );
  const feedback = (part.feedback || []).filter((f) => String(f).trim());
  const matched = part.matched || [];
  if (matched.length) {
    article.append(
      h("h4", { text: "Rubric items matched" }),
      h("ul", { class: "matched" }, matched.map((item) => matchedItem(item, feedback))),
    );
  }
  if (feedback.length) {
    article.append(
      h("h4", { text: "Feedback" }),
      h(
        "ul",
        { class: "feedback" },
        feedback.map((f) => textEl("li", f)),
      ),
    );
  }
  if (part.status === "needs_review") {
    const reasons = (part.review_reasons || []).filter(Boolean);
    article.append(
      h(
        "p",
        { class: "review-note" },
        "A person will check this part; its points may change.",
        reasons.length ? [" ", h("span", { class: "hint", text: `(${reasons.join("; ")})` })] : null,
      ),
    );
  }
  if (part.status === "blank") {
    article.append(h("p", { class: "hint", text: "No answer was given for this part." }));
  }
  return article;
}

/** The whole submission: total first, then one article per part in `order` (rubric order when known). */
export function submissionResult(sub, order = [], metaById = {}) {
  const parts = sub.parts || {};
  const ids = [...order.filter((id) => Object.hasOwn(parts, id)), ...Object.keys(parts).filter((id) => !order.includes(id))];
  const reviewCount = ids.filter((id) => parts[id].status === "needs_review").length;
  return h(
    "div",
    { class: "submission-result", "data-submission": sub.id },
    h(
      "p",
      { class: "total" },
      "Total: ",
      h("strong", { id: "total-points", text: pts(sub.total) }),
      ` / ${pts(sub.max)}`,
      reviewCount ? h("span", { class: "hint", text: ` · ${reviewCount} part(s) waiting for a person's review` }) : null,
    ),
    ids.map((id) => partResult(id, parts[id], metaById[id] || {})),
  );
}
