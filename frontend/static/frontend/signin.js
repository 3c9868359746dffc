// Sign-in: check the pasted token against the API, keep it in this tab, go back where we came from.
import { api, clearToken, rememberMe, setToken } from "./api.js";
import { endpoints } from "./endpoints.js";
import { h, say, showError } from "./dom.js";
import { safeNext } from "./next.js";

const form = document.getElementById("signin-form");
const input = document.getElementById("token");
const message = document.getElementById("signin-message");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = input.value.trim();
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(token)) {
    say(message, "That does not look like an API token (letters and digits, no spaces).", "error");
    input.focus();
    return;
  }
  setToken(token);
  say(message, "Checking the token…");
  let me;
  try {
    me = await api(endpoints.me());
  } catch (err) {
    clearToken();
    showError(message, err.status === 401 ? Object.assign(err, { message: "The server did not accept this token." }) : err);
    return;
  }
  input.value = "";
  rememberMe(me);
  document.dispatchEvent(new Event("handgrade:signin"));
  const next = safeNext(new URLSearchParams(location.search).get("next") || "/");
  say(message, h("span", {}, "Signed in. ", h("a", { href: next, text: "Continue" })), "ok");
  location.assign(next);
});
