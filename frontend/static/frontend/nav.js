// Header: whether this tab holds a token, whose, and the links their role may use; signs out (every tab).
import { api, broadcastSignOut, clearToken, ensureToken, getToken, rememberMe, shareTokenWithNewTabs, signedInAs } from "./api.js";
import { endpoints } from "./endpoints.js";

const signin = document.getElementById("nav-signin");
const signout = document.getElementById("nav-signout");
const who = document.getElementById("nav-who");
const instructorLink = document.getElementById("nav-instructor");

function refresh() {
  const signedIn = Boolean(getToken());
  const me = signedInAs();
  signin.hidden = signedIn;
  signout.hidden = !signedIn;
  who.textContent = signedIn ? me.who || "Signed in" : "";
  // a student's token gets 403 on every instructor page: do not offer them
  if (instructorLink) instructorLink.hidden = signedIn && me.role === "student";
}

signout.addEventListener("click", () => {
  clearToken();
  broadcastSignOut();
  location.assign("/");
});

/** Name the signed-in user once per tab (GET /api/v1/me/); a refused token is forgotten. */
async function whoAmI() {
  await ensureToken();
  refresh();
  if (!getToken() || signedInAs().who) return;
  try {
    rememberMe(await api(endpoints.me()));
  } catch (err) {
    if (err.status === 401) clearToken();
  }
  refresh();
}

shareTokenWithNewTabs(() => {
  refresh();
  document.dispatchEvent(new Event("handgrade:signout"));
});
window.addEventListener("storage", refresh);
document.addEventListener("handgrade:signin", refresh);
refresh();
whoAmI();
