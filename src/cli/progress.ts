/** After a second, a one-line progress counter on a TTY's stderr; nothing elsewhere (CI logs stay clean). */
export function startProgress(stream: NodeJS.WriteStream, delayMs = 1000): { update: (done: number, total: number, what?: string) => void; stop: () => void } {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  let latest = '';
  let shown = false;
  const timer = setInterval(() => {
    if (!latest) return;
    shown = true;
    stream.write(`\r\x1b[2K${latest}`);
  }, delayMs);
  timer.unref();
  return {
    update: (done, total, what = 'files') => {
      // A step that cannot count (a total of 0) shows what it does.
      latest = total === 0 ? `policylint: ${what}` : `policylint: ${done}/${total} ${what}`;
    },
    stop: () => {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
