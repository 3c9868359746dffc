// Where to go after signing in: a page of this site only.
//
// The check reads `next` as the browser will when it navigates: the URL parser
// drops tabs and newlines and reads "\" as "/", so "/\t/evil.example/x" is
// "//evil.example/x", another site. A pattern on the raw text misses such
// forms; comparing the parsed origin does not.

/** The absolute URL of `raw` when it is a path on `origin`, else the origin's home page. */
export function safeNext(raw, origin = location.origin) {
  const home = new URL("/", origin).href;
  if (typeof raw !== "string" || !raw.startsWith("/")) return home;
  let url;
  try {
    url = new URL(raw, origin);
  } catch {
    return home;
  }
  // The absolute form: even a path that reads "//host" stays on this origin when assigned.
  return url.origin === new URL(origin).origin ? url.href : home;
}
