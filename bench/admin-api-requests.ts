import http from 'node:http';

/** The dev editor key (README): what every bench request to the admin API sends. */
export const EDITOR = { authorization: 'Bearer dev-editor-key', 'content-type': 'application/json' };
export const SOURCE = { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' };

// Each milestone has its own label: the same milestone twice on one work is refused (422) as already recorded.
let milestones = 0;

/** The body of POST /works/:id/milestones, the benches' typical edit. */
export const milestoneBody = (): string =>
  JSON.stringify({ label: `Remake rights acquired #${++milestones}`, kind: 'rights-acquired', date: { date: '2018-05', precision: 'month' }, source: SOURCE });

/**
 * The body of POST /works registering `workId` with the title `title`, followed by the work's id: bench works are
 * different films, and titles alike ("Bench 1", "Bench 2") would be held as likely duplicates (409).
 */
export const workRegistrationBody = (workId: string, title: string): string =>
  JSON.stringify({ workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], productionYear: 2003, titles: [{ text: `${title} ${workId}`, language: 'en', class: 'original', primary: true }], status: 'announced', source: SOURCE });

/** One request as the editor, on a keep-alive agent; the answer's status, ETag and body. */
export function requestJson(agent: http.Agent, port: number, method: string, path: string, body: string): Promise<{ status: number; etag?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...EDITOR, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The dev auditor key (README): the benches' reads of the read models, as of a past instant or position. */
export const AUDITOR = { authorization: 'Bearer dev-auditor-key' };

/** One GET as the auditor, on a keep-alive agent; the answer's status and body (read whole). */
export function getAsAuditor(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, agent, headers: AUDITOR }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}
