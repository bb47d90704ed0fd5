// Starts the test suite's fake GitLab from a seed JSON file and prints its URL, to try
// `policylint mr` locally or from the container test without a real instance:
//   node dist/scripts/fake-gitlab-server.js seed.json
//   CI_SERVER_URL=<printed url> GITLAB_TOKEN=<token from the seed> policylint mr --project 42 --mr 7 ...
// Listens on 127.0.0.1 only; stops on SIGINT/SIGTERM.
import { seedFromJson, startFakeGitLab } from '../tests/fake-gitlab/server.js';

const [seedPath] = process.argv.slice(2);
if (!seedPath) {
  process.stderr.write('usage: fake-gitlab-server <seed.json>   (schema: tests/fake-gitlab/README.md)\n');
  process.exit(2);
}
const fake = await startFakeGitLab(await seedFromJson(seedPath));
process.stdout.write(`${fake.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
