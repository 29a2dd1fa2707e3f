import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import { PagePolicy } from '../http/security-headers.js';
import { TIMELINE_PAGE_HTML } from './timeline-page.html.js';

/** The page holds no data itself (it asks the API with the visitor's key), so serving it needs no key. */
@ApiExcludeController()
@Controller('timeline')
export class TimelinePageController {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @PagePolicy({ defaultSrc: ["'self'"], scriptSrc: ["'unsafe-inline'"], styleSrc: ["'unsafe-inline'"], imgSrc: ["'self'", 'data:'] })
  page(): string {
    return TIMELINE_PAGE_HTML;
  }
}
