/**
 * The calibration's repeat rule, shared by every scenario that calibrates: measure(0), and when
 * `failures` finds reasons in its result, measure(1) once, never more. A disagreement that was the
 * machine's (another job's burst in one span) goes away; a real one shows again and stays. The
 * result is the last attempt's; the first attempt's result and reasons come back so the report
 * can list them.
 */
export async function measureWithOneRepeat<T>(
  measure: (attempt: number) => Promise<T>,
  failures: (result: T) => string[],
): Promise<{ result: T; first?: { result: T; reasons: string[] } }> {
  const first = await measure(0);
  const reasons = failures(first);
  if (reasons.length === 0) return { result: first };
  return { result: await measure(1), first: { result: first, reasons } };
}
