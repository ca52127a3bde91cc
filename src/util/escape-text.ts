// Text from users and files (reasons, file names, journal fields) shown on a terminal: control characters are
// written as escapes, so a value can neither start a new row nor send the terminal an escape sequence.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeOne(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character (C0, DEL, C1, line and paragraph separators) escaped. */
export function escapeText(text: string): string {
  return text.replace(CONTROL, escapeOne);
}
