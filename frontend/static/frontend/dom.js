// Small DOM helpers. Text from the server or the user only ever becomes a text
// node or an attribute value (never HTML), so an answer like "<img onerror=...>"
// is shown as the characters it is.

import { ensureToken } from "./api.js";

const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;

/** "ko" when the text contains Hangul, else "" (inherit the page's language). */
export function langOf(text) {
  return HANGUL.test(String(text ?? "")) ? "ko" : "";
}

/**
 * h("p", {class: "note"}, "text", child) builds an element.
 * Attributes: `class`, `for`, `data-*`, `aria-*` and others via setAttribute;
 * `on<event>` as listeners; booleans set/omit the attribute; `text` sets textContent.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "text") {
      el.textContent = String(value);
    } else if (key === "value") {
      el.value = String(value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Text in an element that carries lang="ko" when the text is Korean. */
export function textEl(tag, text, attrs = {}) {
  const lang = langOf(text);
  return h(tag, { ...attrs, lang: lang || attrs.lang, text: text ?? "" });
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Points as the API gives them: numbers (or numeric strings); 1.5 stays 1.5, 2.0 shows as 2. */
export function pts(value) {
  if (value === null || value === undefined || value === "") return "–";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return String(Math.round(n * 10000) / 10000);
}

const STATUS_LABELS = {
  graded: "graded",
  needs_review: "needs review",
  blank: "blank",
  queued: "queued",
  grading: "grading",
  failed: "failed",
};

export function badge(status) {
  const known = Object.hasOwn(STATUS_LABELS, status);
  return h("span", {
    class: `badge badge-${known ? status.replace("_", "-") : "other"}`,
    text: known ? STATUS_LABELS[status] : String(status ?? ""),
  });
}

/** A status message in a live region: kind is "info", "ok" or "error". */
export function say(region, message, kind = "info") {
  clear(region);
  region.className = `message message-${kind}`;
  region.hidden = !message;
  if (message) region.append(message instanceof Node ? message : document.createTextNode(message));
}

/** One line per API error entry: "line 12 · parts[0].max: must be positive". */
export function describeError(e) {
  const where = [];
  if (e.file && e.line == null) where.push(String(e.file));
  if (e.line !== undefined && e.line !== null) where.push(`line ${e.line}`);
  if (e.row !== undefined && e.row !== null) where.push(`row ${e.row}`);
  const field = e.path || e.field || "";
  return { where: where.join(" · "), field: String(field), reason: String(e.reason ?? e.detail ?? "") };
}

/** Render an ApiError into a region: the detail line, then one list item per error entry. */
export function showError(region, err) {
  const items = (err.errors || []).map((e) => {
    const d = describeError(e);
    return h(
      "li",
      { class: "error-entry" },
      d.where ? h("span", { class: "error-where", text: d.where }) : null,
      d.where && d.field ? " · " : "",
      d.field ? h("code", { class: "error-field", text: d.field }) : null,
      d.where || d.field ? ": " : "",
      textEl("span", d.reason, { class: "error-reason" }),
    );
  });
  const body = h("div", {}, textEl("p", err.message || "Something went wrong."));
  if (err.status === 401) {
    body.append(h("p", {}, "Your token was not accepted. ", signInLink("Sign in again")));
  } else if (err.status === 403) {
    body.append(h("p", { text: "Your account may not do this (instructor pages need an instructor token)." }));
  }
  if (items.length) body.append(h("ul", { class: "error-list" }, items));
  say(region, body, "error");
}

/** A link to the sign-in page that comes back here afterwards. */
export function signInLink(label = "Sign in") {
  const next = location.pathname + location.search;
  return h("a", { href: `/signin/?next=${encodeURIComponent(next)}`, text: label });
}

/** Placeholders marked data-loading say `text` instead of "Loading…" once the page knows it cannot load. */
export function settleLoading(text) {
  for (const el of document.querySelectorAll("[data-loading]")) {
    el.removeAttribute("data-loading");
    if (el.tagName === "OPTION") el.parentElement.disabled = true;
    el.textContent = text;
  }
}

/** Show "sign in first" in the region and resolve false when neither this tab nor another open one has a token. */
export async function requireSignIn(region) {
  if (await ensureToken()) return true;
  say(region, h("span", {}, "You are not signed in. ", signInLink("Sign in with your API token"), " to continue."), "info");
  settleLoading("Sign in to see this.");
  return false;
}

/** The page could not load: say why, and let no "Loading…" stand. */
export function failPage(region, err) {
  showError(region, err);
  settleLoading(err.status === 403 ? "Not available to your account." : "Could not load (see the message above).");
}

/** Read a chosen file as UTF-8 text (for rubric uploads). */
export function readFileText(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file, "utf-8");
  });
}

export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}
