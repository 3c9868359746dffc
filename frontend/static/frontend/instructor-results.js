// Results table of one assignment with filters, paging, a per-submission detail view and CSV export.
import { api, download } from "./api.js";
import { $, badge, clear, formatTime, h, pts, failPage, requireSignIn, say, showError, textEl } from "./dom.js";
import { endpoints } from "./endpoints.js";
import { submissionResult } from "./feedback.js";
import { partsOf } from "./parts.js";

const slug = document.body.dataset.slug;
const message = $("#page-message");
const form = $("#filters");
const table = $("#results-table");
const FILTERS = ["search", "status", "needs_review", "batch"];
const PAGE_SIZE = 50;
const SORTABLE = { Student: "student", Status: "status", Total: "total", Submitted: "submitted" };
const latest = () => form.elements.latest.checked;

let parts = []; // [{id, title, max}]
let page = 1;
let ordering = ""; // "student", "-total", "part:q1", ... ("" = upload order)

function filters() {
  const out = {};
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) out[name] = value;
  }
  if (latest()) out.latest = "true";
  if (ordering) out.ordering = ordering;
  return out;
}

/** Filters live in the page URL too, so a filtered view can be bookmarked (never the token). */
function syncUrl() {
  const q = new URLSearchParams(filters());
  if (page > 1) q.set("page", String(page));
  const open = $("#detail").dataset.submission;
  if (open && !$("#detail").hidden) q.set("submission", open);
  const s = q.toString();
  history.replaceState(null, "", location.pathname + (s ? `?${s}` : ""));
}

function restoreFromUrl() {
  const q = new URLSearchParams(location.search);
  for (const name of FILTERS) if (q.has(name)) form.elements[name].value = q.get(name);
  form.elements.latest.checked = q.get("latest") === "true";
  page = Math.max(1, Number(q.get("page")) || 1);
  ordering = q.get("ordering") || "";
  return q.get("submission");
}

/** A column header that sorts the table by that column (again: the other way), with aria-sort. */
function sortHeader(label, key, attrs = {}, content = null) {
  const state = ordering === key ? "ascending" : ordering === `-${key}` ? "descending" : "none";
  const arrow = { ascending: " ▲", descending: " ▼", none: "" }[state];
  return h(
    "th",
    { scope: "col", "aria-sort": state, ...attrs },
    h(
      "button",
      {
        type: "button",
        class: "sort-button",
        "data-sort": key,
        onclick: () => {
          ordering = ordering === key ? `-${key}` : key;
          page = 1;
          reload();
        },
      },
      content || label,
      h("span", { "aria-hidden": "true", text: arrow }),
      h("span", { class: "visually-hidden", text: state === "none" ? ", sort" : `, sorted ${state}` }),
    ),
  );
}

function header() {
  const thead = clear(table.tHead);
  thead.append(
    h(
      "tr",
      {},
      sortHeader("Student", SORTABLE.Student),
      sortHeader("Status", SORTABLE.Status),
      sortHeader("Total", SORTABLE.Total),
      parts.map((p) => sortHeader(p.id, `part:${p.id}`, { class: "num", title: p.title || "" }, h("code", { text: p.id }))),
      sortHeader("Submitted", SORTABLE.Submitted),
      h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Details" })),
    ),
  );
}

function partCell(part, meta) {
  if (!part) return h("td", { class: "num", text: "–" });
  const flag = part.status === "needs_review" ? " ⚑" : part.overridden ? " ✎" : "";
  const max = part.max ?? meta.max;
  const label = `${pts(part.points)}${max !== undefined ? ` of ${pts(max)}` : ""}, ${part.status.replace("_", " ")}${part.overridden ? ", changed by instructor" : ""}`;
  return h("td", { class: `num cell-${part.status}`, title: label }, h("span", { "aria-label": label, text: `${pts(part.points)}${flag}` }));
}

function row(sub) {
  const subParts = sub.parts || {};
  return h(
    "tr",
    { "data-submission": sub.id },
    textEl("th", sub.student || "", { scope: "row" }),
    h("td", {}, badge(sub.status), sub.needs_review ? [" ", badge("needs_review")] : null),
    h("td", { class: "num", text: sub.status === "graded" ? `${pts(sub.total)} / ${pts(sub.max)}` : "–" }),
    parts.map((p) => partCell(subParts[p.id], p)),
    h("td", { text: formatTime(sub.submitted_at) }),
    h("td", {}, h("button", { type: "button", class: "link-button", text: "View", onclick: () => showDetail(sub.id) })),
  );
}

async function showDetail(id) {
  const box = $("#detail");
  const body = clear($("#detail-body"));
  box.hidden = false;
  box.dataset.submission = id;
  syncUrl();
  try {
    const sub = await api(endpoints.submission(id));
    $("#detail-title").textContent = `Submission of ${sub.student || id}`;
    const meta = Object.fromEntries(parts.map((p) => [p.id, p]));
    body.append(
      h("p", { class: "hint" }, `Id ${sub.id} · submitted ${formatTime(sub.submitted_at)}`, sub.graded_at ? ` · graded ${formatTime(sub.graded_at)}` : ""),
      sub.status === "graded" ? submissionResult(sub, parts.map((p) => p.id), meta, { instructor: true }) : h("p", {}, badge(sub.status), " ", sub.failure_reason || ""),
    );
    $("#detail-title").focus();
  } catch (err) {
    showError(body.appendChild(h("div")), err);
  }
}

let loading = 0; // the latest load's number: an answer to an earlier one (slower, superseded) is dropped

async function load() {
  syncUrl();
  const mine = ++loading;
  const data = await api(endpoints.results(slug, { ...filters(), page: page > 1 ? page : "", page_size: PAGE_SIZE }));
  if (mine !== loading) return;
  const items = Array.isArray(data) ? data : data.results || [];
  const count = Array.isArray(data) ? items.length : data.count;
  if (!parts.length && items.length) parts = Object.keys(items[0].parts || {}).map((id) => ({ id }));
  header();
  const tbody = clear(table.tBodies[0]);
  if (!items.length) tbody.append(h("tr", {}, h("td", { colspan: parts.length + 5, text: "No submissions match these filters." })));
  for (const sub of items) tbody.append(row(sub));
  $("#results-count").textContent = `(${count ?? items.length})`;
  $("#prev-page").disabled = Array.isArray(data) || !data.previous;
  $("#next-page").disabled = Array.isArray(data) || !data.next;
  const pages = Math.max(1, Math.ceil(Number(count || 0) / PAGE_SIZE));
  $("#page-info").textContent = Array.isArray(data) ? "" : `Page ${page} of ${pages}`;
}

function reload() {
  load().catch((err) => showError(message, err));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  page = 1;
  reload();
});
$("#prev-page").addEventListener("click", () => {
  page = Math.max(1, page - 1);
  reload();
});
$("#next-page").addEventListener("click", () => {
  page += 1;
  reload();
});
$("#export").addEventListener("click", async () => {
  say(message, "Preparing the CSV…");
  try {
    const name = await download(endpoints.export(slug, { latest: latest() ? "true" : "false" }), `${slug}-scores.csv`);
    say(message, `Downloaded ${name}.`, "ok");
  } catch (err) {
    showError(message, err);
  }
});

async function start() {
  const open = restoreFromUrl();
  const a = await api(endpoints.assignment(slug));
  $("#assignment-title").textContent = a.title || slug;
  parts = partsOf(a);
  await load();
  if (open) await showDetail(open); // a link from a regrade's list of changes
}

requireSignIn(message).then((ok) => ok && start().catch((err) => failPage(message, err)));
