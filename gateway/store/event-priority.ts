/**
 * Which events may be compacted when the outbox is over its disk quota. Pure data.
 * 0 = never dropped (alarms, access decisions, the compaction counter itself),
 * 1 = normal, 2 = low (dropped first: motion, health samples).
 */
export type Priority = 0 | 1 | 2;

const NEVER_DROPPED = [/^alarm\./, /^access\./, /^gate\./, /^outbox\.compacted$/];
const LOW = [/^camera\.motion/, /\.health$/, /^device\.input$/, /\.stats$/];

export function priorityOf(kind: string): Priority {
  if (NEVER_DROPPED.some((re) => re.test(kind))) return 0;
  if (LOW.some((re) => re.test(kind))) return 2;
  return 1;
}
