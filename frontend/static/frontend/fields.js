// Answer fields: a live preview of the math being typed, and Tab as a column break in table answers.
import { hasMath, typeset } from "./math.js";

/** Show `area`'s math typeset in `preview` while it is typed (hidden while there is no math). */
export function livePreview(area, preview) {
  let timer = 0;
  const update = () => {
    const text = area.value;
    if (!hasMath(text)) {
      preview.hidden = true;
      preview.replaceChildren();
      return;
    }
    preview.hidden = false;
    preview.textContent = text;
    typeset(preview, text);
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  update();
}

/**
 * In a table answer Tab types a tab (a column break, as answers pasted from a spreadsheet have) instead of
 * leaving the field. Esc hands Tab back to the keyboard's navigation until the field is left, so the
 * keyboard never gets stuck in it (the hint under the field says so).
 */
export function tableKeys(area) {
  let released = false;
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      released = true;
      return;
    }
    if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey || released) return;
    event.preventDefault();
    const { selectionStart: start, selectionEnd: end, value } = area;
    area.value = `${value.slice(0, start)}\t${value.slice(end)}`;
    area.selectionStart = area.selectionEnd = start + 1;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
  area.addEventListener("blur", () => {
    released = false;
  });
}
