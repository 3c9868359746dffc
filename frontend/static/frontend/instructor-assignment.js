// One assignment: its current rubric, a new rubric version, bulk answer uploads with progress, regrade.
import { ApiError, api, apiWithStatus } from "./api.js";
import { endpoints } from "./endpoints.js";
import { $, clear, failPage, h, pts, requireSignIn, say, showError, textEl } from "./dom.js";
import { trackBatch } from "./batch.js";
import { showRubricError, wireRubricFile } from "./rubric.js";
import { partsOf } from "./parts.js";

const slug = document.body.dataset.slug;
const message = $("#page-message");
const rubricText = $("#update-rubric");

const UPLOAD_TYPES = { csv: "text/csv", json: "application/json", zip: "application/zip" };

function showAssignment(a) {
  $("#assignment-title").textContent = a.title ? `${a.title} (${a.slug})` : a.slug;
  const rubric = a.rubric || a.current_rubric || {};
  const parts = partsOf(a);
  const max = parts.reduce((n, p) => n + Number(p.max || 0), 0);
  const version = a.rubric_version ?? rubric.version ?? rubric.number;
  $("#rubric-summary").removeAttribute("data-loading");
  $("#rubric-summary").textContent =
    `${version != null ? `Version ${version}` : "Current version"}` +
    `${rubric.exam_id ? ` of ${rubric.exam_id}` : ""}: ${parts.length} parts, ${pts(a.max ?? rubric.max ?? max)} points.`;
  const tbody = clear($("#parts-table tbody"));
  for (const p of parts) {
    tbody.append(
      h("tr", {}, h("th", { scope: "row" }, h("code", { text: p.id })), textEl("td", p.title || ""), h("td", { class: "num", text: pts(p.max) })),
    );
  }
}

async function loadRubricSource() {
  try {
    const r = await api(endpoints.rubric(slug));
    if (r && typeof r.source === "string" && !rubricText.value) rubricText.value = r.source;
  } catch {
    // No source to prefill: the textarea stays empty.
  }
}

async function load() {
  const a = await api(endpoints.assignment(slug));
  if (a.role !== "instructor") {
    // a student may read the assignment, but every form here would answer 403
    for (const section of document.querySelectorAll("main section.panel:not(:first-of-type)")) section.hidden = true;
    throw new ApiError(403, { detail: "Only the assignment's instructors may use this page." });
  }
  showAssignment(a);
  await loadRubricSource();
}

wireRubricFile($("#update-rubric-file"), rubricText);

$("#rubric-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#rubric-message");
  if (!rubricText.value.trim()) {
    say(box, "Paste a rubric or load a rubric file.", "error");
    return;
  }
  say(box, "Checking the rubric…");
  try {
    const { status, data } = await apiWithStatus(endpoints.rubric(slug), {
      method: "PUT",
      json: { rubric: rubricText.value },
    });
    const version = data && (data.number ?? data.version);
    say(
      box,
      status === 200
        ? `The rubric is unchanged; version ${version ?? ""} stays current.`
        : `Rubric saved as version ${version ?? "?"}. Regrade to apply it to earlier submissions.`,
      "ok",
    );
    const a = await api(endpoints.assignment(slug));
    showAssignment(a);
  } catch (err) {
    showRubricError(box, err, rubricText);
  }
});

function batchLink(id) {
  return h("a", { href: `/instructor/batches/${encodeURIComponent(id)}/`, text: id });
}

$("#bulk-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#bulk-message");
  const progress = clear($("#bulk-progress"));
  const file = $("#bulk-file").files[0];
  if (!file) {
    say(box, "Choose a CSV, JSON or ZIP file first.", "error");
    return;
  }
  const ext = (file.name.split(".").pop() || "").toLowerCase();
  const type = UPLOAD_TYPES[ext];
  if (!type) {
    say(box, "The file must end in .csv, .json or .zip.", "error");
    return;
  }
  const button = $("#bulk-submit");
  button.disabled = true;
  say(box, `Uploading ${file.name}…`);
  try {
    const { data } = await apiWithStatus(endpoints.submissions(slug), {
      method: "POST",
      body: file,
      contentType: type,
    });
    say(box, h("span", {}, `Accepted ${data.size} submissions as batch `, batchLink(data.batch), "."), "ok");
    await follow(progress, data.batch);
  } catch (err) {
    showError(box, err);
  } finally {
    button.disabled = false;
  }
});

/** A progress bar and a live status line for one batch, followed until it finishes.
 * (The bulk upload answers {batch, size, ...}; the regrade answers the batch itself.) */
async function follow(progress, batchId) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const bar = h("div");
  progress.append(bar, status);
  await trackBatch(bar, status, batchId, slug);
}

$("#regrade").addEventListener("click", async () => {
  const box = $("#regrade-message");
  const progress = clear($("#regrade-progress"));
  say(box, "Queuing the regrade…");
  try {
    const { data } = await apiWithStatus(endpoints.regrade(slug), { method: "POST", json: {} });
    say(box, h("span", {}, "Regrade queued as batch ", batchLink(data.id), "."), "ok");
    await follow(progress, data.id);
  } catch (err) {
    showError(box, err);
  }
});

requireSignIn(message).then((ok) => ok && load().catch((err) => failPage(message, err)));
