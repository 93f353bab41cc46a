// C0 and C1 controls (ESC, CSI, OSC, CR, LF...), DEL, the Unicode line and paragraph
// separators and the bidi overrides/isolates: what forges log lines, drives a terminal
// (colours, cursor moves, OSC 52 clipboard writes, window titles) or reorders text on screen.
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char: string): string {
  return SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character shown as an escape (`\n`, `\r`, `\t`, `\u001b`...), so
 * that text from a server reads as one inert line in a log or a terminal: a CR LF becomes the
 * four characters `\r\n`, an ESC the six characters `\u001b`.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}
