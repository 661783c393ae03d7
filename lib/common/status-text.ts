/** An error's text short enough for a node's status line (one line, at most `max` characters). */
export function shortReason(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
