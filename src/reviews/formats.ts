/** Output formats of `policylint reviews`, apart from the calendar so the CLI can list them without loading it. */
export const CALENDAR_FORMATS = ['text', 'json', 'csv', 'markdown'] as const;
