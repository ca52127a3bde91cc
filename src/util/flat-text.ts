// Text that outlives the moment it is built (a report's addresses, times and action lines). `a + b` and template
// literals make a rope node for every result of 13 characters or more; thousands of such strings kept for a report
// are tens of thousands of small objects for the garbage collector to copy. join() builds one flat string.

/** The parts, concatenated into one flat string. */
export function flatText(...parts: string[]): string {
  return parts.join('');
}
