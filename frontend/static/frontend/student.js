// Student page: choose an assignment, answer each part, submit, wait for the grade, read the feedback.
import { api, apiWithStatus, listAll, poll, withQuery } from "./api.js";
import { endpoints } from "./endpoints.js";
import { $, badge, clear, formatTime, h, pts, requireToken, say, showError, textEl } from "./dom.js";
import { submissionResult } from "./feedback.js";
import { partsOf } from "./parts.js";

const message = $("#student-message");
const select = $("#assignment");
const form = $("#answer-form");
const partsBox = $("#parts");
const formMessage = $("#form-message");
const result = $("#result");
const resultStatus = $("#result-status");
const resultBody = $("#result-body");

let current = null; // {slug, title, parts: [{id, title, prompt, max}]}

function setQuery(params) {
  const url = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v) url.searchParams.set(k, v);
    else url.searchParams.delete(k);
  }
  history.replaceState(null, "", url.pathname + url.search);
}

function partField(part, index) {
  const answerId = `answer-${index}`;
  const promptId = `prompt-${index}`;
  const label = h(
    "label",
    { for: answerId, class: "part-label" },
    h("span", { class: "part-id", text: part.id }),
    part.title ? [" ", textEl("span", part.title, { class: "part-title" })] : null,
    " ",
    h("span", { class: "part-max", text: `(${part.max} ${Number(part.max) === 1 ? "point" : "points"})` }),
  );
  const prompt = part.prompt ? textEl("p", part.prompt, { id: promptId, class: "prompt" }) : null;
  const area = h("textarea", {
    id: answerId,
    name: part.id,
    rows: 4,
    spellcheck: "false",
    "data-part": part.id,
    "aria-describedby": prompt ? promptId : null,
  });
  return h("div", { class: "part-field" }, label, prompt, area);
}

async function loadAssignments() {
  const items = await listAll(endpoints.assignments());
  clear(select);
  select.append(h("option", { value: "", text: items.length ? "Choose an assignment…" : "No assignments available" }));
  for (const a of items) {
    select.append(textEl("option", `${a.title || a.slug} (${a.slug})`, { value: a.slug }));
  }
  select.disabled = items.length === 0;
}

async function openAssignment(slug) {
  form.hidden = true;
  say(formMessage, "");
  if (!slug) return;
  const assignment = await api(endpoints.assignment(slug));
  const parts = partsOf(assignment);
  current = { slug, title: assignment.title || slug, parts, instructor: assignment.role === "instructor" };
  $("#student-field").hidden = !current.instructor;
  $("#form-title").textContent = current.title;
  const max = parts.reduce((sum, p) => sum + Number(p.max || 0), 0);
  $("#form-meta").textContent = `${parts.length} part(s), ${max} points. Write each answer in its box; leave a box empty to skip that part.`;
  clear(partsBox);
  parts.forEach((p, i) => partsBox.append(partField(p, i)));
  if (!parts.length) say(formMessage, "This assignment has no rubric yet.", "info");
  form.hidden = parts.length === 0;
  await loadHistory(slug);
}

/** The user's own earlier submissions to this assignment (students see only theirs), newest first. */
async function loadHistory(slug) {
  const box = $("#history");
  const list = clear($("#history-list"));
  const data = await api(withQuery(endpoints.submissions(slug), { page_size: 100 }));
  const items = (Array.isArray(data) ? data : data.results || []).slice(-10).reverse();
  for (const sub of items) {
    list.append(
      h(
        "li",
        {},
        h("button", {
          type: "button",
          class: "link-button",
          text: formatTime(sub.submitted_at),
          onclick: () => {
            setQuery({ assignment: slug, submission: sub.id });
            showSubmission(sub.id).catch((err) => showError(resultStatus, err));
          },
        }),
        " ",
        badge(sub.status),
        sub.status === "graded" ? ` ${pts(sub.total)} / ${pts(sub.max)}` : "",
        current && current.instructor && sub.student ? [" · ", textEl("span", sub.student)] : null,
      ),
    );
  }
  box.hidden = items.length === 0;
}

function collectAnswers() {
  const answers = {};
  for (const area of partsBox.querySelectorAll("textarea[data-part]")) {
    if (area.value.trim()) answers[area.dataset.part] = area.value;
  }
  return answers;
}

async function showSubmission(id) {
  result.hidden = false;
  clear(resultBody);
  say(resultStatus, "Your answers were received; grading…");
  $("#result-title").focus();
  const sub = await poll(
    () => api(endpoints.submission(id)),
    (s) => s.status === "graded" || s.status === "failed",
    { onValue: (s) => s.status !== "graded" && say(resultStatus, `Status: ${s.status}…`) },
  );
  if (sub.status === "failed") {
    say(resultStatus, `Grading failed${sub.failure_reason ? `: ${sub.failure_reason}` : ""}. Your instructor has been notified.`, "error");
    return;
  }
  say(resultStatus, "Graded.", "ok");
  const order = current ? current.parts.map((p) => p.id) : [];
  const meta = Object.fromEntries((current ? current.parts : []).map((p) => [p.id, p]));
  resultBody.append(submissionResult(sub, order, meta));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const answers = collectAnswers();
  if (!Object.keys(answers).length) {
    say(formMessage, "Write at least one answer before submitting.", "error");
    return;
  }
  const body = { answers };
  if (current.instructor) {
    body.student = $("#student-name").value.trim();
    if (!body.student) {
      say(formMessage, "Say whose answers these are (the Student field).", "error");
      $("#student-name").focus();
      return;
    }
  }
  const button = $("#submit-answers");
  button.disabled = true;
  say(formMessage, "Submitting…");
  try {
    const { data } = await apiWithStatus(endpoints.submissions(current.slug), {
      method: "POST",
      json: body,
    });
    say(formMessage, "Submitted.", "ok");
    setQuery({ assignment: current.slug, submission: data.id });
    await showSubmission(data.id);
    await loadHistory(current.slug);
  } catch (err) {
    showError(err.status ? formMessage : resultStatus, err);
  } finally {
    button.disabled = false;
  }
});

select.addEventListener("change", async () => {
  result.hidden = true;
  setQuery({ assignment: select.value, submission: "" });
  try {
    await openAssignment(select.value);
  } catch (err) {
    showError(message, err);
  }
});

async function start() {
  if (!requireToken(message)) {
    select.disabled = true;
    clear(select).append(h("option", { text: "Sign in first" }));
    return;
  }
  try {
    await loadAssignments();
    const params = new URLSearchParams(location.search);
    const slug = params.get("assignment");
    if (slug && [...select.options].some((o) => o.value === slug)) {
      select.value = slug;
      await openAssignment(slug);
    }
    const submission = params.get("submission");
    if (submission) await showSubmission(submission);
  } catch (err) {
    showError(message, err);
  }
}

start();
