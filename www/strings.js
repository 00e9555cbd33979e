// Interface text, one table per language: a translation is a file (www/strings/<lang>.js),
// not a code change. The English of the page's static parts is in index.html (elements
// marked data-i18n="key"); the English of the messages the shell builds is the `en`
// table. A key missing in a language falls back to English (a test checks that `es`
// has every key).
import { EN } from "./strings/en.js";
import { ES_PAGE } from "./strings/es-page.js";
import { ES } from "./strings/es.js";

export const STRINGS = {
  en: EN,
  es: { ...ES_PAGE, ...ES },
};
