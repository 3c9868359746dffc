// Itemized feedback of one graded submission, as GET /api/v1/submissions/{id}/ returns it:
// {id, status, total, max, parts: {PART: {points, max, status, feedback, overridden, override_reason?,
//  matched?, confidence?, review_reasons?}}} (matched, confidence and review_reasons: instructors only).
//
// The feedback lines explain every point: "+1: ..." for what earned points, "-1: ..." for a deduction and
// "Not earned (1 point): ..." for what was missing. Items are named by their titles, never their ids.
import { h, pts } from "./dom.js";
import { mathText } from "./math.js";

function signed(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value ?? "");
  return n > 0 ? `+${pts(n)}` : pts(n);
}

/** How an item is named: its title, its feedback text, or its id as words. */
export function itemName(item) {
  const feedback = String(item.feedback || "").trim().replace(/\.$/, "");
  return item.title || feedback || String(item.id || "").replace(/[_\-.]+/g, " ").trim();
}

/** The part's state in words and colour: a zero is never a green "graded". */
export function partBadge(part, { instructor = false } = {}) {
  if (part.overridden) {
    return h("span", { class: "badge badge-override", "data-state": "reviewed", text: instructor ? "changed by an instructor" : "reviewed by your instructor" });
  }
  if (part.status === "needs_review") return h("span", { class: "badge badge-needs-review", "data-state": "needs_review", text: "needs review" });
  if (part.status === "blank") return h("span", { class: "badge badge-blank", "data-state": "blank", text: "no answer" });
  if (part.status !== "graded") return h("span", { class: "badge badge-other", "data-state": String(part.status ?? ""), text: String(part.status ?? "") });
  const points = Number(part.points);
  const max = Number(part.max);
  if (points >= max) return h("span", { class: "badge badge-full", "data-state": "full", text: "full points" });
  if (points <= 0) return h("span", { class: "badge badge-zero", "data-state": "zero", text: "no points" });
  return h("span", { class: "badge badge-partial", "data-state": "partial", text: "partial credit" });
}

function lineKind(line) {
  if (/^Not earned\b/.test(line)) return "feedback-missing";
  if (/^(?:-|−|×|No points for the part)/.test(line)) return "feedback-deduction";
  if (/^\+/.test(line)) return "feedback-earned";
  return "feedback-note";
}

function matchedItem(item) {
  const evidence = (item.evidence || []).filter((e) => String(e).trim());
  const effect = item.effect && item.effect !== "add" ? ` (${item.effect})` : "";
  return h(
    "li",
    { class: "matched-item", "data-item": item.id, title: `rubric item ${item.id}` },
    h("span", { class: "item-points", text: `${signed(item.points)}${effect}` }),
    " ",
    mathText("span", itemName(item), { class: "item-name" }),
    evidence.length
      ? h(
          "span",
          { class: "evidence" },
          " · evidence: ",
          evidence.map((e, i) => [i ? ", " : "", mathText("q", e, { class: "evidence-text" })]),
        )
      : null,
  );
}

function overrideNote(part, instructor) {
  const who = instructor ? "An instructor set this score" : "Reviewed by your instructor";
  return h(
    "div",
    { class: "override-note" },
    h("p", {}, h("strong", { text: `${who}: ${pts(part.points)} / ${pts(part.max)}.` })),
    part.override_reason ? h("p", {}, "Reason: ", mathText("span", part.override_reason, { class: "override-reason" })) : null,
  );
}

/** One part's result; `meta` may carry the part's title; `instructor` shows the grader's workings. */
export function partResult(partId, part, meta = {}, { instructor = false } = {}) {
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
        meta.title ? [" · ", mathText("span", meta.title, { class: "part-title" })] : null,
      ),
      h(
        "p",
        { class: "part-score" },
        h("span", { class: "visually-hidden", text: "Points: " }),
        h("strong", { class: "points", text: pts(part.points) }),
        ` / ${pts(part.max)}`,
        " ",
        partBadge(part, { instructor }),
      ),
    ),
  );
  if (part.overridden) article.append(overrideNote(part, instructor));
  const feedback = (part.feedback || []).filter((f) => String(f).trim());
  const matched = part.matched || [];
  if (instructor && matched.length) {
    article.append(h("h4", { text: "Rubric items matched" }), h("ul", { class: "matched" }, matched.map(matchedItem)));
  }
  if (feedback.length) {
    article.append(
      h("h4", { text: part.overridden ? "The grader's feedback" : "Feedback" }),
      h("ul", { class: "feedback" }, feedback.map((f) => mathText("li", f, { class: lineKind(f) }))),
    );
  } else if (part.status === "blank") {
    article.append(h("p", { class: "hint", text: "No answer was given." }));
  }
  if (part.status === "needs_review" && !part.overridden) {
    const reasons = (part.review_reasons || []).filter(Boolean);
    article.append(
      h(
        "p",
        { class: "review-note" },
        "A person will check this part; its points may change.",
        instructor && reasons.length ? [" ", h("span", { class: "hint", text: `(${reasons.join("; ")})` })] : null,
      ),
    );
  }
  return article;
}

/** The whole submission: total first, then one article per part in `order` (rubric order when known). */
export function submissionResult(sub, order = [], metaById = {}, { instructor = false } = {}) {
  const parts = sub.parts || {};
  const ids = [...order.filter((id) => Object.hasOwn(parts, id)), ...Object.keys(parts).filter((id) => !order.includes(id))];
  const reviewCount = ids.filter((id) => parts[id].status === "needs_review" && !parts[id].overridden).length;
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
    ids.map((id) => partResult(id, parts[id], metaById[id] || {}, { instructor })),
  );
}
