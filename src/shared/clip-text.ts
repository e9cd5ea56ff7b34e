/**
 * Text cut to at most `max` characters, saying how much was cut. Anything a
 * client or a failing process can make long (a failure's message, a refused
 * decision's reason, a name read from a token) is clipped before a workflow
 * keeps it, so no payload, query answer or history event can outgrow
 * Temporal's limits. Pure: the workflow sandbox imports it.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // Never leave half of a surrogate pair at the cut.
  const whole = /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  return `${whole}… (${text.length - whole.length} more characters)`;
}
