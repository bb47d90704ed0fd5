/** TOML front matter: `+++` on the first line, up to the next `+++` line. */
const TOML_BLOCK = /^\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)/;
/** `aliases = [ … ]`, one line or several. */
const TOML_ALIASES = /^[ \t]*aliases[ \t]*=[ \t]*\[([^\]]*)\]/m;
/** A TOML basic ("…", with escapes) or literal ('…') string. */
const TOML_STRING = /"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'/g;

/**
 * The `aliases` of a page whose front matter is TOML (`+++`), which Hugo reads as it reads YAML; undefined for any
 * other page. Only the top-level key is read (a `[table]` ends it) and only its strings, which is all Hugo takes.
 */
export function tomlAliases(source: string): string[] | undefined {
  const block = TOML_BLOCK.exec(source)?.[1];
  const topLevel = block?.split(/^[ \t]*\[/m)[0];
  const list = topLevel === undefined ? undefined : TOML_ALIASES.exec(topLevel)?.[1];
  if (list === undefined) return undefined;
  return [...list.matchAll(TOML_STRING)].map(([, basic, literal]) => literal ?? unescapeBasic(basic!));
}

/** TOML's escapes in a basic string are JSON's, but for `\e` and `\UXXXXXXXX`, which an alias has no use for: those are kept as written. */
function unescapeBasic(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}
