// Every API route the pages use, in one place (relative to /api/v1/; see server/grading/urls.py).
import { path, withQuery } from "./api.js";

export const endpoints = {
  me: () => "me/",
  assignments: () => "assignments/",
  assignment: (slug) => `${path("assignments", slug)}/`,
  rubric: (slug) => path("assignments", slug, "rubric"),
  submissions: (slug) => `${path("assignments", slug, "submissions")}/`,
  results: (slug, filters) => withQuery(`${path("assignments", slug, "results")}/`, filters),
  export: (slug, params) => withQuery(`${path("assignments", slug)}/export.csv`, params),
  review: (slug, params) => withQuery(`${path("assignments", slug, "review")}/`, params),
  regrade: (slug) => path("assignments", slug, "regrade"),
  submission: (id) => `${path("submissions", id)}/`,
  override: (id, part) => path("submissions", id, "parts", part, "override"),
  batch: (id) => `${path("batches", id)}/`,
  batchChanges: (id) => `${path("batches", id, "changes")}/`,
};
