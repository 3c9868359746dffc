// The one way the pages talk to the server: /api/v1/ with the tab's token.
//
// The token lives in sessionStorage (this tab only, gone when it closes); it is
// never put in a URL. A tab opened from a signed-in one (Ctrl-click, "open in new
// tab") starts with an empty sessionStorage, so it asks the site's other open tabs
// for the token over a BroadcastChannel (same origin only) before it decides the
// user is signed out. Every error comes back as an ApiError carrying the API's
// error body {detail, code, errors: [{field, line?, row?, reason}]}.

const TOKEN_KEY = "handgrade.token";
const WHO_KEY = "handgrade.who";
const ROLE_KEY = "handgrade.role";
const API_ROOT = "/api/v1/";
const CHANNEL = "handgrade.auth";
const ASK_TIMEOUT_MS = 400;

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function clearToken() {
  for (const key of [TOKEN_KEY, WHO_KEY, ROLE_KEY]) sessionStorage.removeItem(key);
}

/** Who is signed in here: {who, role} as GET me/ said (role: "instructor", "student" or ""). */
export function signedInAs() {
  try {
    return { who: sessionStorage.getItem(WHO_KEY) || "", role: sessionStorage.getItem(ROLE_KEY) || "" };
  } catch {
    return { who: "", role: "" };
  }
}

export function rememberMe(me) {
  sessionStorage.setItem(WHO_KEY, `${me.username}${me.role ? ` (${me.role})` : ""}`);
  sessionStorage.setItem(ROLE_KEY, me.role || "");
}

function channel() {
  return typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
}

/** Answer other tabs of this site that ask for the token; follow a sign-out made in any of them. */
export function shareTokenWithNewTabs(onSignOut) {
  const ch = channel();
  if (!ch) return;
  ch.addEventListener("message", (event) => {
    const msg = event.data || {};
    if (msg.type === "ask" && getToken()) {
      ch.postMessage({ type: "token", token: getToken(), who: signedInAs().who, role: signedInAs().role });
    } else if (msg.type === "signout") {
      clearToken();
      if (onSignOut) onSignOut();
    }
  });
}

export function broadcastSignOut() {
  const ch = channel();
  if (ch) {
    ch.postMessage({ type: "signout" });
    ch.close();
  }
}

let asking = null;

/** This tab's token, or one handed over by another open tab of the site; "" when none answers in time. */
export function ensureToken() {
  if (getToken()) return Promise.resolve(getToken());
  if (asking) return asking;
  const ch = channel();
  if (!ch) return Promise.resolve("");
  asking = new Promise((resolve) => {
    const done = (token) => {
      ch.close();
      resolve(token);
    };
    const timer = setTimeout(() => done(""), ASK_TIMEOUT_MS);
    ch.addEventListener("message", (event) => {
      const msg = event.data || {};
      if (msg.type !== "token" || typeof msg.token !== "string" || !msg.token) return;
      clearTimeout(timer);
      setToken(msg.token);
      if (msg.who) sessionStorage.setItem(WHO_KEY, msg.who);
      sessionStorage.setItem(ROLE_KEY, msg.role || "");
      document.dispatchEvent(new Event("handgrade:signin"));
      done(msg.token);
    });
    ch.postMessage({ type: "ask" });
  });
  return asking;
}

export class ApiError extends Error {
  constructor(status, body) {
    const detail = (body && typeof body.detail === "string" && body.detail) || `request failed (HTTP ${status})`;
    super(detail);
    this.status = status;
    this.code = (body && body.code) || "";
    this.errors = (body && Array.isArray(body.errors) && body.errors) || [];
    this.body = body;
  }
}

function cookie(name) {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(";")) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return "";
}

/** Encode each path segment: `path("assignments", slug, "rubric")`. */
export function path(...segments) {
  return segments.map((s) => encodeURIComponent(String(s))).join("/");
}

/** Join a path with query parameters, dropping empty values. */
export function withQuery(p, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${p}?${s}` : p;
}

function headers(extra) {
  const h = new Headers(extra || {});
  const token = getToken();
  if (token) h.set("Authorization", `Token ${token}`);
  const csrf = cookie("csrftoken"); // only matters when the server also accepts a session login
  if (csrf) h.set("X-CSRFToken", csrf);
  return h;
}

async function send(relative, { method = "GET", json, body, contentType, accept = "application/json" } = {}) {
  const h = headers({ Accept: accept });
  let payload = body;
  if (json !== undefined) {
    h.set("Content-Type", "application/json");
    payload = JSON.stringify(json);
  } else if (contentType) {
    h.set("Content-Type", contentType);
  }
  const url = relative.startsWith("/") ? relative : API_ROOT + relative;
  let res;
  try {
    res = await fetch(url, { method, headers: h, body: payload, credentials: "same-origin", cache: "no-store" });
  } catch (err) {
    throw new ApiError(0, { detail: `could not reach the server (${err.message})`, code: "network" });
  }
  return res;
}

async function readBody(res) {
  const type = res.headers.get("Content-Type") || "";
  if (res.status === 204) return null;
  if (type.includes("json")) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  const text = await res.text();
  return text ? { detail: text.slice(0, 300) } : null;
}

/** JSON request; resolves to the parsed body or throws ApiError. */
export async function api(relative, options = {}) {
  const res = await send(relative, options);
  const data = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Like api() but resolves to {status, data} so callers can tell 200 from 202. */
export async function apiWithStatus(relative, options = {}) {
  const res = await send(relative, options);
  const data = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data };
}

/** Download a file the API serves (the token goes in a header, so no plain link). */
export async function download(relative, fallbackName) {
  const res = await send(relative, { accept: "text/csv, */*" });
  if (!res.ok) throw new ApiError(res.status, await readBody(res));
  const blob = await res.blob();
  const disposition = res.headers.get("Content-Disposition") || "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** All pages of a paginated list ({count, next, results}) or a plain list. */
export async function listAll(relative, { maxPages = 20 } = {}) {
  const first = await api(relative);
  if (Array.isArray(first)) return first;
  const items = [...(first.results || [])];
  let next = first.next;
  for (let i = 1; next && i < maxPages; i++) {
    const u = new URL(next, location.origin);
    if (u.origin !== location.origin) break;
    const page = await api(u.pathname + u.search);
    items.push(...(page.results || []));
    next = page.next;
  }
  return items;
}

/** Poll fn() until done(value) is true; waits grow from 300 ms to 2 s. */
export async function poll(fn, done, { onValue, timeoutMs = 10 * 60_000 } = {}) {
  const start = Date.now();
  let wait = 300;
  for (;;) {
    const value = await fn();
    if (onValue) onValue(value);
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new ApiError(0, { detail: "gave up waiting; reload to check again" });
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(2000, Math.round(wait * 1.5));
  }
}
