// Checks the reports a containerised policylint run wrote, using only node (no
// dependencies), so scripts/container/test.sh works from a fresh clone without npm ci.
//
//   node check-reports.mjs codequality <file>   GitLab Code Quality JSON (array of issues)
//   node check-reports.mjs junit <file>         well-formed JUnit XML with test cases
//
// Prints a one-line summary on success; prints the problem and exits 1 otherwise.
import { readFileSync } from 'node:fs';

const [kind, file] = process.argv.slice(2);
const fail = (message) => {
  console.error(`${file}: ${message}`);
  process.exit(1);
};
const text = readFileSync(file, 'utf8');

if (kind === 'codequality') {
  let issues;
  try {
    issues = JSON.parse(text);
  } catch (error) {
    fail(`not JSON: ${error.message}`);
  }
  if (!Array.isArray(issues)) fail('top level is not an array');
  if (issues.length === 0) fail('no issues (the fixture has findings)');
  const severities = new Set(['info', 'minor', 'major', 'critical', 'blocker']);
  const fingerprints = new Set();
  issues.forEach((issue, i) => {
    const where = `issue ${i}`;
    if (typeof issue.description !== 'string' || !issue.description) fail(`${where}: no description`);
    if (typeof issue.check_name !== 'string' || !issue.check_name) fail(`${where}: no check_name`);
    if (typeof issue.fingerprint !== 'string' || !issue.fingerprint) fail(`${where}: no fingerprint`);
    if (fingerprints.has(issue.fingerprint)) fail(`${where}: duplicate fingerprint ${issue.fingerprint}`);
    fingerprints.add(issue.fingerprint);
    if (!severities.has(issue.severity)) fail(`${where}: bad severity ${issue.severity}`);
    const path = issue.location?.path;
    // GitLab matches paths against the repository: they must be relative, not container paths.
    if (typeof path !== 'string' || !path || path.startsWith('/') || path.startsWith('work/')) {
      fail(`${where}: location.path must be repository-relative, got ${JSON.stringify(path)}`);
    }
    const begin = issue.location?.lines?.begin ?? issue.location?.positions?.begin?.line;
    if (!Number.isInteger(begin) || begin < 1) fail(`${where}: no line number`);
  });
  console.log(`${issues.length} issues, check_names: ${[...new Set(issues.map((i) => i.check_name))].join(', ')}`);
} else if (kind === 'junit') {
  const { root, counts } = checkXml(text);
  if (root !== 'testsuites' && root !== 'testsuite') fail(`root element is <${root}>, not <testsuites>`);
  if (!counts.testcase) fail('no <testcase> elements');
  if (!counts.failure) fail('no <failure> elements (the fixture has findings)');
  console.log(`<${root}> with ${counts.testcase} test cases, ${counts.failure} failures`);
} else {
  fail(`unknown report kind ${kind}`);
}

/** Minimal XML well-formedness check: one root, balanced tags, quoted attributes, valid entities. */
function checkXml(xml) {
  const entity = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const checkText = (s, at) => {
    for (let i = s.indexOf('&'); i !== -1; i = s.indexOf('&', i + 1)) {
      entity.lastIndex = i;
      if (!entity.test(s)) fail(`bad entity near offset ${at + i}: ${JSON.stringify(s.slice(i, i + 12))}`);
    }
  };
  const stack = [];
  const counts = {};
  let root = null;
  let pos = 0;
  if (xml.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    const between = xml.slice(pos, textEnd);
    if (stack.length === 0 && between.trim()) fail(`text outside the root element at offset ${pos}`);
    checkText(between, pos);
    if (lt === -1) break;
    const close = (marker) => {
      const end = xml.indexOf(marker, lt);
      if (end === -1) fail(`unterminated ${marker} construct at offset ${lt}`);
      return end + marker.length;
    };
    if (xml.startsWith('<?', lt)) pos = close('?>');
    else if (xml.startsWith('<!--', lt)) pos = close('-->');
    else if (xml.startsWith('<![CDATA[', lt)) {
      if (!stack.length) fail('CDATA outside the root element');
      pos = close(']]>');
    } else if (xml.startsWith('<!DOCTYPE', lt)) pos = close('>');
    else {
      const m = /^<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(xml.slice(lt, lt + 100000));
      if (!m) fail(`malformed tag at offset ${lt}: ${JSON.stringify(xml.slice(lt, lt + 40))}`);
      const [whole, slash, name, attrs, selfClose] = m;
      checkText(attrs, lt);
      if (slash) {
        const open = stack.pop();
        if (open !== name) fail(`</${name}> closes <${open}> at offset ${lt}`);
      } else {
        if (stack.length === 0) {
          if (root !== null) fail(`second root element <${name}>`);
          root = name;
        }
        counts[name] = (counts[name] ?? 0) + 1;
        if (!selfClose) stack.push(name);
      }
      pos = lt + whole.length;
    }
  }
  if (root === null) fail('no root element');
  if (stack.length) fail(`unclosed <${stack.at(-1)}>`);
  return { root, counts };
}
