import type { Command } from 'commander';

/**
 * One command of the command line. Adding one means writing this object and listing it in
 * `COMMANDS` (./index.ts); main.ts builds the program from that list and turns the code `run`
 * returns into the process's exit code.
 */
export interface CliCommand<Options> {
  /** The subcommand's name; the default command (lint) has none and is defined on the program itself. */
  name?: string;
  /** Adds the description, arguments and options to the command commander made for it. */
  define(command: Command): Command;
  /**
   * Does the work with what commander parsed: the positional arguments, the options and the
   * command itself (for option value sources). Returns the exit code. Modules only this command
   * needs are imported here, when it runs, so that --version and --help start fast.
   */
  run(operands: string[], options: Options, command: Command): number | Promise<number>;
}
