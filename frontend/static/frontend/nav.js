// Header: shows whether this tab holds a token and signs out (forgets it).
import { api, clearToken, getToken } from "./api.js";
import { endpoints } from "./endpoints.js";

const signin = document.getElementById("nav-signin");
const signout = document.getElementById("nav-signout");
const who = document.getElementById("nav-who");

function refresh() {
  const signedIn = Boolean(getToken());
  signin.hidden = signedIn;
  signout.hidden = !signedIn;
  who.textContent = signedIn ? sessionStorage.getItem("handgrade.who") || "Signed in" : "";
}

signout.addEventListener("click", () => {
  clearToken();
  sessionStorage.removeItem("handgrade.who");
  location.assign("/");
});

/** Name the signed-in user once per tab (GET /api/v1/me/); a refused token is forgotten. */
async function whoAmI() {
  if (!getToken() || sessionStorage.getItem("handgrade.who")) return;
  try {
    const me = await api(endpoints.me());
    sessionStorage.setItem("handgrade.who", `${me.username}${me.role ? ` (${me.role})` : ""}`);
  } catch (err) {
    if (err.status === 401) clearToken();
  }
  refresh();
}

window.addEventListener("storage", refresh);
document.addEventListener("handgrade:signin", refresh);
refresh();
whoAmI();
