import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import { PagePolicy } from '../http/security-headers.js';
import { PROBLEM_CATALOG, problemByName, type ProblemDoc } from './problem-catalog.js';
import { ProblemException, ProblemType } from './problem-details.js';

const PAGE_POLICY = { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"] };
const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}dt{font-weight:600}';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** `code` spans of the catalog's texts as <code>. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — reelwire</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function problemPage(uri: string, doc: ProblemDoc): string {
  const members = Object.entries(doc.members ?? {});
  return page(
    doc.title,
    `<p><a href="/problems">All problem types</a></p><h1>${escapeHtml(doc.title)}</h1>` +
      `<p>Problem type <code>${escapeHtml(uri)}</code>, answered with HTTP ${doc.statuses.join(' or ')} as <code>application/problem+json</code> (RFC 9457).</p>` +
      `<h2>What it means</h2><p>${prose(doc.meaning)}</p><h2>What to do</h2><p>${prose(doc.whatToDo)}</p>` +
      (members.length ? `<h2>Members besides type, title, status, detail and instance</h2><dl>${members.map(([name, text]) => `<dt><code>${escapeHtml(name)}</code></dt><dd>${prose(text)}</dd>`).join('')}</dl>` : ''),
  );
}

/** The problem type URIs resolve to pages a person reads (RFC 9457 §3.1.1: "human-readable documentation"). */
@ApiTags('problems')
@Controller('problems')
export class ProblemsController {
  private readonly index = page(
    'Problem types',
    `<h1>Problem types of the reelwire admin API</h1><p>Every error is <code>application/problem+json</code> (RFC 9457) with one of these types.</p><ul>` +
      Object.entries(PROBLEM_CATALOG)
        .map(([key, doc]) => `<li><a href="${ProblemType[key as keyof typeof PROBLEM_CATALOG]}">${escapeHtml(ProblemType[key as keyof typeof PROBLEM_CATALOG])}</a> — ${escapeHtml(doc.title)} (${doc.statuses.join(', ')})</li>`)
        .join('') +
      '</ul>',
  );

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @PagePolicy(PAGE_POLICY)
  @ApiOperation({ summary: 'Every problem type the API answers, with links to their pages' })
  @ApiProduces('text/html')
  list(): string {
    return this.index;
  }

  @Get(':name')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @PagePolicy(PAGE_POLICY)
  @ApiOperation({ summary: 'What a problem type means and what to do about it (the page its `type` URI names)' })
  @ApiParam({ name: 'name', example: 'validation-error', description: 'The last segment of a problem type URI' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 404, description: 'The API answers no problem of that type' })
  describe(@Param('name') name: string): string {
    const found = problemByName(name);
    if (!found) throw new ProblemException({ type: ProblemType.notFound, title: 'Not found', status: 404, detail: `The API answers no problem type /problems/${name}; see /problems` });
    return problemPage(found.uri, found.doc);
  }
}
