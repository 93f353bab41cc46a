// RFC 3339 date-time, the spec's `format: date-time`. `new Date()` alone accepts far more
// ("1", "March 7", "2026-02-31T00:00:00Z" rolled into March), none of which Okta sends: the
// pattern checks each field's range, and the day is checked against its month below.
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-\d\d[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The instant an RFC 3339 date-time string names, or undefined when it is not one. */
export function parseDateTime(text: string): Date | undefined {
  const date = new Date(text);
  // A day past the month's end (or 00): engines roll the date-only form over (`02-31` is
  // March 3rd) or refuse it; either way it does not read back as the same day of the month.
  // `date <= date` is false for an Invalid Date only.
  if (
    DATE_TIME.test(text) &&
    new Date(text.slice(0, 10)).getUTCDate() === +text.slice(8, 10) &&
    date <= date
  )
    return date;
  return undefined;
}
