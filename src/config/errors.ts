/** A problem with the configuration or the command line: reported in one line per issue, exit code 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}
