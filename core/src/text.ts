// Text as people count it: by characters (code points), so a Chinese character or an emoji is one.

export function characterCount(text: string): number {
  return [...text].length;
}

/** `text` cut to at most `max` characters, the last of them an ellipsis when anything was cut. */
export function truncateChars(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
