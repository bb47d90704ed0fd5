/** Output formats of `policylint reviews`, apart from the calendar so the CLI can list them without loading it. */
export const CALENDAR_FORMATS = ['text', 'json', 'csv', 'markdown'] as const;
/** Formats of `policylint reviews --sync-issues`: its plan is a list of actions, not a calendar. */
export const SYNC_FORMATS = ['text', 'json'] as const;
