// Instructor home: the assignments this user teaches, and a form to create one with its first rubric.
import { api, apiWithStatus, listAll } from "./api.js";
import { endpoints } from "./endpoints.js";
import { $, clear, failPage, h, pts, requireSignIn, say, settleLoading, showError, textEl } from "./dom.js";
import { showRubricError, wireRubricFile } from "./rubric.js";

const message = $("#page-message");
const tbody = $("#assignments-table tbody");
const form = $("#create-form");
const createMessage = $("#create-message");
const rubricText = $("#new-rubric");

export function rubricInfo(a) {
  const r = a.rubric || a.current_rubric || {};
  return {
    version: r.version ?? r.number ?? a.rubric_version ?? "",
    parts: (a.parts || r.parts || []).length || r.part_count || a.part_count || "",
    max: r.max ?? r.max_points ?? a.max ?? "",
  };
}

function row(a) {
  const base = `/instructor/assignments/${encodeURIComponent(a.slug)}/`;
  const info = rubricInfo(a);
  return h(
    "tr",
    { "data-slug": a.slug },
    h("th", { scope: "row" }, h("a", { href: base, text: a.slug })),
    textEl("td", a.title || ""),
    h("td", { text: info.version !== "" ? `v${info.version}` : "–" }),
    h("td", { class: "num", text: String(info.parts || "–") }),
    h("td", { class: "num", text: info.max !== "" ? pts(info.max) : "–" }),
    h(
      "td",
      { class: "links" },
      h("a", { href: base, text: "Rubric & upload" }),
      " · ",
      h("a", { href: `${base}results/`, text: "Results" }),
      " · ",
      h("a", { href: `${base}review/`, text: "Review" }),
    ),
  );
}

async function load() {
  const me = await api(endpoints.me());
  if (me.role !== "instructor") {
    // students see assignments to answer on the student page; here they could only meet 403s
    settleLoading("Not available to your account.");
    form.hidden = true;
    say(message, h("span", {}, "These pages are for instructors (instructor pages need an instructor token). ", h("a", { href: "/student/", text: "Answer an assignment" }), " instead."), "info");
    return;
  }
  const items = await listAll(endpoints.assignments());
  clear(tbody);
  if (!items.length) tbody.append(h("tr", {}, h("td", { colspan: 6, text: "No assignments yet: create one below." })));
  for (const a of items) tbody.append(row(a));
}

wireRubricFile($("#new-rubric-file"), rubricText, (file) => {
  const slug = $("#new-slug");
  if (!slug.value) slug.value = file.name.replace(/\.(ya?ml)$/i, "").replace(/[^-a-zA-Z0-9_]/g, "-");
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const slug = $("#new-slug").value.trim();
  const title = $("#new-title").value.trim();
  if (!/^[-a-zA-Z0-9_]+$/.test(slug)) {
    say(createMessage, "The slug may use only letters, digits, - and _.", "error");
    $("#new-slug").focus();
    return;
  }
  if (!rubricText.value.trim()) {
    say(createMessage, "Paste a rubric or load a rubric file.", "error");
    rubricText.focus();
    return;
  }
  say(createMessage, "Checking the rubric…");
  try {
    await apiWithStatus(endpoints.assignments(), { method: "POST", json: { slug, title, rubric: rubricText.value } });
    say(createMessage, "Assignment created.", "ok");
    location.assign(`/instructor/assignments/${encodeURIComponent(slug)}/`);
  } catch (err) {
    showRubricError(createMessage, err, rubricText);
  }
});

requireSignIn(message).then((ok) => ok && load().catch((err) => failPage(message, err)));

