// Rubric text fields: load a file into the textarea; show the API's per-line errors with a way to jump there.
import { describeError, h, readFileText, say, showError } from "./dom.js";

export function wireRubricFile(fileInput, textarea, onLoaded) {
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    textarea.value = await readFileText(file);
    if (onLoaded) onLoaded(file);
  });
}

/** Select line `n` (1-based) of the textarea and scroll it into view. */
export function selectLine(textarea, n) {
  const lines = textarea.value.split("\n");
  const line = Math.max(1, Math.min(n, lines.length));
  let start = 0;
  for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
  textarea.focus();
  textarea.setSelectionRange(start, start + lines[line - 1].length);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** The error region lists every problem; each with a line gets a "show line" button. */
export function showRubricError(region, err, textarea) {
  showError(region, err);
  const entries = region.querySelectorAll(".error-entry");
  (err.errors || []).forEach((e, i) => {
    const d = describeError(e);
    if (!entries[i] || e.line == null || !textarea) return;
    entries[i].append(
      " ",
      h("button", {
        type: "button",
        class: "link-button",
        text: `show line ${e.line}`,
        onclick: () => selectLine(textarea, Number(e.line)),
        "aria-label": `Show line ${e.line} (${d.field}) in the rubric text`,
      }),
    );
  });
  if (err.status === 400 && !(err.errors || []).length) say(region, err.message, "error");
}
