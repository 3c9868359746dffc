// Student page: choose an assignment, answer each part, submit, wait for the grade, read the feedback.
import { api, apiWithStatus, listAll, poll, withQuery } from "./api.js";
import { endpoints } from "./endpoints.js";
import { $, badge, clear, failPage, formatTime, h, pts, requireSignIn, say, showError, textEl } from "./dom.js";
import { submissionResult } from "./feedback.js";
import { livePreview, tableKeys } from "./fields.js";
import { mathText } from "./math.js";
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

function partLabelContent(part) {
  return [
    h("span", { class: "part-id", text: part.id }),
    part.title ? [" ", mathText("span", part.title, { class: "part-title" })] : null,
    " ",
    h("span", { class: "part-max", text: `(${pts(part.max)} ${Number(part.max) === 1 ? "point" : "points"})` }),
  ];
}

/** Options as radio buttons (one may be chosen) or checkboxes (several); true/false as two buttons. */
function optionsField(part, index, form, prompt) {
  const single = form.kind === "truefalse" || form.select === "single";
  const choices =
    form.kind === "truefalse"
      ? form.choices.map((c) => ({ value: c.value, label: [textEl("span", c.label)] }))
      : form.options.map((o) => ({
          value: o.label,
          label: [h("span", { class: "option-label", text: `(${o.label})` }), o.text ? [" ", mathText("span", o.text, { class: "option-text" })] : null],
        }));
  const group = h(
    "fieldset",
    {
      class: `part-field part-options ${form.kind === "truefalse" ? "truefalse" : "choice"}`,
      "data-part": part.id,
      "data-kind": form.kind,
      "data-select": single ? "single" : "multiple",
      "aria-describedby": prompt ? prompt.id : null,
    },
    h("legend", { class: "part-label" }, partLabelContent(part)),
    prompt,
    form.kind === "choice" ? h("p", { class: "hint", text: single ? "Choose one option." : "Choose every option that applies." }) : null,
    h(
      "div",
      { class: "options" },
      choices.map((c, k) =>
        h(
          "label",
          { class: "option", for: `answer-${index}-${k}` },
          h("input", { id: `answer-${index}-${k}`, type: single ? "radio" : "checkbox", name: `part-${index}`, value: c.value }),
          c.label,
        ),
      ),
    ),
  );
  return group;
}

/** A text answer with a live preview of its math; in a table answer Tab types a column break. */
function textField(part, index, form, prompt) {
  const answerId = `answer-${index}`;
  const previewId = `preview-${index}`;
  const hintId = `table-hint-${index}`;
  const area = h("textarea", {
    id: answerId,
    name: part.id,
    rows: form.table ? 8 : 4,
    spellcheck: "false",
    class: form.table ? "table-answer" : null,
    "data-part": part.id,
    "aria-describedby": [prompt ? prompt.id : "", form.table ? hintId : ""].filter(Boolean).join(" ") || null,
  });
  const preview = h("div", { id: previewId, class: "answer-preview", hidden: true });
  livePreview(area, preview);
  if (form.table) tableKeys(area);
  return h(
    "div",
    { class: "part-field", "data-part": part.id, "data-kind": form.table ? "table" : "text" },
    h("label", { for: answerId, class: "part-label" }, partLabelContent(part)),
    prompt,
    area,
    form.table ? h("p", { id: hintId, class: "hint", text: "Tab types a column break here; press Esc, then Tab, to leave the field." }) : null,
    preview,
  );
}

function partField(part, index) {
  const prompt = part.prompt ? mathText("p", part.prompt, { id: `prompt-${index}`, class: "prompt" }) : null;
  const form = part.form || { kind: "text" };
  if ((form.kind === "choice" && (form.options || []).length) || (form.kind === "truefalse" && (form.choices || []).length)) {
    return optionsField(part, index, form, prompt);
  }
  return textField(part, index, form, prompt);
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
  // options are sent as the text a student would type ("a, d", "True"): the API reads both the same way
  for (const group of partsBox.querySelectorAll("fieldset[data-part]")) {
    const chosen = [...group.querySelectorAll("input:checked")].map((input) => input.value);
    if (chosen.length) answers[group.dataset.part] = chosen.join(", ");
  }
  return answers;
}

/** Bring the feedback heading to the top of the screen (on a phone the form above is long). */
function showResultHeading() {
  const title = $("#result-title");
  title.focus({ preventScroll: true });
  title.scrollIntoView({ block: "start" });
}

async function showSubmission(id) {
  result.hidden = false;
  clear(resultBody);
  say(resultStatus, "Your answers were received; grading…");
  showResultHeading();
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
  showResultHeading();
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
    await loadHistory(current.slug);
    await showSubmission(data.id);
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
  if (!(await requireSignIn(message))) {
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
    failPage(message, err);
  }
}

start();
