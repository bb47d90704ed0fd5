/** Config file names looked for, in order, from the current directory upwards. */
export const CONFIG_FILE_NAMES = ['.policylint.yml', '.policylint.yaml'] as const;
