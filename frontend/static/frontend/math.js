// Math in prompts, answers, feedback and evidence, typeset with KaTeX (shipped in vendor/katex/, no CDN).
//
// Text is split into plain and math segments: `$...$`, `\(...\)` inline and `$$...$$`, `\[...\]` displayed;
// text with no delimiters but LaTeX commands ("\frac{1}{1 + e^{-x}} \quad 1 - \sigma(x) =") has its runs of
// math-looking words typeset. Plain segments stay text nodes. KaTeX builds its DOM itself and sets styles
// through the CSSOM, which the pages' content-security policy allows (no inline style attributes, no eval);
// `trust` stays off, so no \href, \url or HTML extensions run from a student's answer. An expression KaTeX
// cannot read stays as the characters it is.

import { h, langOf } from "./dom.js";

const MAX_MATH_CHARS = 2000;
const DELIMITED = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$(?=\S)((?:\\\$|[^$\n])+?)(?<=\S)\$(?!\d)/g;
const COMMAND = /\\[A-Za-z]+/;
const WORDS = /\s+|\S+/g;
const MATHY_WORD = /^[\\^_{}=+\-*/<>|()[\],.:;0-9a-zA-Z\u0370-\u03ff'!≤≥≠·×−]+$/;
const PROSE_WORD = /^[A-Za-z]{2,}[.,:;!?]?$/;

let katexLoading = null;

/** KaTeX, loaded once on first use: its script and stylesheet are the site's own static files. */
export function loadKatex() {
  if (window.katex) return Promise.resolve(window.katex);
  if (!katexLoading) {
    const base = new URL("./vendor/katex/", import.meta.url);
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("katex.min.css", base).href;
    document.head.append(css);
    katexLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("katex.min.js", base).href;
      script.onload = () => resolve(window.katex);
      script.onerror = () => reject(new Error("KaTeX did not load"));
      document.head.append(script);
    });
  }
  return katexLoading;
}

/** True when a word belongs to a run of undelimited math. */
function mathyWord(word) {
  if (COMMAND.test(word) || /[\^_{}]/.test(word)) return true;
  return MATHY_WORD.test(word) && !PROSE_WORD.test(word) && word !== "a" && word !== "I";
}

function balanced(tex) {
  let depth = 0;
  for (const c of tex) {
    if (c === "{") depth++;
    else if (c === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/** Runs of math-looking words that hold a LaTeX command, in text without delimiters. */
function undelimited(text) {
  if (!COMMAND.test(text)) return [{ text }];
  const out = [];
  let plain = "";
  let run = ""; // math-looking words and the spaces between them
  let gap = ""; // spaces after the run, not yet known to belong to it
  const endRun = () => {
    if (run && COMMAND.test(run) && balanced(run)) {
      if (plain) out.push({ text: plain });
      out.push({ tex: run, display: false, source: run });
      plain = "";
    } else {
      plain += run;
    }
    plain += gap;
    run = "";
    gap = "";
  };
  for (const token of text.match(WORDS) || []) {
    if (/^\s+$/.test(token)) {
      if (run) gap += token;
      else plain += token;
    } else if (mathyWord(token)) {
      run += gap + token;
      gap = "";
    } else {
      endRun();
      plain += token;
    }
  }
  endRun();
  if (plain) out.push({ text: plain });
  return out;
}

function merge(segments) {
  const out = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (s.text !== undefined && last && last.text !== undefined) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

/** [{text} | {tex, display}] in order; concatenating the sources gives the text back. */
export function mathSegments(text) {
  const source = String(text ?? "");
  const out = [];
  let at = 0;
  for (const m of source.matchAll(DELIMITED)) {
    if (m.index > at) out.push(...undelimited(source.slice(at, m.index)));
    const tex = m[1] ?? m[2] ?? m[3] ?? m[4];
    out.push({ tex, display: m[1] !== undefined || m[2] !== undefined, source: m[0] });
    at = m.index + m[0].length;
  }
  if (at < source.length) out.push(...undelimited(source.slice(at)));
  return merge(out);
}

export function hasMath(text) {
  return mathSegments(text).some((s) => s.tex !== undefined);
}

/** Put `text` into `el`, math typeset; falls back to the plain text when KaTeX cannot read a segment. */
export async function typeset(el, text) {
  const segments = mathSegments(text);
  if (!segments.some((s) => s.tex !== undefined)) return el;
  let katex;
  try {
    katex = await loadKatex();
  } catch {
    return el; // the text is still there, only not typeset
  }
  const nodes = segments.map((s) => {
    if (s.tex === undefined) return document.createTextNode(s.text);
    const span = h("span", { class: s.display ? "math math-display" : "math" });
    if (s.tex.length > MAX_MATH_CHARS) {
      span.textContent = s.source ?? s.tex;
      return span;
    }
    try {
      katex.render(s.tex, span, { displayMode: s.display, throwOnError: true, trust: false, strict: "ignore", maxExpand: 200, maxSize: 20 });
    } catch {
      span.textContent = s.source ?? s.tex;
      span.className = "math-unread";
    }
    return span;
  });
  el.replaceChildren(...nodes);
  el.dataset.typeset = "true";
  return el;
}

/** Like textEl(): an element holding `text` (lang="ko" when Korean), its math typeset as soon as KaTeX is there. */
export function mathText(tag, text, attrs = {}) {
  const lang = langOf(text);
  const el = h(tag, { ...attrs, lang: lang || attrs.lang, text: text ?? "" });
  if (hasMath(text)) typeset(el, text);
  return el;
}
