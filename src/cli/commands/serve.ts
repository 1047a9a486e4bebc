import type { Command } from 'commander';
import { startReviewServer } from '../../index.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';
import { workspaceDir, type WorkspaceFlags } from '../output.js';

interface ServeFlags extends WorkspaceFlags {
  port: number;
  host: string;
  reviewer?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the local review app: topics, key images, labels and keywords; rename, merge or reject topics and correct labels (the next `pacsmine dataset` applies them)')
    .addOption(workspaceOption())
    .option('--port <n>', 'port (0: any free port)', integerFlag('port', { min: 0, max: 65_535 }), 8080)
    .option('--host <address>', 'address to listen on (anything but loopback lets other machines in: they still need the token)', '127.0.0.1')
    .option('--reviewer <name>', 'who the review actions are recorded as when the page names nobody (default: your user name)')
    .action(async (f: ServeFlags) => {
      // The token: $PACSMINE_TOKEN when set (never printed), else a new random one, printed once.
      const s = await startReviewServer({ workspace: workspaceDir(f.workspace), host: f.host, port: f.port, ...(f.reviewer !== undefined ? { reviewer: f.reviewer } : {}) });
      const fromEnv = s.tokenFromEnv;
      process.stdout.write(`pacsmine serve: listening on http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}\n` +
        (fromEnv ? 'token: from PACSMINE_TOKEN\n' : `token: ${s.token}\n`) + `open: ${fromEnv ? s.url.replace(/token=.*/, 'token=…') : s.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await s.app.close();
    });
}
