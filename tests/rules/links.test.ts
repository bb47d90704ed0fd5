import rule from '../../rules/links.js';
import { ruleTester } from '../support/rule-tester.js';

/**
 * A small Hugo site. tests/links-hugo.test.ts checks the same behaviour against real Hugo on
 * fixtures/hugo-site; these cases pin the rule's messages, details, options and run shapes.
 */
const site = {
  'content/_index.md': '# Home\n',
  'content/handbook/security/_index.md': [
    '---',
    'title: Security',
    'aliases: [/handbook/old-security/, infosec]',
    '---',
    '',
    '## Exception Management Process',
    '',
    '## See [the policy](/handbook/)',
    '',
    '## Duplicate',
    '',
    '## Duplicate',
    '',
    '## Custom heading {#custom-id}',
    '',
    '<div id=unquoted></div>',
    '',
    '<!-- <a id="commented"></a> -->',
    '',
  ].join('\n'),
  'content/handbook/security/isms.md': '# ISMS\n\n## Purpose\n',
  'content/handbook/leaf/index.md': '# Leaf\n',
  'content/handbook/leaf/diagram.png': 'png',
  'content/a/dup.md': '# A\n',
  'content/b/dup/_index.md': '# B\n',
  'static/files/form.pdf': 'pdf',
};

/** The site plus one page, content/handbook/page.md (published at /handbook/page/). */
const page = (source: string, files: Record<string, string> = {}) => ({ files: { ...site, ...files, 'content/handbook/page.md': source } });
const PAGE = 'content/handbook/page.md';

ruleTester(rule, {
  valid: [
    {
      name: 'heading IDs from the raw heading line, duplicates, custom and unquoted HTML ids',
      ...page(
        [
          '[1](/handbook/security/#exception-management-process)',
          '[2](/handbook/security/#see-the-policyhandbook)',
          '[3](/handbook/security/#duplicate-1)',
          '[4](/handbook/security/#custom-id)',
          '[5](/handbook/security/#unquoted)',
          '[6](#own-heading)',
          '',
          '## Own heading',
        ].join('\n'),
      ),
    },
    {
      name: 'refs as Hugo 0.111 resolves them: paths, bare names, case, absolute URLs, bundles',
      ...page(
        [
          '[1]({{< ref "/handbook/security" >}}) [2]({{< ref "isms" >}}) [3]({{< ref "/ISMS.md" >}})',
          '[4]({{< relref "/Handbook/Security/ISMS#purpose" >}}) [5]({{< ref "https://elsewhere.example/handbook/security/isms" >}})',
          '[6]({{< ref "security/_index.md" >}}) [7]({{< ref "leaf" >}}) [8]({{< ref "/handbook/security/" >}}) [9]({{< ref "/" >}})',
        ].join('\n'),
      ),
    },
    {
      name: 'plain links resolve from the page URL; static files, bundle resources and aliases are served',
      ...page(
        '[1](../security/isms/) [2](/files/form.pdf) [3](../leaf/diagram.png) [4](/handbook/old-security/) [5](/handbook/infosec) [6](/handbook/security/isms?x=1#purpose) [7](/bom-old)\n',
        {
          'content/bom.md': '\ufeff---\r\ntitle: BOM\r\naliases:\r\n  - /bom-old/\r\n---\r\n# B\r\n',
        },
      ),
    },
    {
      name: 'a document Hugo does not publish links to repository files',
      files: { ...site, 'README.md': '[policy](content/handbook/security/isms.md#purpose) [form](static/files/form.pdf)\n' },
    },
    {
      name: 'a repository of plain Markdown',
      files: { 'docs/a.md': '## Top\n', 'docs/b.md': '[a](a.md#top) [folder](./) [root](/docs/a.md)\n', 'docs/_index.md': '# Docs\n' },
      options: { contentRoot: '.' },
    },
    {
      name: 'autoHeadingIDType github-ascii',
      files: { 'content/a.md': '## Ünïcode Ärger & Co\n\n[x](#unicode-arger--co)\n' },
      options: { autoHeadingIDType: 'github-ascii' },
    },
    {
      name: 'autoHeadingIDType blackfriday',
      files: { 'content/b.md': '## Fish & Chips: 100%\n\n## Fish & Chips: 100%\n\n[x](#fish-chips-100-1)\n' },
      options: { autoHeadingIDType: 'blackfriday' },
    },
    {
      name: 'a site translated by file name (languages)',
      files: {
        'content/handbook/x.md': '## Heading\n\n[ref]({{< ref "x" >}})\n',
        'content/handbook/x.ja.md': '## 見出し\n\n[y](../y/) [en](/handbook/x/#heading) [self](/ja/handbook/x/#見出し)\n',
        'content/handbook/y.ja.md': '# Y\n',
      },
      options: { languages: ['ja'] },
    },
    {
      name: 'external targets and autolinks are not checked',
      ...page('[a](https://example.com/x) <https://example.org> [m](mailto:a@example.com) [p](//host/x)\n'),
    },
    { name: 'checkAnchors off', ...page('[a](/handbook/security/#nope)\n'), options: { checkAnchors: false } },
    {
      name: "Hugo's named and two-argument ref forms",
      ...page('[a]({{< ref path="isms" >}}) [b]({{< relref lang="en" path=`/handbook/security` >}}) [c]({{< ref "leaf" "html" >}})\n'),
    },
    {
      name: 'TOML front matter aliases; a Markdown file in a static folder',
      ...page('[a](/toml-old/) [b](/handbook/multi-line/) [c](/files/notes.md)\n', {
        'content/handbook/toml.md': "+++\ntitle = 'T'\naliases = [\n  \"/toml-old/\",\n  'multi-line', # a comment\n]\n+++\n# T\n",
        'static/files/notes.md': '# Notes\n',
      }),
    },
    {
      name: "Goldmark's task-list marker with no space after it is a checkbox, not a link",
      ...page('- [x](/gone/a)\n- [ ](/gone/b)\n- text then [X](/gone/c)\n1. *[x](/gone/d)*\n'),
    },
    { name: 'ignored targets', ...page('[a](/images/x.png) [b]({{< ref "/generated/page" >}})\n'), options: { ignore: ['/^\\/images\\//', 'generated'] } },
  ],
  invalid: [
    {
      // Hugo 0.111: `ref "_index.md"` is REF_NOT_FOUND when the folder has no _index.md, although Hugo makes the section itself.
      name: 'a ref naming _index.md of a section Hugo makes without one',
      files: { 'content/sec/b.md': '# B\n\n[a]({{< ref "_index.md" >}}) [home]({{< ref "/" >}}) [section]({{< ref "/sec" >}})\n' },
      errors: [{ path: 'content/sec/b.md', messageId: 'missing', line: 3, column: 5 }],
    },
    {
      name: 'a heading ID from the rendered text, and anchors Hugo does not render',
      ...page('[1](/handbook/security/#see-the-policy) [2](/handbook/security/#custom-heading) [3](/handbook/security/#commented) [4](#nope)\n'),
      errors: [
        {
          path: PAGE,
          messageId: 'anchor',
          line: 1,
          column: 1,
          data: { link: 'Link target "/handbook/security/#see-the-policy"', page: 'content/handbook/security/_index.md', anchor: 'see-the-policy' },
          details: /from its source line as written/,
        },
        { path: PAGE, messageId: 'anchor', line: 1, column: 41 },
        { path: PAGE, messageId: 'anchor', line: 1, column: 81 },
        { path: PAGE, messageId: 'anchor', line: 1, column: 116, data: { link: 'Link target "#nope"', page: 'this document', anchor: 'nope' } },
      ],
    },
    {
      name: 'a relative link resolved from the page URL, not the source folder',
      ...page('[isms](security/isms/)\n'),
      errors: [
        {
          path: PAGE,
          messageId: 'missing',
          line: 1,
          data: { link: 'Link target "security/isms/"' },
          details:
            "Tried the page /handbook/page/security/isms/ (the link resolved against this page's URL, /handbook/page/), content/handbook/page/security/isms, static/handbook/page/security/isms.",
        },
      ],
    },
    {
      name: 'a link to a .md file, which Hugo does not publish',
      ...page('[isms](../security/isms.md)\n'),
      errors: [
        {
          path: PAGE,
          messageId: 'missing',
          line: 1,
          details: /Hugo publishes content\/handbook\/security\/isms\.md at \/handbook\/security\/isms\/, not as a \.md file\.$/,
        },
      ],
    },
    {
      name: 'refs Hugo cannot resolve, wherever Hugo expands them',
      ...page(
        [
          '- [a]({{< ref "no-such-page#a" >}})',
          '- <a href="{{< ref "/handbook/gone" >}}">b</a>',
          '- text {{< relref "./isms" >}} and {{< ref "/handbook/security/isms/" >}}',
          '<!-- {{< ref "commented" >}} -->',
          '- [d]({{< ref "dup" >}})',
        ].join('\n'),
      ),
      errors: [
        {
          path: PAGE,
          messageId: 'missing',
          line: 1,
          column: 7,
          data: { link: 'Hugo ref "no-such-page#a"' },
          details: 'Tried content/handbook/no-such-page, content/no-such-page, a page named "no-such-page".',
        },
        { path: PAGE, messageId: 'missing', line: 2, column: 12, data: { link: 'Hugo ref "/handbook/gone"' } },
        { path: PAGE, messageId: 'missing', line: 3, column: 8, data: { link: 'Hugo relref "./isms"' }, details: 'Tried content/handbook/isms.' },
        { path: PAGE, messageId: 'missing', line: 3, column: 36 },
        { path: PAGE, messageId: 'missing', line: 4, column: 6 },
        {
          path: PAGE,
          messageId: 'ambiguous',
          line: 5,
          data: { link: 'Hugo ref "dup"', name: 'dup' },
          details: 'Pages with that name: content/a/dup.md, content/b/dup/_index.md. Write the path of the one you mean.',
        },
      ],
    },
    {
      name: 'an alias with an anchor: served, but the redirect drops the anchor',
      ...page('[a](/handbook/old-security/#exception-management-process)\n'),
      errors: [
        {
          path: PAGE,
          messageId: 'aliasAnchor',
          severity: 'warn',
          line: 1,
          data: {
            link: 'Link target "/handbook/old-security/#exception-management-process"',
            page: 'content/handbook/security/_index.md',
            anchor: 'exception-management-process',
          },
          details: /Link to \/handbook\/security\/#exception-management-process\.$/,
        },
      ],
    },
    {
      name: 'a URL in another case than Hugo publishes it; an alias only as written',
      ...page('[a](/Handbook/Security/isms/) [b](/handbook/OLD-security/) [c](/Files/form.pdf)\n'),
      errors: [
        {
          path: PAGE,
          messageId: 'missing',
          line: 1,
          column: 1,
          details:
            /Hugo publishes content\/handbook\/security\/isms\.md at \/handbook\/security\/isms\/: URLs are case-sensitive, and Hugo writes page paths in lower case\.$/,
        },
        { path: PAGE, messageId: 'missing', line: 1, column: 31 },
        { path: PAGE, messageId: 'missing', line: 1, column: 60 },
      ],
    },
    {
      name: 'refs in named and two-argument forms that Hugo cannot resolve',
      ...page('[a]({{< ref path="/handbook/gone" >}}) [b]({{< ref "gone" "html" >}})\n'),
      errors: [
        { path: PAGE, messageId: 'missing', line: 1, column: 5, data: { link: 'Hugo ref "/handbook/gone"' } },
        { path: PAGE, messageId: 'missing', line: 1, column: 44, data: { link: 'Hugo ref "gone"' } },
      ],
    },
    {
      name: 'task-list markers Goldmark does not read: in a quote, a later paragraph, outside a list, or on a page GitLab renders',
      files: {
        ...site,
        'content/handbook/page.md': '- > [x](/gone/a)\n- item\n\n  [x](/gone/b)\n\n[x](/gone/c)\n',
        'README.md': '- [x](content/gone.md)\n',
      },
      errors: [
        { path: 'README.md', messageId: 'missing', line: 1, column: 3 },
        { path: PAGE, messageId: 'missing', line: 1, column: 5 },
        { path: PAGE, messageId: 'missing', line: 4, column: 3 },
        { path: PAGE, messageId: 'missing', line: 6, column: 1 },
      ],
    },
    {
      name: 'footnotes (Goldmark) have no target, while labels `^` and ` ^x` are still link definitions',
      ...page('Claim.[^1] Named.[^note] [a][^] [b][ ^x]\n\n[^1]: Approved.\n\n[^note]: gone/page/\n\n[^]: /gone/a/\n\n[ ^x]: /gone/b/\n'),
      errors: [
        { path: PAGE, messageId: 'missing', line: 7, column: 1, data: { link: 'Link target "/gone/a/"' } },
        { path: PAGE, messageId: 'missing', line: 9, column: 1, data: { link: 'Link target "/gone/b/"' } },
      ],
    },
    {
      name: 'a document Hugo does not publish, linking a missing file',
      files: { ...site, 'README.md': '[gone](content/handbook/gone.md)\n' },
      errors: [{ path: 'README.md', messageId: 'missing', line: 1, details: 'Tried content/handbook/gone.md.' }],
    },
    {
      name: 'a translation that does not exist',
      files: { 'content/handbook/x.md': '[ja](/ja/handbook/x/)\n' },
      options: { languages: ['ja'] },
      errors: [{ path: 'content/handbook/x.md', messageId: 'missing', line: 1 }],
    },
    // The same link found in a full run and in a run of the page alone: a page's anchors never depend on which page read it first.
    ...[undefined, ['content/b.md']].map((lint) => ({
      name: `a heading inside an HTML block is no heading, ${lint ? 'in a run of that page alone' : 'in a full run that reads it first from another page'}`,
      files: { 'content/a.md': '[b](/b/#inside)\n', 'content/b.md': '<div>\n## Inside\n</div>\n\n[self](#inside)\n' },
      lint,
      errors: [
        ...(lint ? [] : [{ path: 'content/a.md', messageId: 'anchor', line: 1 }]),
        { path: 'content/b.md', messageId: 'anchor', line: 5, data: { link: 'Link target "#inside"', page: 'this document', anchor: 'inside' } },
      ],
    })),
  ],
  invalidOptions: [
    { options: { autoHeadingIDType: 'gitlab' }, error: /github-ascii/ },
    { options: { languages: ['j|a'] }, error: /Invalid/ },
  ],
});
