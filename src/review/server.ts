/**
 * `pacsmine serve`: the local review app (fastify). Bound to 127.0.0.1 unless told otherwise;
 * every route but GET /health needs the token (auth.ts), and answers 401 without it, unknown
 * routes included. Pages are small shells (pages.ts) that /app.js fills from the JSON API.
 *
 * Safety by construction: pixels are served by image id, looked up in the workspace's
 * key_image_png table, whose paths pacsmine wrote, and only inside the workspace (no part of a
 * request becomes a path); an unknown id is 404. Text is only de-identified text (queries.ts).
 * The workspace is read through one read-only handle; a review action takes the write lock for
 * the moment it stores the row, so `pacsmine dataset` can run while the app is open.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Workspace, withWorkspace } from '../store/workspace.js';
import { OptionsError, WorkspaceBusyError } from '../util/errors.js';
import { listReviewActions, recordReviewAction, REVIEW_ACTIONS, type ReviewActionKind } from '../datasets/review-decisions.js';
import { thumbnail } from '../report/images.js';
import { requestToken, resolveToken, tokenMatches } from './auth.js';
import { PAGES, PAGE_CSP, pageShell, STYLE } from './pages.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { imageDetail, imageFile, isLevel, listTopics, topicDetail } from './queries.js';
import { searchByWords } from './search.js';

export interface ReviewServerOptions {
  /** The workspace folder. */
  workspace: string;
  token: string;
  /** The reviewer recorded when a request names none. Default: the OS user name. */
  reviewer?: string;
  /** Thumbnails kept in memory. Default 4000. */
  thumbnailCache?: number;
}

const notFound = (reply: FastifyReply) => reply.code(404).send({ error: 'not found' });

/** The app, not yet listening (tests call `inject`); `close()` also closes the workspace. */
export async function createReviewServer(o: ReviewServerOptions): Promise<FastifyInstance> {
  const ws = Workspace.open(o.workspace, { access: 'read', create: false });
  const reviewer = o.reviewer ?? safeUserName();
  const thumbs = new Map<string, Buffer>();
  const maxThumbs = o.thumbnailCache ?? 4000;
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  app.addHook('onClose', async () => ws.close());

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer').header('X-Frame-Options', 'DENY').header('Cache-Control', 'no-store');
    if (req.method === 'GET' && req.routeOptions.url === '/health') return;
    if (!tokenMatches(requestToken(req.headers.authorization, req.url), o.token)) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized: give the token that pacsmine serve printed (Authorization: Bearer TOKEN, or ?token=TOKEN)' });
    }
  });
  app.setNotFoundHandler((_req, reply) => notFound(reply));
  app.setErrorHandler((error, _req, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: 'bad request' });
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/health', async () => ({ status: 'ok' }));
  for (const [url, page] of Object.entries(PAGES)) {
    app.get(url, async (_req, reply) => reply.type('text/html; charset=utf-8').header('Content-Security-Policy', PAGE_CSP).send(pageShell(page, o.token)));
  }
  app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(CLIENT_SCRIPT));
  app.get('/style.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(STYLE));

  app.get<{ Querystring: { level?: string; sample?: string } }>('/api/topics', async (req, reply) => {
    const level = req.query.level ?? 'document';
    if (!isLevel(level)) return notFound(reply);
    const sample = Math.max(0, Math.min(12, Number.parseInt(req.query.sample ?? '6', 10) || 0));
    return listTopics(ws, level, sample);
  });
  app.get<{ Querystring: { level?: string; label?: string } }>('/api/topic', async (req, reply) => {
    const { level, label } = req.query;
    const t = isLevel(level) && typeof label === 'string' ? topicDetail(ws, level, label) : undefined;
    return t ?? notFound(reply);
  });
  app.get<{ Querystring: { id?: string } }>('/api/image', async (req, reply) => {
    const d = typeof req.query.id === 'string' ? imageDetail(ws, req.query.id) : undefined;
    return d ?? notFound(reply);
  });
  app.get<{ Params: { id: string } }>('/pixels/:id', async (req, reply) => {
    const file = imageFile(ws, req.params.id);
    if (file === undefined) return notFound(reply);
    return reply.type('image/png').send(readFileSync(file));
  });
  app.get<{ Params: { id: string } }>('/thumbs/:id', async (req, reply) => {
    const id = req.params.id;
    let jpeg = thumbs.get(id);
    if (jpeg === undefined) {
      const file = imageFile(ws, id);
      if (file === undefined) return notFound(reply);
      jpeg = await thumbnail(file, 96);
      if (thumbs.size >= maxThumbs) thumbs.delete(thumbs.keys().next().value!);
      thumbs.set(id, jpeg);
    }
    return reply.type('image/jpeg').send(jpeg);
  });

  app.get('/api/review', async () => listReviewActions(ws));
  app.post<{ Body: { action?: unknown; level?: unknown; target?: unknown; value?: unknown; who?: unknown } }>('/api/review', async (req, reply) => {
    const b = req.body ?? {};
    if (!REVIEW_ACTIONS.includes(b.action as ReviewActionKind) || !isLevel(b.level) || typeof b.target !== 'string') {
      return reply.code(400).send({ error: `give action (${REVIEW_ACTIONS.join(', ')}), level and target` });
    }
    const who = typeof b.who === 'string' && b.who.trim() !== '' ? b.who : reviewer;
    try {
      const stored = await withWorkspace(o.workspace, (w) => recordReviewAction(w, {
        action: b.action as ReviewActionKind, level: b.level as never, target: b.target as string,
        value: typeof b.value === 'string' ? b.value : null, who,
      }), { access: 'write', create: false, waitMs: 2000, command: 'pacsmine serve (a review action)' });
      return await reply.code(201).send(stored);
    } catch (error) {
      if (error instanceof OptionsError) return reply.code(400).send({ error: error.message });
      if (error instanceof WorkspaceBusyError) return reply.code(409).send({ error: 'the workspace is busy (another pacsmine command is writing to it): try again' });
      throw error;
    }
  });
  app.get<{ Querystring: { q?: string; top?: string } }>('/api/search', async (req) =>
    searchByWords(ws, req.query.q ?? '', Math.max(1, Math.min(200, Number.parseInt(req.query.top ?? '40', 10) || 40))));
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  /** The address with the token, to open in a browser. */
  url: string;
  host: string;
  port: number;
  /** The token every request needs. */
  token: string;
  /** True when the token came from $PACSMINE_TOKEN (show its name, not the token), false when it is a new random one. */
  tokenFromEnv: boolean;
}

/**
 * Creates the app and listens (host default 127.0.0.1; port 0: any free port). Without `token`:
 * $PACSMINE_TOKEN when set, else a new random token (auth.ts resolveToken).
 */
export async function startReviewServer(options: Omit<ReviewServerOptions, 'token'> & { token?: string; host?: string; port?: number }): Promise<RunningServer> {
  const resolved = options.token !== undefined ? { token: options.token, fromEnv: false } : resolveToken();
  const o = { ...options, token: resolved.token };
  const app = await createReviewServer(o);
  const host = o.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: o.port ?? 8080 });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port ?? 8080;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, host, port, url: `http://${shown}:${port}/?token=${encodeURIComponent(o.token)}`, token: o.token, tokenFromEnv: resolved.fromEnv };
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}
