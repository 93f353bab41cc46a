// RFC 3339 date-time, the spec's `format: date-time`. `new Date()` alone accepts far more
// ("1", "March 7", "2026-02-31T00:00:00Z" rolled into March), none of which Okta sends: the
// pattern checks each field's range, and the day is checked against its month below.
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-\d\d[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The instant an RFC 3339 date-time string names, or undefined when it is not one. */
export function parseDateTime(text: string): Date | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const year = +text.slice(0, 4);
  const month = +text.slice(5, 7);
  const day = +text.slice(8, 10);
  // Days in the month by arithmetic, not a second Date (this runs for every date of every
  // response): 30 or 31 alternating, switching at August, and February by the leap year rule.
  const days =
    month === 2
      ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
        ? 29
        : 28
      : 30 + ((month + (month >> 3)) & 1);
  return day >= 1 && day <= days ? new Date(text) : undefined;
}
